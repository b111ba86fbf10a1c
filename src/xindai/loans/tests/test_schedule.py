"""Tests of the repayment schedule engine against docs/domain.md.

Figures are hand-worked; the property tests compare the engine with an independent
``fractions.Fraction`` oracle (exact rational arithmetic, its own half-up rounding).
"""

import calendar
import math
import pickle
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xindai.loans.schedule import (
    AMORTIZING,
    METHOD_LABELS,
    Installment,
    Method,
    ScheduleError,
    add_months,
    amortize,
    generate_schedule,
    method_from_label,
    monthly_due_dates,
    settlement_dates,
)

D = Decimal
d = date.fromisoformat


def table(rows: list[Installment]) -> list[tuple[str, str, str, str, str]]:
    """Rows as (due date, principal, interest, total, balance) strings, for exact comparison."""
    return [(str(r.due_date), str(r.principal), str(r.interest), str(r.total), str(r.balance)) for r in rows]


def schedule(amount: str, rate: str, start: str, end: str, method: str, **kw) -> list[Installment]:
    return generate_schedule(amount=D(amount), annual_rate=D(rate), start=d(start), end=d(end), method=method, **kw)


def error(**kw) -> ScheduleError:
    with pytest.raises(ScheduleError) as info:
        generate_schedule(**kw)
    return info.value


BASE = {
    "amount": D("10000.00"),
    "annual_rate": D("4.35"),
    "start": d("2026-01-15"),
    "end": d("2027-01-15"),
    "method": Method.EQUAL_INSTALLMENT,
}


# --- independent oracle --------------------------------------------------------------------


def f_round(x: Fraction) -> Fraction:
    """Half-up to the fen for x >= 0 (the oracle never rounds a negative value)."""
    assert x >= 0
    return Fraction(math.floor(x * 100 + Fraction(1, 2)), 100)


def oracle_amortize(amount: Decimal, rate: Decimal, n: int, method: Method):
    """(payment or share, [(principal, interest, balance)]) or None when an amount goes < 0."""
    p, r = Fraction(amount), Fraction(rate) / 1200
    if method is Method.EQUAL_PRINCIPAL:
        fixed = f_round(p / n)
    elif r == 0:
        fixed = f_round(p / n)
    else:
        fixed = f_round(p * r * (1 + r) ** n / ((1 + r) ** n - 1))
    rows, balance = [], p
    for k in range(1, n + 1):
        interest = f_round(balance * r)
        if k == n:
            principal = balance
        else:
            principal = fixed - interest if method is Method.EQUAL_INSTALLMENT else fixed
        balance -= principal
        if principal < 0 or balance < 0:
            return fixed, None
        rows.append((principal, interest, balance))
    return fixed, rows


def assert_invariants(rows: list[Installment], amount: Decimal, start: date, end: date) -> None:
    assert rows, "a schedule has at least one installment"
    assert sum(r.principal for r in rows) == amount
    assert [r.period for r in rows] == list(range(1, len(rows) + 1))
    assert rows[-1].due_date == end and rows[-1].balance == 0
    assert rows[0].start_date == start
    balance, previous = amount, start
    for r in rows:
        for value in (r.principal, r.interest, r.balance):
            assert value >= 0 and value.as_tuple().exponent == -2, r
        assert r.start_date == previous < r.due_date
        balance -= r.principal
        assert r.balance == balance
        previous = r.due_date


# --- worked examples of domain.md ---------------------------------------------------------


def test_domain_example_1_equal_installment_full_table():
    rows = schedule("100000.00", "4.90", "2026-01-31", "2026-07-31", "等额本息")
    # Hand-worked: r = 4.9 / 1200; A = 16,905.67; interest_k = round(B_(k-1) * r).
    assert table(rows) == [
        ("2026-02-28", "16497.34", "408.33", "16905.67", "83502.66"),
        ("2026-03-31", "16564.70", "340.97", "16905.67", "66937.96"),
        ("2026-04-30", "16632.34", "273.33", "16905.67", "50305.62"),
        ("2026-05-31", "16700.26", "205.41", "16905.67", "33605.36"),
        ("2026-06-30", "16768.45", "137.22", "16905.67", "16836.91"),
        ("2026-07-31", "16836.91", "68.75", "16905.66", "0.00"),
    ]
    assert [r.start_date for r in rows] == [d("2026-01-31")] + [r.due_date for r in rows[:-1]]
    assert [r.days for r in rows] == [28, 31, 30, 31, 30, 31]
    # Second, independent check with the Fraction oracle.
    payment, expected = oracle_amortize(D("100000.00"), D("4.90"), 6, Method.EQUAL_INSTALLMENT)
    assert payment == Fraction("16905.67")
    assert [(r.principal, r.interest, r.balance) for r in rows] == expected


