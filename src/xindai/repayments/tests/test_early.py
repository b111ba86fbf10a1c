"""Early repayment (提前还款): the plan after it, full settlement, refusals, and schedule.regenerate.

EI12: 12,000.00 at 6.00 %, 2026-01-15 → 2027-01-15, 等额本息, r = 0.5 % a month:
A = round(12000 × 0.005 × 1.005^12 / (1.005^12 − 1)) = 1,032.80; interest 60.00, 55.14, 50.25, ...;
principal 972.80, 977.66, 982.55, so after periods 1–3 the outstanding principal is
12000 − 2932.01 = 9,066.99. Period 4 runs 2026-04-15 → 05-15.
"""

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from xindai.core.errors import BusinessError, NotFound
from xindai.core.models import AuditLog
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans import schedule
from xindai.loans.classification import with_classification
from xindai.loans.models import Installment, Loan
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import arithmetic, early, services
from xindai.repayments.models import EarlyRepayment, Repayment

D = Decimal
MAY_5 = date(2026, 5, 5)


def _loan(world, iou, **terms):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    return make_loan(
        world.admin, customer, world.officer_a, iou_number=iou, loan_type=loan_type("农户小额信用贷款"), **terms
    )


def settle(world, loan, *periods):
    """Repay the given periods in full on their due dates."""
    for period in periods:
        row = loan.installments.in_force().get(period=period)
        services.repayment_confirm(actor=world.officer_a, installment_id=row.pk, amount=None, paid_on=row.due_date)
    loan.refresh_from_db()


@pytest.fixture
def ei12(world):
    loan = _loan(
        world,
        "EI12",
        amount=D("12000.00"),
        annual_rate=D("6.00"),
        start_date=date(2026, 1, 15),
        end_date=date(2027, 1, 15),
        method="equal_installment",
    )
    settle(world, loan, 1, 2, 3)
    return loan


@pytest.fixture
def monthly(world):
    """20,000.00 at 5.40 %, 2026-03-05 → 2027-03-05, 按月付息到期还本 (20th of each month)."""
    return _loan(
        world,
        "MI12",
        amount=D("20000.00"),
        annual_rate=D("5.40"),
        start_date=date(2026, 3, 5),
        end_date=date(2027, 3, 5),
        method="monthly_interest",
    )


def plan_rows(loan):
    return list(loan.installments.in_force())


def assert_plan_invariants(loan):
    rows = plan_rows(loan)
    assert [r.period for r in rows] == list(range(1, len(rows) + 1))
    assert sum(r.principal for r in rows) == loan.amount
    assert all(b.due_date > a.due_date for a, b in pairwise(rows))
    assert all(r.principal >= 0 and r.interest >= 0 for r in rows)
    return rows


# --- 等额本息, partial -----------------------------------------------------------------------


def test_the_schedule_before_the_early_repayment_is_as_worked_by_hand(ei12):
    rows = plan_rows(ei12)
    assert [(r.principal, r.interest) for r in rows[:4]] == [
        (D("972.80"), D("60.00")),
        (D("977.66"), D("55.14")),
        (D("982.55"), D("50.25")),
        (D("987.47"), D("45.33")),
    ]
    assert ei12.outstanding_principal == D("9066.99")


