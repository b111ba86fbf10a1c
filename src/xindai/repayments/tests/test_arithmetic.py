"""Tests for xindai.repayments.arithmetic, with figures worked by hand in the comments."""

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindai.repayments.arithmetic import (
    Allocation,
    Owed,
    PaymentEvent,
    RepaymentError,
    accrued_penalty,
    allocate,
    allocate_oldest_first,
    interest_for_days,
    penalty_rate_daily,
)

D = Decimal
DUE = date(2026, 3, 20)
RATE = D("4.35")
MARKUP = D("0.5")


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def penalty(as_of, principal="10000.00", interest="0.00", payments=(), **kw):
    args = {"annual_rate": RATE, "markup": MARKUP, "compound": True} | kw
    return accrued_penalty(
        due_date=DUE,
        principal_due=D(principal),
        interest_due=D(interest),
        payments=list(payments),
        as_of=as_of,
        **args,
    )


def owed(principal="1000.00", interest="50.00", penalty="3.21", compound="0.45") -> Owed:
    return Owed(principal=D(principal), interest=D(interest), penalty=D(penalty), compound=D(compound))


def alloc(penalty="0.00", compound="0.00", interest="0.00", principal="0.00") -> Allocation:
    return Allocation(penalty=D(penalty), compound=D(compound), interest=D(interest), principal=D(principal))


# --- error class -------------------------------------------------------------------------


def test_error_carries_code_message_params_and_formats():
    err = RepaymentError("overpayment", "Pay %(a)s of %(b)s.", {"a": D("1.00"), "b": D("2.00")})
    assert isinstance(err, ValueError)
    assert (err.code, err.message, err.params) == (
        "overpayment",
        "Pay %(a)s of %(b)s.",
        {"a": D("1.00"), "b": D("2.00")},
    )
    assert str(err) == "Pay 1.00 of 2.00."


def test_error_survives_copying():  # the same __reduce__ protocol as pickling
    err = copy.deepcopy(RepaymentError("x", "m %(v)s", {"v": 1}))
    assert (err.code, str(err)) == ("x", "m 1")


# --- penalty rate and ordinary interest -----------------------------------------------


def test_penalty_rate_daily_is_unrounded():
    # 4.35 × 1.5 / 100 / 360 = 0.00018125
    assert penalty_rate_daily(RATE, MARKUP) == D("0.00018125")
    # 4.9 / 36000 does not terminate: kept to the full working precision
    rate = penalty_rate_daily(D("4.90"), D("0"))
    assert abs(rate * 36000 - D("4.9")) < D("1e-40")
    assert len(rate.as_tuple().digits) > 30


def test_interest_for_days_domain_example():
    # 50,000.00 × 38 × 5.22 / 36000 = 275.50 (domain.md, 按季付息 first period)
    assert interest_for_days(D("50000.00"), 38, D("5.22")) == D("275.50")
    assert interest_for_days(D("50000.00"), 92, D("5.22")) == D("667.00")


def test_interest_for_days_rounds_half_up():
    # 1,000.00 × 1 × 5.22 / 36000 = 0.145 → 0.15 (half-even would give 0.14)
    assert interest_for_days(D("1000.00"), 1, D("5.22")) == D("0.15")
    assert interest_for_days(D("1000.00"), 0, D("5.22")) == D("0.00")


@pytest.mark.parametrize("days", [-1, 1.0, True])
def test_interest_for_days_refuses_bad_days(days):
    with pytest.raises(RepaymentError) as exc:
        interest_for_days(D("1000.00"), days, RATE)
    assert exc.value.code == "invalid_days"


# --- accrued penalty and compound ----------------------------------------------------------


def test_penalty_thirty_days():
    # 10000 × 30 × 4.35 × 1.5 / 36000 = 54.375 → 54.38
    assert penalty(day(30)) == (D("54.38"), D("0.00"))


def test_penalty_rounds_half_up():
    # 10000 × 2 × 4.35 × 1.5 / 36000 = 3.625 → 3.63 (half-even would give 3.62)
    assert penalty(day(2))[0] == D("3.63")