def test_domain_example_2_quarterly_interest():
    rows = schedule("50000.00", "5.22", "2026-02-10", "2027-02-10", "按季付息到期还本")
    assert table(rows) == [
        ("2026-03-20", "0.00", "275.50", "275.50", "50000.00"),
        ("2026-06-20", "0.00", "667.00", "667.00", "50000.00"),
        ("2026-09-20", "0.00", "667.00", "667.00", "50000.00"),
        ("2026-12-20", "0.00", "659.75", "659.75", "50000.00"),
        ("2027-02-10", "50000.00", "377.00", "50377.00", "0.00"),
    ]
    assert [r.days for r in rows] == [38, 92, 92, 91, 52]


# --- amortizing methods -------------------------------------------------------------------


def test_equal_principal_with_remainder_in_last():
    rows = schedule("10000.00", "6.00", "2026-03-15", "2026-06-15", "等额本金")
    # share round(10000 / 3) = 3333.33; r = 0.5 %: 50.00, 33.33335 -> 33.33, 16.6667 -> 16.67
    assert table(rows) == [
        ("2026-04-15", "3333.33", "50.00", "3383.33", "6666.67"),
        ("2026-05-15", "3333.33", "33.33", "3366.66", "3333.34"),
        ("2026-06-15", "3333.34", "16.67", "3350.01", "0.00"),
    ]


def test_equal_principal_share_rounded_up_leaves_smaller_last():
    rows = schedule("20000.00", "0", "2026-03-15", "2026-06-15", "equal_principal")
    assert [str(r.principal) for r in rows] == ["6666.67", "6666.67", "6666.66"]


def test_equal_installment_one_month():
    rows = schedule("10000.00", "4.80", "2026-01-31", "2026-02-28", "equal_installment")
    assert table(rows) == [("2026-02-28", "10000.00", "40.00", "10040.00", "0.00")]


def test_equal_principal_one_month():
    rows = schedule("10000.00", "4.80", "2026-01-31", "2026-02-28", "equal_principal")
    assert table(rows) == [("2026-02-28", "10000.00", "40.00", "10040.00", "0.00")]


@pytest.mark.parametrize("method", sorted(AMORTIZING))
def test_amortizing_zero_rate(method):
    rows = schedule("1000.00", "0", "2026-01-10", "2026-04-10", method)
    assert table(rows) == [
        ("2026-02-10", "333.33", "0.00", "333.33", "666.67"),
        ("2026-03-10", "333.33", "0.00", "333.33", "333.34"),
        ("2026-04-10", "333.34", "0.00", "333.34", "0.00"),
    ]


def test_interest_rounds_half_up():
    # 1,000.00 * 0.6 / 1200 = 0.50 exactly; 1,001.00 -> 0.5005 -> 0.50; 1,010.00 -> 0.505 -> 0.51
    rows = schedule("1010.00", "0.6", "2026-01-10", "2026-03-10", "equal_principal")
    assert [str(r.interest) for r in rows] == ["0.51", "0.25"]  # 505 * 0.0005 = 0.2525


def test_due_dates_from_29_february_2028():
    rows = schedule("12000.00", "4.35", "2028-02-29", "2029-02-28", "equal_principal")
    assert [r.due_date for r in rows] == [
        d("2028-03-29"),
        d("2028-04-29"),
        d("2028-05-29"),
        d("2028-06-29"),
        d("2028-07-29"),
        d("2028-08-29"),
        d("2028-09-29"),
        d("2028-10-29"),
        d("2028-11-29"),
        d("2028-12-29"),
        d("2029-01-29"),
        d("2029-02-28"),
    ]
    assert all(r.principal == D("1000.00") for r in rows)
    assert str(rows[0].interest) == "43.50"  # 12,000 * 4.35 / 1200


def test_due_dates_not_chained_from_31st():
    assert monthly_due_dates(d("2026-01-31"), d("2026-07-31")) == [
        d("2026-02-28"),
        d("2026-03-31"),
        d("2026-04-30"),
        d("2026-05-31"),
        d("2026-06-30"),
        d("2026-07-31"),
    ]
    assert monthly_due_dates(d("2027-12-31"), d("2028-03-31")) == [d("2028-01-31"), d("2028-02-29"), d("2028-03-31")]
    assert monthly_due_dates(d("2026-01-30"), d("2026-02-28")) == [d("2026-02-28")]