def test_a_partial_early_repayment_pays_interest_to_the_day_and_reamortizes_to_the_same_end_date(world, ei12):
    plan = early.early_plan(ei12, MAY_5, D("3000.00"))
    # 3000 × 20 days (04-15 → 05-05) × 6.00 / 36000 = 10.00
    assert plan.interest == D("10.00") == arithmetic.interest_for_days(D("3000.00"), 20, D("6.00"))
    assert (plan.principal, plan.outstanding, plan.total, plan.kind) == (
        D("3000.00"),
        D("9066.99"),
        D("3010.00"),
        EarlyRepayment.Kind.PARTIAL,
    )
    assert plan.current == schedule.Installment(4, date(2026, 4, 15), MAY_5, D("3000.00"), D("10.00"), D("6066.99"))
    # 6,066.99 re-amortized over the 9 remaining dates 05-15 … 2027-01-15 from 04-15:
    # first interest round(6066.99 × 0.005) = round(30.33495) = 30.33
    assert [r.period for r in plan.rest] == list(range(5, 14))
    assert (plan.rest[0].start_date, plan.rest[0].due_date, plan.rest[0].interest) == (
        date(2026, 4, 15),
        date(2026, 5, 15),
        D("30.33"),
    )
    assert plan.rest[-1].due_date == ei12.end_date and plan.rest[-1].balance == 0
    assert [r.period for r in plan.replaced] == list(range(4, 13))

    record = early.early_repayment_confirm(
        actor=world.officer_a, loan_id=ei12.pk, paid_on=MAY_5, principal=D("3000.00")
    )

    ei12.refresh_from_db()
    rows = assert_plan_invariants(ei12)
    assert len(rows) == 13 and rows[-1].due_date == date(2027, 1, 15) == ei12.end_date
    stored = [(r.period, r.start_date, r.due_date, r.principal, r.interest) for r in rows[3:]]
    assert stored == [(r.period, r.start_date, r.due_date, r.principal, r.interest) for r in plan.rows]
    current = rows[3]
    assert (current.settled_on, current.principal_paid, current.interest_paid) == (MAY_5, D("3000.00"), D("10.00"))
    assert all(r.settled_on is None for r in rows[4:])
    assert (ei12.outstanding_principal, ei12.settled_on) == (D("9066.99") - D("3000.00"), None)
    entry = record.repayment
    assert (entry.amount, entry.principal, entry.interest, entry.penalty, entry.compound, entry.days_late) == (
        D("3010.00"),
        D("3000.00"),
        D("10.00"),
        D("0.00"),
        D("0.00"),
        0,
    )
    assert (record.kind, record.principal, record.interest, record.paid_on) == (
        "partial",
        D("3000.00"),
        D("10.00"),
        MAY_5,
    )
    audit = AuditLog.objects.system("tests").get(action="repayments.early_repayment.confirmed")
    assert audit.changes["installments_replaced"] == 9 and audit.changes["installments_after"] == 9


def test_the_early_repayment_keeps_the_replaced_plan(world, ei12):
    record = early.early_repayment_confirm(
        actor=world.officer_a, loan_id=ei12.pk, paid_on=MAY_5, principal=D("3000.00")
    )
    replaced = list(Installment.objects.system("tests").filter(superseded_by=record.version).order_by("period"))
    assert len(replaced) == 9 and all(row.superseded_on == MAY_5 for row in replaced)
    first = replaced[0]
    assert (first.period, first.start_date, first.due_date, first.principal, first.interest) == (
        4,
        date(2026, 4, 15),
        date(2026, 5, 15),
        D("987.47"),
        D("45.33"),
    )
    assert replaced[-1].due_date == date(2027, 1, 15)
    assert sum(row.principal for row in replaced) == D("9066.99")
    as_of_may_4 = Installment.objects.system("tests").filter(loan=ei12).in_force(date(2026, 5, 4))
    assert [row.pk for row in as_of_may_4][3:] == [row.pk for row in replaced]


def test_an_early_repayment_cannot_be_reversed(world, ei12):
    record = early.early_repayment_confirm(
        actor=world.officer_a, loan_id=ei12.pk, paid_on=MAY_5, principal=D("3000.00")
    )
    with pytest.raises(BusinessError) as err:
        services.repayment_reverse(actor=world.manager_a, repayment_id=record.repayment_id, reason="客户反悔")
    assert err.value.message == services.EARLY_NOT_REVERSIBLE
    assert not Repayment.objects.system("tests").filter(reverses=record.repayment).exists()


# --- full ------------------------------------------------------------------------------------