def test_penalty_with_partial_principal_payment_on_day_ten():
    # (10000 × 10 + 6000 × 20) × 4.35 × 1.5 / 36000 = 220000 × 6.525 / 36000 = 39.875 → 39.88
    paid = [PaymentEvent(on=day(10), principal=D("4000.00"), interest=D("0.00"))]
    assert penalty(day(30), payments=paid)[0] == D("39.88")


def test_penalty_rounds_once_not_per_segment():
    # 10000 × 2 → 3.625 and 6000 × 2 → 2.175 would round to 3.63 + 2.18 = 5.81,
    # but the exact sum 32000 × 6.525 / 36000 = 5.80
    paid = [PaymentEvent(on=day(2), principal=D("4000.00"), interest=D("0.00"))]
    assert penalty(day(4), payments=paid)[0] == D("5.80")


def test_compound_on_overdue_interest():
    # 300 × 30 × 6.525 / 36000 = 1.63125 → 1.63
    assert penalty(day(30), interest="300.00") == (D("54.38"), D("1.63"))


def test_compound_with_partial_interest_payment():
    # (300 × 15 + 200 × 15) × 6.525 / 36000 = 48937.5 / 36000 = 1.359375 → 1.36
    paid = [PaymentEvent(on=day(15), principal=D("0.00"), interest=D("100.00"))]
    assert penalty(day(30), principal="0.00", interest="300.00", payments=paid) == (D("0.00"), D("1.36"))


def test_compound_switched_off():
    assert penalty(day(30), interest="300.00", compound=False) == (D("54.38"), D("0.00"))


def test_markup_zero():
    # 10000 × 30 × 4.35 / 36000 = 36.25
    assert penalty(day(30), interest="300.00", markup=D("0")) == (D("36.25"), D("1.09"))


@pytest.mark.parametrize("as_of", [DUE, day(-1), day(-400)])
def test_nothing_accrues_on_or_before_due_date(as_of):
    assert penalty(as_of, interest="300.00") == (D("0.00"), D("0.00"))


def test_first_day_overdue():
    # 10000 × 1 × 6.525 / 36000 = 1.8125 → 1.81
    assert penalty(day(1))[0] == D("1.81")


def test_payments_before_or_on_due_date_reduce_starting_amounts():
    # 8000 × 30 × 6.525 / 36000 = 43.50; interest 200 × 30 × 6.525 / 36000 = 1.0875 → 1.09
    paid = [
        PaymentEvent(on=day(-5), principal=D("1500.00"), interest=D("100.00")),
        PaymentEvent(on=DUE, principal=D("500.00"), interest=D("0.00")),
    ]
    assert penalty(day(30), interest="300.00", payments=paid) == (D("43.50"), D("1.09"))


def test_payments_after_as_of_are_ignored_and_on_as_of_change_nothing():
    later = [PaymentEvent(on=day(31), principal=D("10000.00"), interest=D("0.00"))]
    same_day = [PaymentEvent(on=day(30), principal=D("10000.00"), interest=D("0.00"))]
    assert penalty(day(30), payments=later)[0] == D("54.38")
    assert penalty(day(30), payments=same_day)[0] == D("54.38")


def test_payments_in_any_order_and_several_on_one_day():
    # (10000 × 10 + 6000 × 10 + 1000 × 10) × 6.525 / 36000 = 170000 × 6.525 / 36000 = 30.8125
    paid = [
        PaymentEvent(on=day(20), principal=D("5000.00"), interest=D("0.00")),
        PaymentEvent(on=day(10), principal=D("1000.00"), interest=D("0.00")),
        PaymentEvent(on=day(10), principal=D("3000.00"), interest=D("0.00")),
    ]
    assert penalty(day(30), payments=paid)[0] == D("30.81")


def test_fully_paid_installment_stops_accruing():
    # paid off on day 10: 10000 × 10 × 6.525 / 36000 = 18.125 → 18.13 also as of day 100
    paid = [PaymentEvent(on=day(10), principal=D("10000.00"), interest=D("0.00"))]
    assert penalty(day(10), payments=paid)[0] == D("18.13")
    assert penalty(day(100), payments=paid)[0] == D("18.13")