def test_large_amount_equal_installment_30_years():
    amount = D("999999999.99")
    rows = schedule(str(amount), "4.90", "2026-01-31", "2056-01-31", "等额本息")
    assert len(rows) == 360
    assert_invariants(rows, amount, d("2026-01-31"), d("2056-01-31"))
    payment, expected = oracle_amortize(amount, D("4.90"), 360, Method.EQUAL_INSTALLMENT)
    assert [(r.principal, r.interest, r.balance) for r in rows] == expected
    assert str(rows[0].total) == "5307267.21" and rows[0].total == payment
    # bc: A = 5307267.2061750377..., first interest 999,999,999.99 * 4.9 / 1200 = 4083333.3332925
    assert str(rows[0].interest) == "4083333.33"


def test_limit_amount_is_accepted():
    rows = schedule("1000000000000.00", "36", "2026-01-01", "2026-01-02", "bullet")
    assert table(rows) == [("2026-01-02", "1000000000000.00", "1000000000.00", "1001000000000.00", "0.00")]


def test_amortize_regenerates_remaining_plan():
    # After an early repayment on 2026-04-15, 50,000.00 remain for three due dates.
    rows = amortize(
        amount=D("50000.00"),
        annual_rate=D("6"),
        start=d("2026-04-15"),
        due_dates=[d("2026-05-31"), d("2026-06-30"), d("2026-07-31")],
        method="等额本金",
    )
    assert table(rows) == [
        ("2026-05-31", "16666.67", "250.00", "16916.67", "33333.33"),
        ("2026-06-30", "16666.67", "166.67", "16833.34", "16666.66"),
        ("2026-07-31", "16666.66", "83.33", "16749.99", "0.00"),
    ]
    assert rows[0].start_date == d("2026-04-15") and rows[0].days == 46
    rows = amortize(
        amount=D("50000.00"),
        annual_rate=D("6"),
        start=d("2026-04-15"),
        due_dates=(d("2026-05-31"), d("2026-06-30")),
        method=Method.EQUAL_INSTALLMENT,
    )
    # A = round(50000 * .005 * 1.005^2 / (1.005^2 - 1)) = round(25187.6559) = 25187.66
    assert table(rows) == [
        ("2026-05-31", "24937.66", "250.00", "25187.66", "25062.34"),
        ("2026-06-30", "25062.34", "125.31", "25187.65", "0.00"),
    ]


@pytest.mark.parametrize(
    "due_dates",
    [[], [d("2026-04-15")], [d("2026-04-01")], [d("2026-05-31"), d("2026-05-31")], [d("2026-06-30"), d("2026-05-31")]],
)
def test_amortize_rejects_bad_due_dates(due_dates):
    with pytest.raises(ScheduleError) as info:
        amortize(
            amount=D("100.00"),
            annual_rate=D("6"),
            start=d("2026-04-15"),
            due_dates=due_dates,
            method=Method.EQUAL_PRINCIPAL,
        )
    assert info.value.code == "due_dates"
    assert str(info.value) == ("The due dates must be given, fall after 2026-04-15 and be strictly increasing.")


@pytest.mark.parametrize("method", ["monthly_interest", "quarterly_interest", "bullet", "custom"])
def test_amortize_rejects_non_amortizing_methods(method):
    with pytest.raises(ScheduleError) as info:
        amortize(
            amount=D("100.00"), annual_rate=D("6"), start=d("2026-04-15"), due_dates=[d("2026-05-15")], method=method
        )
    assert info.value.code == "method_not_applicable"
    assert METHOD_LABELS[Method(method)] in str(info.value)


@pytest.mark.parametrize("method", sorted(AMORTIZING))
def test_rounding_that_would_go_negative_is_refused(method):
    # round(0.05 / 7) = 0.01 and 6 * 0.01 > 0.05: the last principal would be -0.01.
    err = error(amount=D("0.05"), annual_rate=D("0"), start=d("2026-01-10"), end=d("2026-08-10"), method=method)
    assert err.code == "negative_installment"
    assert str(err) == (
        "Rounding every installment to the fen (0.01 yuan) would leave a negative "
        "installment for 0.05 yuan over 7 installments at 0%; choose a larger "
        "amount, a shorter term or another repayment method."
    )


