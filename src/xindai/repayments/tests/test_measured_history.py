"""The cases issue #17 measured, each as it was found: contract terms that followed the loan type,
an early repayment that rewrote the past, a reversal that changed a closed period, two early
repayments on one day, a lock order that could deadlock, a service accepting loosened thresholds."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.core.system_settings import system_settings_update
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment
from xindai.loans.services import loan_type_save
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import batch, early, selectors, services
from xindai.reports import queries

EVERYTHING = system_scope("tests")

D = Decimal


def _customer(world):
    return CustomerFactory(village=world.village_a1, registered_by=world.officer_a)


def _owed(world, loan, view, as_of, within=30):
    rows = selectors.owed_list(world.admin, view, as_of, within).filter(loan=loan).order_by("due_date")
    return [(r.due_date, r.principal_owed, r.interest_owed, r.penalty_owed, r.compound_owed) for r in rows]


# --- Changing a loan type re-priced existing loans, and their past -------------------------------


@pytest.fixture
def bullet(world):
    """100,000.00 at 4.35 %, 2025-06-01 → 2026-06-01, 利随本清 (interest 4,410.42); 500 paid on 07-01."""
    kind = loan_type("农户小额信用贷款")
    loan_type_save(actor=world.admin, loan_type=kind, penalty_markup=D("0.5"), compound_interest=True)
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=kind,
        amount=D("100000.00"),
        annual_rate=D("4.35"),
        start_date=date(2025, 6, 1),
        end_date=date(2026, 6, 1),
        method="bullet",
    )
    row = loan.installments.get()
    services.repayment_confirm(
        actor=world.officer_a, installment_id=row.pk, amount=D("500.00"), paid_on=date(2026, 7, 1)
    )
    return loan


def test_penalty_uses_the_terms_of_the_loan_not_of_its_type(world, bullet):
    # 100000 × 61 × 4.35 × 1.5 / 36000 = 1105.63 accrued, 500 collected; 4410.42 × 61 × 6.525 / 36000 = 48.76
    as_of = date(2026, 8, 1)
    assert _owed(world, bullet, "overdue", as_of) == [
        (date(2026, 6, 1), D("100000.00"), D("4410.42"), D("605.63"), D("48.76"))
    ]
    loan_type_save(actor=world.admin, loan_type=bullet.loan_type, penalty_markup=D("0.3"), compound_interest=False)
    assert _owed(world, bullet, "overdue", as_of) == [
        (date(2026, 6, 1), D("100000.00"), D("4410.42"), D("605.63"), D("48.76"))
    ]
    row = bullet.installments.get()
    owing = services.owing_on(Installment.objects.system("tests").select_related("loan").get(pk=row.pk), as_of)
    assert (owing.penalty, owing.compound) == (D("605.63"), D("48.76"))
    bullet.refresh_from_db()
    assert (bullet.penalty_markup, bullet.compound_interest) == (D("0.5"), True)


def test_a_new_loan_copies_the_terms_of_its_type_when_it_is_made(world, bullet):
    loan_type_save(actor=world.admin, loan_type=bullet.loan_type, penalty_markup=D("0.3"), compound_interest=False)
    later = make_loan(world.admin, _customer(world), world.officer_a, loan_type=bullet.loan_type, seq=2)
    assert (later.penalty_markup, later.compound_interest) == (D("0.3"), False)


@pytest.mark.parametrize("markup", [D("0.29"), D("0.51"), D("0")])
def test_the_penalty_markup_of_a_loan_type_is_between_30_and_50_percent(world, markup):
    from xindai.loans.services import MARKUP_RANGE

    with pytest.raises(BusinessError) as err:
        loan_type_save(actor=world.admin, loan_type=loan_type(), penalty_markup=markup)
    assert err.value.message == MARKUP_RANGE


# --- An early repayment rewrote history --------------------------------------------------------


@pytest.fixture
def ei(world):
    """12,000.00 at 4.35 %, 2026-06-15 → 2027-06-15, 等额本息 (1,023.72 a month); periods 1–5 repaid."""
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=loan_type("农户小额信用贷款"),
        amount=D("12000.00"),
        annual_rate=D("4.35"),
        start_date=date(2026, 6, 15),
        end_date=date(2027, 6, 15),
        method="equal_installment",
    )
    for row in loan.installments.filter(period__lte=5).order_by("period"):
        services.repayment_confirm(actor=world.officer_a, installment_id=row.pk, amount=None, paid_on=row.due_date)
    return loan


NOV_26, NOV_30 = date(2026, 11, 26), date(2026, 11, 30)
BEFORE = [(date(2026, 12, 15), D("998.12"), D("25.60"), D("0.00"), D("0.00"))]
AFTER = [(date(2026, 12, 15), D("574.18"), D("14.73"), D("0.00"), D("0.00"))]


def test_an_early_repayment_leaves_the_list_as_of_an_earlier_date_as_it_was(world, ei):
    assert _owed(world, ei, "due", NOV_26) == BEFORE
    early.early_repayment_confirm(actor=world.officer_a, loan_id=ei.pk, paid_on=NOV_30, principal=D("3000.00"))
    assert _owed(world, ei, "due", NOV_26) == BEFORE
    # From its date the new plan is in force: the payment settled 11-30, 12-15 re-amortized.
    assert _owed(world, ei, "due", NOV_30) == AFTER
    replaced = Installment.objects.system("tests").get(loan=ei, due_date=date(2026, 12, 15), superseded_on=NOV_30)
    assert (replaced.principal, replaced.interest) == (D("998.12"), D("25.60"))


def test_an_early_repayment_can_be_reversed_and_the_previous_plan_is_in_force_again(world, ei):
    plan_before = [(r.period, r.due_date, r.principal, r.interest) for r in ei.installments.in_force()]
    record = early.early_repayment_confirm(actor=world.officer_a, loan_id=ei.pk, paid_on=NOV_30, principal=D("3000.00"))
    early.early_repayment_reverse(actor=world.manager_a, early_id=record.pk, reason="客户要求撤销")
    ei.refresh_from_db()
    assert [(r.period, r.due_date, r.principal, r.interest) for r in ei.installments.in_force()] == plan_before
    assert ei.outstanding_principal == D("12000.00") - sum(p for _n, _d, p, _i in plan_before[:5])
    assert _owed(world, ei, "due", NOV_30) == BEFORE
    entries = list(ei.repayments.filter(installment__due_date=NOV_30).values_list("amount", flat=True))
    assert sorted(entries) == [D("-3005.44"), D("3005.44")]
    assert ei.plan_versions.count() == 3


def test_two_early_repayments_on_one_day_do_not_leave_two_installments_due_that_day(world, ei):
    early.early_repayment_confirm(actor=world.officer_a, loan_id=ei.pk, paid_on=NOV_30, principal=D("1000.00"))
    with pytest.raises(BusinessError) as err:
        early.early_repayment_confirm(actor=world.officer_a, loan_id=ei.pk, paid_on=NOV_30, principal=D("1000.00"))
    assert err.value.message == early.BEFORE_PERIOD
    assert err.value.params == {"start": "2026-11-30"}
    rows = list(ei.installments.in_force())
    assert all(b.due_date > a.due_date for a, b in pairwise(rows))
    early.early_repayment_confirm(
        actor=world.officer_a, loan_id=ei.pk, paid_on=date(2026, 12, 1), principal=D("1000.00")
    )
    rows = list(ei.installments.in_force())
    assert all(b.due_date > a.due_date for a, b in pairwise(rows))


# --- A reversal changed closed periods ---------------------------------------------------------


def test_a_reversal_is_booked_on_its_own_date_and_leaves_the_closed_period_as_it_was(world, ei):
    row = ei.installments.in_force().get(period=6)
    with time_machine.travel(date(2026, 11, 20), tick=False):
        entry = services.repayment_confirm(
            actor=world.officer_a, installment_id=row.pk, amount=D("300.00"), paid_on=date(2026, 11, 20)
        )
    november = queries.collection(EVERYTHING, "branch", date(2026, 11, 1), date(2026, 11, 30)).total
    december_before = queries.collection(EVERYTHING, "branch", date(2026, 12, 1), date(2026, 12, 31)).total
    with time_machine.travel(date(2026, 12, 1), tick=False):
        reversal = services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="错账")
    assert (reversal.paid_on, reversal.accounting_date) == (date(2026, 11, 20), date(2026, 12, 1))
    assert queries.collection(EVERYTHING, "branch", date(2026, 11, 1), date(2026, 11, 30)).total == november
    assert november["total"] >= D("300.00")
    december = queries.collection(EVERYTHING, "branch", date(2026, 12, 1), date(2026, 12, 31)).total
    assert december["repayments"] - december_before["repayments"] == -1
    assert december["total"] - december_before["total"] == D("-300.00")


# --- One lock order: loan, then installments ---------------------------------------------------


def _locked_tables(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    locks = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    return [sql.split(" FROM ", 1)[1].split()[0].strip('"') for sql in locks]


def test_confirmation_and_early_repayment_lock_the_loan_before_its_installments(world, ei):
    repay_early = _locked_tables(
        lambda: early.early_repayment_confirm(actor=world.officer_a, loan_id=ei.pk, paid_on=NOV_30, principal=D("100"))
    )
    assert repay_early[0] == "loans_loan" and "loans_installment" in repay_early
    row = ei.installments.in_force().filter(settled_on__isnull=True).first()
    confirm = _locked_tables(
        lambda: services.repayment_confirm(
            actor=world.officer_a, installment_id=row.pk, amount=D("10.00"), paid_on=NOV_30
        )
    )
    assert confirm[0] == "loans_loan" and "loans_installment" in confirm
    entry = ei.repayments.latest("pk")
    reverse = _locked_tables(
        lambda: services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="x")
    )
    assert reverse[0] == "loans_loan"
    locked = _locked_tables(
        lambda: batch.repayments_confirm_batch(actor=world.admin, installment_ids=[row.pk], paid_on=NOV_30)
    )
    assert locked[0] == "loans_loan" and "loans_installment" in locked


# --- Services validate what forms validate -----------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"special_mention_max": 91},
        {"substandard_max": 300},
        {"doubtful_max": 400},
        {"special_mention_max": 200, "substandard_max": 100},
        {"off_balance_days": 120},
    ],
)
def test_system_settings_update_refuses_loosened_thresholds(world, values):
    with pytest.raises(BusinessError):
        system_settings_update(actor=world.admin, **values)
    from xindai.core.system_settings import get_system_settings

    row = get_system_settings()
    assert (row.special_mention_max, row.substandard_max, row.doubtful_max, row.off_balance_days) == (90, 270, 360, 90)