def test_payments_exceeding_due_are_refused():
    paid = [PaymentEvent(on=day(1), principal=D("10000.01"), interest=D("0.00"))]
    with pytest.raises(RepaymentError) as exc:
        penalty(day(30), payments=paid)
    assert exc.value.code == "payments_exceed_due"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"principal": "10000.001"}, "amount_precision"),
        ({"principal": "-1.00"}, "negative_value"),
        ({"annual_rate": D("-1")}, "negative_value"),
        ({"markup": D("-0.1")}, "negative_value"),
        ({"annual_rate": 4.35}, "not_decimal"),
        ({"markup": D("NaN")}, "not_finite"),
    ],
)
def test_penalty_input_errors(kwargs, code):
    with pytest.raises(RepaymentError) as exc:
        penalty(day(30), **kwargs)
    assert exc.value.code == code


def test_payment_event_validates_amounts():
    with pytest.raises(RepaymentError) as exc:
        PaymentEvent(on=DUE, principal=0.5, interest=D("0"))
    assert exc.value.code == "not_decimal"
    assert PaymentEvent(on=DUE, principal=D("5"), interest=D("0")).principal == D("5.00")


# --- allocation to one installment ---------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.01", alloc(penalty="0.01")),
        ("3.21", alloc(penalty="3.21")),
        ("3.22", alloc(penalty="3.21", compound="0.01")),
        ("3.66", alloc(penalty="3.21", compound="0.45")),
        ("3.67", alloc(penalty="3.21", compound="0.45", interest="0.01")),
        ("53.66", alloc(penalty="3.21", compound="0.45", interest="50.00")),
        ("53.67", alloc(penalty="3.21", compound="0.45", interest="50.00", principal="0.01")),
        ("1053.66", alloc(penalty="3.21", compound="0.45", interest="50.00", principal="1000.00")),
    ],
)
def test_allocate_hits_each_boundary(amount, expected):
    result = allocate(D(amount), owed())
    assert result == expected
    assert result.total == D(amount)


def test_allocate_skips_zero_components():
    assert allocate(D("10.00"), owed(penalty="0", compound="0")) == alloc(interest="10.00")


def test_owed_total():
    assert owed().total == D("1053.66")


def test_overpayment_by_one_cent_is_refused_with_both_amounts_in_message():
    with pytest.raises(RepaymentError) as exc:
        allocate(D("1053.67"), owed())
    assert exc.value.code == "overpayment"
    assert exc.value.params == {"amount": D("1053.67"), "owed": D("1053.66")}
    assert str(exc.value) == "The amount 1053.67 exceeds the total owed 1053.66."


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (D("0"), "amount_not_positive"),
        (D("-5.00"), "amount_not_positive"),
        (D("1.001"), "amount_precision"),
        (1.5, "not_decimal"),
        (D("Infinity"), "not_finite"),
    ],
)
def test_allocate_refuses_bad_amounts(amount, code):
    with pytest.raises(RepaymentError) as exc:
        allocate(amount, owed())
    assert exc.value.code == code


def test_trailing_zero_decimals_are_accepted():
    assert allocate(D("3.2100"), owed()) == alloc(penalty="3.21")


def test_owed_refuses_negative_or_sub_cent_values():
    with pytest.raises(RepaymentError):
        owed(principal="-0.01")
    with pytest.raises(RepaymentError):
        owed(penalty="0.005")


# --- allocation over several installments --------------------------------------------------


def test_allocate_oldest_first_over_three_installments():
    first = owed(principal="1000.00", interest="50.00", penalty="3.21", compound="0.45")
    second = owed(principal="1000.00", interest="45.00", penalty="1.00", compound="0.00")
    third = owed(principal="1000.00", interest="40.00", penalty="0.00", compound="0.00")
    # 1053.66 settles the first; 1046.00 the second; 0.34 left: 0.34 interest on the third
    result = allocate_oldest_first(D("2100.00"), [first, second, third])
    assert result == [
        alloc(penalty="3.21", compound="0.45", interest="50.00", principal="1000.00"),
        alloc(penalty="1.00", interest="45.00", principal="1000.00"),
        alloc(interest="0.34"),
    ]