def test_tiny_amount_with_payment_rounded_to_zero_is_fine():
    rows = schedule("0.01", "4.35", "2026-01-10", "2026-04-10", "equal_installment")
    assert table(rows) == [
        ("2026-02-10", "0.00", "0.00", "0.00", "0.01"),
        ("2026-03-10", "0.00", "0.00", "0.00", "0.01"),
        ("2026-04-10", "0.01", "0.00", "0.01", "0.00"),
    ]


# --- interest-only methods and bullet -----------------------------------------------------


def test_monthly_interest_across_year_end_and_leap_february():
    rows = schedule("120000.00", "4.35", "2027-11-05", "2028-04-05", "按月付息到期还本")
    # 120,000 * 4.35 / 36000 = 14.5 a day; 2028-02-20 -> 03-20 is 29 days (leap year).
    assert table(rows) == [
        ("2027-11-20", "0.00", "217.50", "217.50", "120000.00"),
        ("2027-12-20", "0.00", "435.00", "435.00", "120000.00"),
        ("2028-01-20", "0.00", "449.50", "449.50", "120000.00"),
        ("2028-02-20", "0.00", "449.50", "449.50", "120000.00"),
        ("2028-03-20", "0.00", "420.50", "420.50", "120000.00"),
        ("2028-04-05", "120000.00", "232.00", "120232.00", "0.00"),
    ]
    assert [r.days for r in rows] == [15, 30, 31, 31, 29, 16]


def test_monthly_interest_non_leap_february():
    rows = schedule("120000.00", "4.35", "2027-02-01", "2027-03-25", "monthly_interest")
    assert table(rows) == [
        ("2027-02-20", "0.00", "275.50", "275.50", "120000.00"),  # 19 days
        ("2027-03-20", "0.00", "406.00", "406.00", "120000.00"),  # 28 days
        ("2027-03-25", "120000.00", "72.50", "120072.50", "0.00"),  # 5 days
    ]


def test_bullet():
    rows = schedule("30000.00", "5.00", "2026-04-01", "2027-04-01", "利随本清")
    # 30,000 * 365 * 5 / 36000 = 1520.8333
    assert table(rows) == [("2027-04-01", "30000.00", "1520.83", "31520.83", "0.00")]
    assert rows[0].days == 365


@pytest.mark.parametrize(("rate", "interest"), [("1.8", "0.01"), ("9.0", "0.03"), ("5.4", "0.02")])
def test_day_interest_rounds_half_up(rate, interest):
    # 100.00 * 1 day * rate / 36000 = 0.005, 0.025, 0.015 exactly: half-up, not half-even.
    rows = schedule("100.00", rate, "2026-04-01", "2026-04-02", "bullet")
    assert str(rows[0].interest) == interest


@pytest.mark.parametrize("method", ["monthly_interest", "quarterly_interest", "bullet"])
def test_interest_only_zero_rate(method):
    rows = schedule("5000.00", "0", "2026-01-05", "2026-12-05", method)
    assert all(r.interest == 0 for r in rows)
    assert [str(r.principal) for r in rows] == ["0.00"] * (len(rows) - 1) + ["5000.00"]
    assert len(rows) == {"monthly_interest": 12, "quarterly_interest": 4, "bullet": 1}[method]


def test_one_month_interest_only_terms():
    assert settlement_dates(d("2026-05-10"), d("2026-06-10"), "monthly_interest") == [d("2026-05-20"), d("2026-06-10")]
    assert settlement_dates(d("2026-05-10"), d("2026-06-10"), "quarterly_interest") == [d("2026-06-10")]
    rows = schedule("36000.00", "3.6", "2026-05-10", "2026-06-10", "monthly_interest")
    assert table(rows) == [  # 3.60 a day: 10 days, then 21 days
        ("2026-05-20", "0.00", "36.00", "36.00", "36000.00"),
        ("2026-06-10", "36000.00", "75.60", "36075.60", "0.00"),
    ]


def test_start_and_end_on_the_settlement_day():
    start, end = d("2026-03-20"), d("2026-06-20")
    assert settlement_dates(start, end, Method.QUARTERLY_INTEREST) == [end]
    assert settlement_dates(start, end, Method.MONTHLY_INTEREST) == [d("2026-04-20"), d("2026-05-20"), end]
    rows = schedule("36000.00", "3.6", "2026-03-20", "2026-06-20", "quarterly_interest")
    assert table(rows) == [("2026-06-20", "36000.00", "331.20", "36331.20", "0.00")]  # 92 days