@pytest.mark.parametrize("principal", [None, D("9066.99")])
def test_a_full_early_repayment_settles_the_loan_with_interest_to_the_day(world, ei12, principal):
    plan = early.early_plan(ei12, MAY_5, principal)
    # 9066.99 × 20 × 6.00 / 36000 = 9066.99 / 300 = 30.2233 → 30.22
    assert (plan.kind, plan.principal, plan.interest, plan.rest) == (
        EarlyRepayment.Kind.FULL,
        D("9066.99"),
        D("30.22"),
        [],
    )
    record = early.early_repayment_confirm(actor=world.officer_a, loan_id=ei12.pk, paid_on=MAY_5, principal=principal)
    ei12.refresh_from_db()
    assert (ei12.outstanding_principal, ei12.settled_on) == (D("0.00"), MAY_5)
    assert (record.kind, record.repayment.amount) == ("full", D("9097.21"))
    rows = assert_plan_invariants(ei12)
    assert [(r.period, r.due_date, r.settled_on) for r in rows[3:]] == [(4, MAY_5, MAY_5)]
    assert all(r.settled_on is not None for r in rows)


# --- refusals ----------------------------------------------------------------------------------


def refused(loan, paid_on, principal, message, params=None):
    count = Installment.objects.system("tests").filter(loan=loan).count()
    with pytest.raises(BusinessError) as err:
        early.early_plan(loan, paid_on, principal)
    assert err.value.message == message
    if params is not None:
        assert err.value.params == params
    assert Installment.objects.system("tests").filter(loan=loan).count() == count


def test_an_unpaid_installment_due_on_or_before_the_date_must_be_settled_first(world):
    loan = _loan(
        world,
        "EI12-B",
        amount=D("12000.00"),
        annual_rate=D("6.00"),
        start_date=date(2026, 1, 15),
        end_date=date(2027, 1, 15),
        method="equal_installment",
    )
    settle(world, loan, 1, 2)
    refused(loan, MAY_5, D("1000.00"), early.SETTLE_DUE_FIRST, {"period": 3, "date": "2026-04-15"})
    settle(world, loan, 3)
    refused(loan, date(2026, 5, 15), D("1000.00"), early.SETTLE_DUE_FIRST, {"period": 4, "date": "2026-05-15"})
    with pytest.raises(BusinessError) as err:
        early.early_repayment_confirm(actor=world.officer_a, loan_id=loan.pk, paid_on=date(2026, 5, 15), principal=None)
    assert err.value.message == early.SETTLE_DUE_FIRST
    assert not EarlyRepayment.objects.system("tests").exists() and Repayment.objects.system("tests").count() == 3


@pytest.mark.parametrize("principal", [D("9067.00"), D("0.00"), D("-1.00")])
def test_the_principal_must_be_more_than_zero_and_at_most_the_outstanding(ei12, principal):
    refused(ei12, MAY_5, principal, early.PRINCIPAL_RANGE, {"outstanding": D("9066.99")})


def test_an_early_repayment_dated_before_the_current_period_is_refused(ei12):
    # period 4 starts 2026-04-15 (the due date of the settled period 3)
    refused(ei12, date(2026, 4, 10), D("1000.00"), early.BEFORE_PERIOD, {"start": "2026-04-15"})


def test_a_partly_paid_future_installment_is_refused(world, ei12):
    # Payments go oldest first now (domain.md); a partly paid later period is older data (an import).
    ei12.installments.in_force().filter(period=5).update(interest_paid=D("10.00"))
    refused(ei12, MAY_5, D("1000.00"), early.PARTLY_PAID, {"period": 5})


def test_a_settled_loan_is_refused(world, ei12):
    early.early_repayment_confirm(actor=world.officer_a, loan_id=ei12.pk, paid_on=MAY_5, principal=None)
    ei12.refresh_from_db()
    refused(ei12, date(2026, 5, 6), None, early.LOAN_SETTLED)
    with pytest.raises(BusinessError) as err:
        early.early_repayment_confirm(actor=world.officer_a, loan_id=ei12.pk, paid_on=date(2026, 5, 6), principal=None)
    assert err.value.message == early.LOAN_SETTLED


def test_a_loan_outside_the_actors_scope_is_not_found(world, ei12):
    with pytest.raises(NotFound):  # a service never raises Http404; the view answers 404
        early.early_repayment_confirm(actor=world.officer_b, loan_id=ei12.pk, paid_on=MAY_5, principal=None)
    assert not EarlyRepayment.objects.system("tests").exists() and ei12.installments.in_force().count() == 12