def test_allocate_oldest_first_untouched_installments_get_zeros():
    result = allocate_oldest_first(D("2.00"), [owed(), owed()])
    assert result == [alloc(penalty="2.00"), alloc()]
    assert result[1].total == D("0.00")


def test_allocate_oldest_first_overpayment_and_exact_total():
    items = [owed(), owed()]
    assert sum(a.total for a in allocate_oldest_first(D("2107.32"), items)) == D("2107.32")
    with pytest.raises(RepaymentError) as exc:
        allocate_oldest_first(D("2107.33"), items)
    assert exc.value.params == {"amount": D("2107.33"), "owed": D("2107.32")}
    with pytest.raises(RepaymentError) as exc:
        allocate_oldest_first(D("0.01"), [])
    assert exc.value.code == "overpayment"


# --- properties ----------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
owed_st = st.builds(Owed, principal=money, interest=money, penalty=money, compound=money)
ORDER = ("penalty", "compound", "interest", "principal")


def _check_allocation(result: Allocation, due: Owed) -> None:
    for i, name in enumerate(ORDER):
        assert D(0) <= getattr(result, name) <= getattr(due, name)
        if getattr(result, name) > 0:
            for earlier in ORDER[:i]:
                assert getattr(result, earlier) == getattr(due, earlier)


@given(due=owed_st, fraction=st.fractions(min_value=0, max_value=1))
def test_allocation_properties(due, fraction):
    amount = (due.total * fraction.numerator / fraction.denominator).quantize(D("0.01"))
    if amount <= 0 or amount > due.total:
        return
    result = allocate(amount, due)
    assert result.total == amount
    _check_allocation(result, due)


@given(dues=st.lists(owed_st, min_size=1, max_size=5), data=st.data())
def test_oldest_first_properties(dues, data):
    total = sum(d.total for d in dues)
    if total == 0:
        return
    amount = data.draw(st.decimals(min_value=D("0.01"), max_value=total, places=2))
    result = allocate_oldest_first(amount, dues)
    assert len(result) == len(dues)
    assert sum(a.total for a in result) == amount
    for i, (a, d) in enumerate(zip(result, dues, strict=True)):
        _check_allocation(a, d)
        if any(later.total > 0 for later in result[i + 1 :]):
            assert a.total == d.total


events_st = st.lists(st.tuples(st.integers(-30, 400), st.integers(0, 100), st.integers(0, 100)), max_size=5)


@given(
    principal=st.integers(0, 10**7),
    interest=st.integers(0, 10**6),
    raw_events=events_st,
    days=st.lists(st.integers(-50, 500), min_size=2, max_size=6),
    rate=st.decimals(min_value=0, max_value=36, places=4),
    markup=st.decimals(min_value=0, max_value=1, places=2),
)
def test_accrued_penalty_is_monotone_in_as_of(principal, interest, raw_events, days, rate, markup):
    p_due, i_due = D(principal) / 100, D(interest) / 100
    # each event pays a percentage of what is due; at most 100 % in total
    events, p_pct, i_pct = [], 0, 0
    for offset, pp, ip in raw_events:
        pp, ip = min(pp, 100 - p_pct), min(ip, 100 - i_pct)
        p_pct, i_pct = p_pct + pp, i_pct + ip
        events.append(
            PaymentEvent(
                on=day(offset),
                principal=(p_due * pp / 100).quantize(D("0.01"), rounding="ROUND_DOWN"),
                interest=(i_due * ip / 100).quantize(D("0.01"), rounding="ROUND_DOWN"),
            )
        )
    results = [
        penalty(
            day(n),
            principal=str(p_due),
            interest=str(i_due),
            payments=events,
            annual_rate=rate,
            markup=markup,
        )
        for n in sorted(days)
    ]
    for before, after in zip(results, results[1:], strict=False):
        assert before[0] <= after[0] and before[1] <= after[1]
    assert all(r[0] >= 0 and r[1] >= 0 for r in results)