def test_end_on_the_settlement_day_of_a_quarter():
    assert settlement_dates(d("2026-01-05"), d("2026-09-20"), "quarterly_interest") == [
        d("2026-03-20"),
        d("2026-06-20"),
        d("2026-09-20"),
    ]
    assert settlement_dates(d("2026-01-05"), d("2026-09-20"), "bullet") == [d("2026-09-20")]


def test_other_settlement_day():
    assert settlement_dates(d("2026-01-21"), d("2026-04-10"), "monthly_interest", 21) == [
        d("2026-02-21"),
        d("2026-03-21"),
        d("2026-04-10"),
    ]
    assert settlement_dates(d("2026-01-01"), d("2026-12-31"), "quarterly_interest", 1) == [
        d("2026-03-01"),
        d("2026-06-01"),
        d("2026-09-01"),
        d("2026-12-01"),
        d("2026-12-31"),
    ]
    rows = schedule("1000.00", "3.6", "2026-01-21", "2026-03-01", "monthly_interest", settlement_day=28)
    assert [r.due_date for r in rows] == [d("2026-01-28"), d("2026-02-28"), d("2026-03-01")]


def test_settlement_dates_rejects_amortizing_method():
    with pytest.raises(ScheduleError) as info:
        settlement_dates(d("2026-01-01"), d("2026-12-31"), "等额本息")
    assert info.value.code == "method_not_applicable"
    assert str(info.value) == ("The repayment method 等额本息 cannot be used for this calculation.")


# --- custom plans -------------------------------------------------------------------------

PLAN = [(d("2026-04-01"), D("20000.00")), (d("2026-07-01"), D("20000.00")), (d("2026-10-01"), D("20000.00"))]


def test_custom_plan():
    rows = schedule("60000.00", "6.00", "2026-01-01", "2026-10-01", "自定义", custom_plan=PLAN)
    # 60,000 * 90 * 6 / 36000 = 900; 40,000 * 91 -> 606.666..; 20,000 * 92 -> 306.666..
    assert table(rows) == [
        ("2026-04-01", "20000.00", "900.00", "20900.00", "40000.00"),
        ("2026-07-01", "20000.00", "606.67", "20606.67", "20000.00"),
        ("2026-10-01", "20000.00", "306.67", "20306.67", "0.00"),
    ]


def test_custom_plan_single_date_and_int_amount_and_zero_rate():
    rows = schedule("500.00", "0", "2026-01-01", "2026-02-01", "custom", custom_plan=[(d("2026-02-01"), 500)])
    assert table(rows) == [("2026-02-01", "500.00", "0.00", "500.00", "0.00")]


CUSTOM = {
    "amount": D("60000.00"),
    "annual_rate": D("6"),
    "start": d("2026-01-01"),
    "end": d("2026-10-01"),
    "method": Method.CUSTOM,
}


@pytest.mark.parametrize("plan", [None, [], ()])
def test_custom_plan_missing(plan):
    err = error(**CUSTOM, custom_plan=plan)
    assert err.code == "custom_plan_missing"
    assert str(err) == (
        "A custom repayment plan needs at least one date with a principal amount, the last on the loan end date."
    )


def test_custom_plan_sum():
    err = error(**CUSTOM, custom_plan=[*PLAN[:2], (d("2026-10-01"), D("19999.99"))])
    assert err.code == "custom_plan_sum"
    assert err.params == {"plan_total": "59,999.99", "amount": "60,000.00"}
    assert str(err) == (
        "The principal amounts of the custom plan add up to 59,999.99 yuan but "
        "the loan amount is 60,000.00 yuan; they must be equal."
    )


@pytest.mark.parametrize(
    ("plan", "text"),
    [
        ([(d("2026-01-01"), D("60000.00"))], "The plan date 2026-01-01 must be after the loan start date 2026-01-01."),
        (
            [(d("2025-12-31"), D("10000.00")), (d("2026-10-01"), D("50000.00"))],
            "The plan date 2025-12-31 must be after the loan start date 2026-01-01.",
        ),
        (
            [PLAN[1], PLAN[0], PLAN[2]],
            "The plan dates must be in strictly increasing order: 2026-04-01 comes after 2026-07-01.",
        ),
        (
            [PLAN[0], PLAN[0], (d("2026-10-01"), D("20000.00"))],
            "The plan dates must be in strictly increasing order: 2026-04-01 comes after 2026-04-01.",
        ),
        (
            [PLAN[0], PLAN[1], (d("2026-09-30"), D("20000.00"))],
            "The last plan date 2026-09-30 must be the loan end date 2026-10-01.",
        ),
        ([*PLAN, (d("2026-11-01"), D("0.01"))], "The last plan date 2026-11-01 must be the loan end date 2026-10-01."),
    ],
)
def test_custom_plan_dates(plan, text):
    err = error(**CUSTOM, custom_plan=plan)
    assert err.code == "custom_plan_dates"
    assert str(err) == text


