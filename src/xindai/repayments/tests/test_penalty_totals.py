"""Penalty (罚息) and compound interest (复利) from an installment's running totals.

``arithmetic.penalty_from_totals`` is what the due/overdue lists and the batch confirmation use
instead of replaying the ledger: it must give exactly what ``arithmetic.accrued_penalty`` gives
for the same payments. ``arithmetic.accrual`` is the one rounding point, half-up (四舍五入).
Pure: no database.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xindai.repayments import arithmetic
from xindai.repayments.arithmetic import PaymentEvent

D = Decimal
DUE = date(2026, 3, 20)
CENT = D("0.01")


def cents(n: int) -> Decimal:
    return (D(n) * CENT).quantize(CENT)


@st.composite
def installment_history(draw):
    """An installment, payments on it in date order never paying more than is due, an as_of."""
    principal_cents = draw(st.integers(0, 50_000_000))  # up to 500,000.00
    interest_cents = draw(st.integers(0, 5_000_000))
    rate = D(draw(st.integers(0, 360_000))) / 10_000  # 0.0000 .. 36.0000 %
    markup = D(draw(st.integers(0, 10_000))) / 10_000  # 0.0000 .. 1.0000
    offsets = sorted(draw(st.lists(st.integers(-60, 400), max_size=6)))  # days from the due date
    left_p, left_i, payments = principal_cents, interest_cents, []
    for offset in offsets:
        paid_p = draw(st.integers(0, left_p))
        paid_i = draw(st.integers(0, left_i))
        left_p, left_i = left_p - paid_p, left_i - paid_i
        payments.append(PaymentEvent(on=DUE + timedelta(days=offset), principal=cents(paid_p), interest=cents(paid_i)))
    last = offsets[-1] if offsets else -60
    as_of = DUE + timedelta(days=last + draw(st.integers(0, 500)))
    return {
        "principal_due": cents(principal_cents),
        "interest_due": cents(interest_cents),
        "payments": payments,
        "as_of": as_of,
        "annual_rate": rate,
        "markup": markup,
        "compound": draw(st.booleans()),
    }


@settings(max_examples=400, deadline=None)
@given(installment_history())
def test_penalty_from_running_totals_equals_the_penalty_replayed_from_the_payments(case):
    payments = case["payments"]
    expected = arithmetic.accrued_penalty(due_date=DUE, **case)
    # The running totals the installment row keeps (services._post): what is still owed and
    # Σ paid × days_late for principal and interest.
    late_principal = sum((p.principal * arithmetic.days_late(p.on, DUE) for p in payments), D("0.00"))
    late_interest = sum((p.interest * arithmetic.days_late(p.on, DUE) for p in payments), D("0.00"))
    got = arithmetic.penalty_from_totals(
        principal_owed=case["principal_due"] - sum((p.principal for p in payments), D("0.00")),
        interest_owed=case["interest_due"] - sum((p.interest for p in payments), D("0.00")),
        days_overdue=(case["as_of"] - DUE).days,
        late_principal_days=late_principal,
        late_interest_days=late_interest,
        annual_rate=case["annual_rate"],
        markup=case["markup"],
        compound=case["compound"],
    )
    assert got == expected
    assert all(value.as_tuple().exponent == -2 for value in got)
    if not case["compound"]:
        assert got[1] == D("0.00")


def totals(principal_owed, interest_owed, days, late_p="0.00", late_i="0.00", *, compound=True, rate="4.35"):
    return arithmetic.penalty_from_totals(
        principal_owed=D(principal_owed),
        interest_owed=D(interest_owed),
        days_overdue=days,
        late_principal_days=D(late_p),
        late_interest_days=D(late_i),
        annual_rate=D(rate),
        markup=D("0.5"),
        compound=compound,
    )


def test_accrual_30_days_on_10000_at_4_35_with_the_default_markup():
    # 10000 × 30 × 4.35 × 1.5 / 36000 = 1,957,500 / 36000 = 54.375 → 54.38
    assert arithmetic.accrual(D("10000.00"), 30, D("0.00"), D("4.35"), D("0.5")) == D("54.38")
    # 108.75 × 30 × 6.525 / 36000 = 21,287.8125 / 36000 = 0.59133… → 0.59
    assert arithmetic.accrual(D("108.75"), 30, D("0.00"), D("4.35"), D("0.5")) == D("0.59")


def test_accrual_rounds_an_exact_half_fen_up_not_to_even():
    # 62.50 × 10 × 4.80 × 1.5 / 36000 = 4500 / 36000 = 0.125 exactly → 0.13 (half-even would give 0.12)
    assert arithmetic.accrual(D("62.50"), 10, D("0.00"), D("4.80"), D("0.5")) == D("0.13")
    # the same product carried entirely by late days: (0 × 5 + 625) × 7.2 / 36000 = 0.125 → 0.13
    assert arithmetic.accrual(D("0.00"), 5, D("625.00"), D("4.80"), D("0.5")) == D("0.13")
    # just under the half: 624.99 × 7.2 / 36000 = 0.124998 → 0.12
    assert arithmetic.accrual(D("0.00"), 5, D("624.99"), D("4.80"), D("0.5")) == D("0.12")


@pytest.mark.parametrize("days", [0, -1, -30])
def test_accrual_is_zero_when_not_overdue(days):
    assert str(arithmetic.accrual(D("10000.00"), days, D("0.00"), D("4.35"), D("0.5"))) == "0.00"
    assert totals("10000.00", "108.75", days) == (D("0.00"), D("0.00"))


def test_a_late_partial_payment_counts_through_the_late_days():
    # 10,000 due 2026-03-20; 4,000 paid 10 days late; as of 30 days overdue:
    # segments 10000 × 10 + 6000 × 20 = 220,000 = 6000 × 30 + 4000 × 10 (late days)
    # 220,000 × 4.35 × 1.5 / 36000 = 39.875 → 39.88
    assert totals("6000.00", "0.00", 30, late_p="40000.00") == (D("39.88"), D("0.00"))
    replayed = arithmetic.accrued_penalty(
        due_date=DUE,
        principal_due=D("10000.00"),
        interest_due=D("0.00"),
        payments=[PaymentEvent(on=DUE + timedelta(days=10), principal=D("4000.00"), interest=D("0.00"))],
        as_of=DUE + timedelta(days=30),
        annual_rate=D("4.35"),
        markup=D("0.5"),
        compound=True,
    )
    assert replayed == (D("39.88"), D("0.00"))


def test_compound_interest_switched_off_leaves_the_penalty_alone():
    # penalty 54.38 as above; compound would be 0.59 but the loan type switched it off
    assert totals("10000.00", "108.75", 30) == (D("54.38"), D("0.59"))
    assert totals("10000.00", "108.75", 30, compound=False) == (D("54.38"), D("0.00"))


def test_accrual_refuses_floats_and_negative_amounts():
    with pytest.raises(arithmetic.RepaymentError):
        arithmetic.accrual(10000.0, 30, D("0.00"), D("4.35"), D("0.5"))
    with pytest.raises(arithmetic.RepaymentError):
        arithmetic.accrual(D("-1.00"), 30, D("0.00"), D("4.35"), D("0.5"))
    with pytest.raises(arithmetic.RepaymentError):
        arithmetic.accrual(D("1.00"), 30, 1.5, D("4.35"), D("0.5"))