# --- interest-only and custom loans ------------------------------------------------------------


def test_interest_only_partial_early_repayment_leaves_the_rest_of_the_principal_on_the_end_date(world, monthly):
    # interest 03-05 → 03-20: 20000 × 15 × 5.40 / 36000 = 45.00; 03-20 → 04-20: × 31 days = 93.00
    assert [r.interest for r in plan_rows(monthly)[:2]] == [D("45.00"), D("93.00")]
    settle(world, monthly, 1, 2)
    paid_on = date(2026, 5, 10)
    record = early.early_repayment_confirm(
        actor=world.officer_a, loan_id=monthly.pk, paid_on=paid_on, principal=D("5000.00")
    )
    # 5000 × 20 days (04-20 → 05-10) × 5.40 / 36000 = 15.00
    assert (record.principal, record.interest) == (D("5000.00"), D("15.00"))
    monthly.refresh_from_db()
    rows = assert_plan_invariants(monthly)
    rest = rows[3:]
    # 15,000 remain: 04-20 → 05-20, 30 days: 67.50; 05-20 → 06-20, 31 days: 69.75; …;
    # 2027-02-20 → 03-05, 13 days: 15000 × 13 × 5.40 / 36000 = 29.25 with the 15,000 principal
    assert (rest[0].start_date, rest[0].due_date, rest[0].principal, rest[0].interest) == (
        date(2026, 4, 20),
        date(2026, 5, 20),
        D("0.00"),
        D("67.50"),
    )
    assert rest[1].interest == D("69.75")
    assert all(r.principal == 0 for r in rest[:-1])
    assert (rest[-1].due_date, rest[-1].principal, rest[-1].interest) == (date(2027, 3, 5), D("15000.00"), D("29.25"))
    assert len(rest) == 11
    assert monthly.outstanding_principal == D("15000.00")


def _custom(world, iou="CUSTOM"):
    """6,000.00 at 3.60 % (daily 0.01 %), 2026-01-01 → 2026-10-01, 自定义: 1,000 / 2,000 / 3,000."""
    return _loan(
        world,
        iou,
        amount=D("6000.00"),
        annual_rate=D("3.60"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 10, 1),
        method="custom",
        custom_plan=[
            (date(2026, 4, 1), D("1000.00")),
            (date(2026, 7, 1), D("2000.00")),
            (date(2026, 10, 1), D("3000.00")),
        ],
    )


def test_custom_plan_early_repayment_takes_the_last_amounts_off_first(world):
    loan = _custom(world)
    settle(world, loan, 1)  # 1000 + 6000 × 90 / 10000 = 54.00 interest
    record = early.early_repayment_confirm(
        actor=world.officer_a, loan_id=loan.pk, paid_on=date(2026, 5, 1), principal=D("1500.00")
    )
    # 1500 × 30 days (04-01 → 05-01) × 3.60 / 36000 = 4.50
    assert record.interest == D("4.50")
    loan.refresh_from_db()
    rows = assert_plan_invariants(loan)
    # 3,500 remain: 2,000 on 07-01 (3500 × 91 / 10000 = 31.85),
    # 3,000 − 1,500 = 1,500 on 10-01 (1500 × 92 / 10000 = 13.80)
    assert [(r.due_date, r.principal, r.interest) for r in rows[2:]] == [
        (date(2026, 7, 1), D("2000.00"), D("31.85")),
        (date(2026, 10, 1), D("1500.00"), D("13.80")),
    ]