@pytest.mark.parametrize("value", [D("0"), D("0.00"), D("-5.00"), D("0.001"), D("100.005")])
def test_custom_plan_amount(value):
    err = error(**CUSTOM, custom_plan=[(d("2026-04-01"), value), *PLAN[1:]])
    assert err.code == "custom_plan_amount"
    assert str(err) == (
        f"The principal amount {value} on 2026-04-01 must be greater than zero, in yuan to the fen (0.01)."
    )


def test_custom_plan_for_another_method():
    err = error(**{**CUSTOM, "method": "bullet"}, custom_plan=PLAN)
    assert err.code == "custom_plan_unexpected"
    assert str(err) == (
        "A custom repayment plan was given but the repayment method is 利随本清; choose 自定义 to use the plan."
    )
    assert len(schedule("1.00", "1", "2026-01-01", "2026-02-01", "bullet", custom_plan=[])) == 1


# --- validation and messages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "text"),
    [
        ({"amount": D("0")}, "amount_not_positive", "The loan amount must be greater than zero (got 0)."),
        ({"amount": D("-100.00")}, "amount_not_positive", "The loan amount must be greater than zero (got -100.00)."),
        (
            {"amount": D("100.001")},
            "amount_too_precise",
            "The loan amount 100.001 has more than two decimal places; amounts are in yuan to the fen (0.01).",
        ),
        (
            {"amount": D("1000000000000.01")},
            "amount_too_large",
            "The loan amount 1,000,000,000,000.01 yuan is above the limit of 1,000,000,000,000.00 yuan; "
            "please check the figure.",
        ),
        ({"amount": D("1E+40")}, "amount_too_large", None),
        ({"annual_rate": D("-0.0001")}, "rate_negative", "The annual interest rate cannot be negative (got -0.0001%)."),
        (
            {"annual_rate": D("36.0001")},
            "rate_too_high",
            "The annual interest rate 36.0001% is above the limit of 36%. Rates are entered as a "
            "percent per year (4.35 means 4.35%); please check the figure.",
        ),
        ({"annual_rate": D("435")}, "rate_too_high", None),
        (
            {"end": d("2026-01-15")},
            "end_not_after_start",
            "The end date 2026-01-15 must be after the start date 2026-01-15.",
        ),
        (
            {"end": d("2025-01-15")},
            "end_not_after_start",
            "The end date 2025-01-15 must be after the start date 2026-01-15.",
        ),
        (
            {"end": d("2027-01-14")},
            "term_not_whole_months",
            "The term from 2026-01-15 to 2027-01-14 is not a whole number of months; for this repayment "
            "method the end date must be the start date plus a whole number of months (for example "
            "2027-01-15).",
        ),
        (
            {"end": d("2026-01-20")},
            "term_not_whole_months",  # shorter than one month
            "The term from 2026-01-15 to 2026-01-20 is not a whole number of months; for this repayment "
            "method the end date must be the start date plus a whole number of months (for example "
            "2026-02-15).",
        ),
        (
            {"method": "等额"},
            "unknown_method",
            '"等额" is not a repayment method; choose one of: 等额本息、等额本金、按月付息到期还本、'
            "按季付息到期还本、利随本清、自定义.",
        ),
        (
            {"settlement_day": 29},
            "settlement_day",
            "The interest settlement day must be a day of the month from 1 to 28 (got 29).",
        ),
        ({"settlement_day": 0}, "settlement_day", None),
        ({"settlement_day": True}, "settlement_day", None),
        ({"settlement_day": "20"}, "settlement_day", None),
    ],
)
def test_every_error_code_and_message(changes, code, text):
    err = error(**{**BASE, **changes})
    assert err.code == code
    assert err.message % err.params == str(err)
    assert err.message.isascii() and "%(" in err.message or code == "custom_plan_missing"
    if text is not None:
        assert str(err) == text


def test_term_suggestion_picks_nearest_whole_month_end():
    with pytest.raises(ScheduleError) as info:
        monthly_due_dates(d("2028-02-29"), d("2029-03-01"))
    assert info.value.params["suggestion"] == "2029-02-28"
    with pytest.raises(ScheduleError) as info:
        monthly_due_dates(d("2026-01-31"), d("2026-03-30"))
    assert info.value.params["suggestion"] == "2026-03-31"
    with pytest.raises(ScheduleError) as info:
        monthly_due_dates(d("2026-02-28"), d("2026-03-31"))  # the 28th is kept: 03-28
    assert info.value.params["suggestion"] == "2026-03-28"


def test_every_message_is_marked_for_translation():
    source = (Path(__file__).parents[1] / "schedule.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'_fail\(\s*"([a-z_]+)"', source))
    assert codes >= {
        "term_not_whole_months",
        "end_not_after_start",
        "rate_negative",
        "rate_too_high",
        "amount_not_positive",
        "amount_too_precise",
        "amount_too_large",
        "custom_plan_sum",
        "custom_plan_dates",
        "custom_plan_missing",
        "custom_plan_amount",
        "settlement_day",
        "unknown_method",
    }
    # every _fail(code, message) passes its message literal through the _() marker
    assert not re.search(r'_fail\(\s*"[a-z_]+",\s*["\']', source)
    assert "from xindai.core.pure import PureError, _" in source and "import django" not in source


def test_schedule_error_is_a_value_error_and_pickles():
    err = error(**{**BASE, "annual_rate": D("-1")})
    assert isinstance(err, ValueError)
    copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes
    assert (copy.code, copy.message, copy.params, str(copy)) == (err.code, err.message, err.params, str(err))


def test_amount_with_trailing_zeros_is_normalised_to_two_places():
    rows = schedule("100.000", "0", "2026-01-01", "2026-02-01", "bullet")
    assert rows[0].principal.as_tuple().exponent == -2 and str(rows[0].principal) == "100.00"
    rows = generate_schedule(amount=100, annual_rate=0, start=d("2026-01-01"), end=d("2026-02-01"), method="bullet")
    assert str(rows[0].principal) == "100.00" and str(rows[0].interest) == "0.00"


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": 100.0},
        {"annual_rate": 4.35},
        {"amount": "100.00"},
        {"amount": D("NaN")},
        {"annual_rate": D("Infinity")},
        {"start": datetime(2026, 1, 15, tzinfo=UTC)},
        {"end": "2027-01-15"},
        {"amount": True},
    ],
)
def test_floats_and_wrong_types_are_programming_errors(changes):
    with pytest.raises(TypeError):
        generate_schedule(**{**BASE, **changes})


def test_rate_limits_are_inclusive():
    for rate in ("0", "36", "36.0000"):
        assert schedule("1000.00", rate, "2026-01-01", "2026-02-01", "equal_installment")


def test_method_from_label():
    for method, label in METHOD_LABELS.items():
        assert method_from_label(label) is method
        assert method_from_label(f"  {label}\u3000") is method
        assert method_from_label(method.value) is method
        assert method_from_label(method.value.upper()) is method
        assert method_from_label(method) is method
    assert METHOD_LABELS[Method.QUARTERLY_INTEREST] == "按季付息到期还本"
    assert set(METHOD_LABELS) == set(Method)
    assert AMORTIZING == {Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL}
    assert Method.BULLET == "bullet"


@pytest.mark.parametrize("junk", ["", "  ", "等额", "equal installment", "按季付息", None, 3, "custom1"])
def test_method_from_label_rejects_junk(junk):
    with pytest.raises(ScheduleError) as info:
        method_from_label(junk)
    assert info.value.code == "unknown_method"
    assert info.value.params["value"] == str(junk)


def test_installment_properties():
    row = Installment(1, d("2026-01-31"), d("2026-02-28"), D("1.10"), D("0.25"), D("0.00"))
    assert row.total == D("1.35") and row.days == 28
    with pytest.raises(AttributeError):
        row.principal = D("2")  # type: ignore[misc]


def test_add_months():
    assert add_months(d("2026-01-31"), 1) == d("2026-02-28")
    assert add_months(d("2028-01-31"), 1) == d("2028-02-29")
    assert add_months(d("2028-02-29"), 12) == d("2029-02-28")
    assert add_months(d("2028-02-29"), 48) == d("2032-02-29")
    assert add_months(d("2026-12-15"), 1) == d("2027-01-15")
    assert add_months(d("2026-01-15"), -1) == d("2025-12-15")
    assert add_months(d("2026-03-31"), 0) == d("2026-03-31")
    assert add_months(d("2026-08-31"), 360) == d("2056-08-31")