def test_a_custom_plan_whose_last_amount_is_repaid_early_settles_with_its_last_payment(world):
    loan = _custom(world, "CUSTOM-ZERO")
    settle(world, loan, 1)
    # The borrower repays the 3,000 due on 10-01 early on 05-01: 3000 × 30 / 10000 = 9.00 interest.
    early.early_repayment_confirm(
        actor=world.officer_a, loan_id=loan.pk, paid_on=date(2026, 5, 1), principal=D("3000.00")
    )
    # The rest: 2,000 on 07-01 with 2000 × 91 / 10000 = 18.20 interest; nothing is owed after that.
    settle(world, loan, 3)
    assert loan.outstanding_principal == D("0.00")
    # Fails today: the 10-01 row (0.00 + 0.00) stays unsettled, so the loan is not settled …
    assert loan.settled_on == date(2026, 7, 1)
    # … and on 2026-11-01 it shows 31 days overdue while nothing is owed.
    figures = with_classification(Loan.objects.system("tests").filter(pk=loan.pk), date(2026, 11, 1)).get()
    assert figures.days_overdue == 0


# --- schedule.regenerate, pure ---------------------------------------------------------------

START = date(2026, 1, 1)
DATES = [date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]  # 90, 91, 92 days
PRINCIPALS = [D("1000.00"), D("2000.00"), D("3000.00")]


def regenerate_custom(amount):
    rows = schedule.regenerate(
        amount=D(amount), annual_rate=D("3.60"), start=START, due_dates=DATES, method="custom", principals=PRINCIPALS
    )
    return [(r.period, r.start_date, r.due_date, r.principal, r.interest, r.balance) for r in rows]


def test_regenerate_custom_takes_the_repaid_amount_off_the_last_amount():
    # 1,500 repaid of 6,000: 3000 → 1500. Interest at 0.01 % a day: 4500 × 90 = 40.50,
    # 3500 × 91 = 31.85, 1500 × 92 = 13.80
    assert regenerate_custom("4500.00") == [
        (1, START, DATES[0], D("1000.00"), D("40.50"), D("3500.00")),
        (2, DATES[0], DATES[1], D("2000.00"), D("31.85"), D("1500.00")),
        (3, DATES[1], DATES[2], D("1500.00"), D("13.80"), D("0.00")),
    ]


def test_regenerate_custom_moves_on_to_earlier_amounts_when_the_last_is_used_up():
    # 3,500 repaid: 3000 → 0, then 2000 → 1500. Interest 2500 × 90 = 22.50, 1500 × 91 = 13.65, 0
    rows = regenerate_custom("2500.00")
    assert rows[:2] == [
        (1, START, DATES[0], D("1000.00"), D("22.50"), D("1500.00")),
        (2, DATES[0], DATES[1], D("1500.00"), D("13.65"), D("0.00")),
    ]
    assert all(row[3] == 0 for row in rows[2:])  # nothing left for 10-01


def test_regenerate_custom_with_nothing_repaid_is_the_plan_itself():
    assert [row[3] for row in regenerate_custom("6000.00")] == PRINCIPALS
    assert sum(row[3] for row in regenerate_custom("4321.09")) == D("4321.09")


def test_regenerate_custom_needs_one_amount_per_date():
    with pytest.raises(TypeError):
        schedule.regenerate(amount=D("100.00"), annual_rate=D("3.60"), start=START, due_dates=DATES, method="custom")
    with pytest.raises(TypeError):
        schedule.regenerate(
            amount=D("100.00"),
            annual_rate=D("3.60"),
            start=START,
            due_dates=DATES,
            method="custom",
            principals=PRINCIPALS[:2],
        )


def test_regenerate_refuses_dates_not_after_the_start():
    with pytest.raises(schedule.ScheduleError):
        schedule.regenerate(
            amount=D("100.00"),
            annual_rate=D("3.60"),
            start=DATES[0],
            due_dates=DATES,
            method="custom",
            principals=PRINCIPALS,
        )


def test_regenerate_bullet_and_interest_only_put_all_principal_on_the_last_date():
    rows = schedule.regenerate(
        amount=D("4500.00"), annual_rate=D("3.60"), start=START, due_dates=DATES, method="quarterly_interest"
    )
    assert [(r.principal, r.interest) for r in rows] == [
        (D("0.00"), D("40.50")),  # 4500 × 90 / 10000
        (D("0.00"), D("40.95")),  # 4500 × 91 / 10000
        (D("4500.00"), D("41.40")),  # 4500 × 92 / 10000
    ]