# --- properties ---------------------------------------------------------------------------

amounts = st.integers(1, 1_000_000_000).map(lambda cents: D(cents).scaleb(-2))
rates = st.integers(0, 360_000).map(lambda x: D(x).scaleb(-4))
month_ends = st.builds(
    lambda y, m, day: date(y, m, min(day, calendar.monthrange(y, m)[1])),
    st.integers(2000, 2040),
    st.integers(1, 12),
    st.integers(28, 31),
)
starts = st.one_of(st.dates(date(2000, 1, 1), date(2040, 12, 31)), month_ends)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(amount=amounts, rate=rates, start=starts, months=st.integers(1, 360), method=st.sampled_from(sorted(AMORTIZING)))
def test_amortizing_properties(amount, rate, start, months, method):
    end = add_months(start, months)
    fixed, expected = oracle_amortize(amount, rate, months, method)
    try:
        rows = generate_schedule(amount=amount, annual_rate=rate, start=start, end=end, method=method)
    except ScheduleError as err:  # only when the oracle too finds a negative amount
        assert err.code == "negative_installment" and expected is None
        return
    assert expected is not None
    assert [(r.principal, r.interest, r.balance) for r in rows] == expected
    assert_invariants(rows, amount, start, end)
    assert len(rows) == months
    for k, r in enumerate(rows, start=1):  # start + k months, computed from start
        month_index = start.year * 12 + start.month - 1 + k
        assert r.due_date.year * 12 + r.due_date.month - 1 == month_index
        last_day = calendar.monthrange(r.due_date.year, r.due_date.month)[1]
        assert r.due_date.day == min(start.day, last_day)
    if method is Method.EQUAL_INSTALLMENT:
        assert all(r.total == fixed for r in rows[:-1])
    else:
        assert all(r.principal == fixed for r in rows[:-1])


@PROPERTY
@given(
    amount=amounts,
    rate=rates,
    start=starts,
    days=st.integers(1, 11_000),
    method=st.sampled_from([Method.MONTHLY_INTEREST, Method.QUARTERLY_INTEREST, Method.BULLET]),
    day=st.integers(1, 28),
)
def test_interest_only_properties(amount, rate, start, days, method, day):
    end = start + timedelta(days=days)
    rows = generate_schedule(amount=amount, annual_rate=rate, start=start, end=end, method=method, settlement_day=day)
    assert_invariants(rows, amount, start, end)
    months = {Method.MONTHLY_INTEREST: range(1, 13), Method.QUARTERLY_INTEREST: (3, 6, 9, 12), Method.BULLET: ()}[
        method
    ]
    expected_dates = [start + timedelta(days=i) for i in range(1, days)]
    expected_dates = [x for x in expected_dates if x.day == day and x.month in months] + [end]
    assert [r.due_date for r in rows] == expected_dates
    assert sum(r.days for r in rows) == days
    assert all(r.principal == 0 and r.balance == amount for r in rows[:-1])
    for r in rows:
        assert r.interest == f_round(Fraction(amount) * r.days * Fraction(rate) / 36000)


@PROPERTY
@given(amount=amounts, rate=rates, start=starts, data=st.data())
def test_custom_properties(amount, rate, start, data):
    cents = int(amount * 100)
    count = data.draw(st.integers(1, min(24, cents)))
    cuts = (
        sorted(data.draw(st.sets(st.integers(1, cents - 1), min_size=count - 1, max_size=count - 1)))
        if count > 1
        else []
    )
    parts = [D(b - a).scaleb(-2) for a, b in zip([0, *cuts], [*cuts, cents], strict=True)]
    gaps = data.draw(st.lists(st.integers(1, 400), min_size=count, max_size=count))
    dates = [start + timedelta(days=sum(gaps[: i + 1])) for i in range(count)]
    rows = generate_schedule(
        amount=amount,
        annual_rate=rate,
        start=start,
        end=dates[-1],
        method="自定义",
        custom_plan=list(zip(dates, parts, strict=True)),
    )
    assert_invariants(rows, amount, start, dates[-1])
    assert [(r.due_date, r.principal) for r in rows] == list(zip(dates, parts, strict=True))
    balance = Fraction(amount)
    for r in rows:
        assert r.interest == f_round(balance * r.days * Fraction(rate) / 36000)
        balance -= Fraction(r.principal)


@given(start=starts, months=st.integers(-480, 480))
def test_add_months_properties(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == min(start.day, calendar.monthrange(result.year, result.month)[1])
