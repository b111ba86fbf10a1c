"""The inspection schedule: the first visit within N days of disbursement, then every M months,
and within K days of becoming overdue; due within a week, overdue the day after its date."""

from datetime import date

import pytest

from xindai.collateral.tests.helpers import borrower_loan
from xindai.loans.models import Loan
from xindai.postloan import services
from xindai.postloan.schedule import with_schedule
from xindai.postloan.selectors import inspection_list
from xindai.postloan.tests.helpers import inspect
from xindai.repayments.services import repayment_confirm


def _next(loan, as_of):
    return with_schedule(Loan.objects.system("test").filter(pk=loan.pk), as_of).get().next_inspection


def _ious(user, view, as_of, **params):
    loans, _totals, _view = inspection_list(user, {"view": view, **params}, as_of)
    return [loan.iou_number for loan in loans]


@pytest.mark.django_db
def test_first_visit_within_30_days_of_disbursement(world):
    loan = borrower_loan(world)  # 2026-02-10, quarterly interest from 2026-03-20
    assert _next(loan, date(2026, 2, 11)) == date(2026, 3, 12)
    assert _ious(world.officer_a, "todo", date(2026, 3, 4)) == []  # 8 days ahead: not yet
    assert _ious(world.officer_a, "due", date(2026, 3, 5)) == ["C-1"]  # within a week
    assert _ious(world.officer_a, "due", date(2026, 3, 12)) == ["C-1"]  # the day itself: due, not overdue
    assert _ious(world.officer_a, "overdue", date(2026, 3, 12)) == []
    assert _ious(world.officer_a, "overdue", date(2026, 3, 13)) == ["C-1"]


@pytest.mark.django_db
def test_then_every_3_months_from_the_last_visit(world):
    loan = borrower_loan(world)
    inspect(loan, world.officer_a, date(2026, 3, 1))
    assert _next(loan, date(2026, 3, 2)) == date(2026, 6, 1)
    assert _ious(world.officer_a, "todo", date(2026, 3, 2)) == []


@pytest.mark.django_db
def test_month_end_visit_falls_due_on_the_last_day_of_a_shorter_month(world):
    loan = borrower_loan(world)
    inspect(loan, world.officer_a, date(2026, 11, 30))
    assert _next(loan, date(2026, 11, 30)) == date(2027, 2, 28)


@pytest.mark.django_db
def test_a_loan_that_becomes_overdue_is_visited_within_7_days(world):
    loan = borrower_loan(world)
    inspect(loan, world.officer_a, date(2026, 3, 1))
    assert _next(loan, date(2026, 3, 20)) == date(2026, 6, 1)  # due on 03-20, not overdue yet
    assert _next(loan, date(2026, 3, 21)) == date(2026, 3, 28)  # overdue from 03-21: within 7 days
    assert _ious(world.officer_a, "overdue", date(2026, 3, 28)) == []
    assert _ious(world.officer_a, "overdue", date(2026, 3, 29)) == ["C-1"]
    inspect(loan, world.officer_a, date(2026, 3, 25))  # the visit after it became overdue
    assert _next(loan, date(2026, 3, 29)) == date(2026, 6, 25)


@pytest.mark.django_db
def test_paid_after_the_date_was_still_overdue_on_it(world):
    loan = borrower_loan(world)
    inspect(loan, world.officer_a, date(2026, 3, 1))
    first = loan.installments.get(period=1)
    repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=None, paid_on=date(2026, 4, 2))
    assert _next(loan, date(2026, 3, 30)) == date(2026, 3, 28)  # as of then, still overdue
    assert _next(loan, date(2026, 4, 3)) == date(2026, 6, 1)  # paid: back to the regular visit


@pytest.mark.django_db
def test_the_rule_of_the_loan_type_applies(world):
    loan = borrower_loan(world)
    services.inspection_rule_set(
        actor=world.admin, loan_type=loan.loan_type, first_within_days=10, every_months=1, after_overdue_days=3
    )
    assert _next(loan, date(2026, 2, 11)) == date(2026, 2, 20)
    inspect(loan, world.officer_a, date(2026, 2, 15))
    assert _next(loan, date(2026, 2, 16)) == date(2026, 3, 15)
    assert _next(loan, date(2026, 3, 21)) == date(2026, 3, 15)  # the regular date came first


@pytest.mark.django_db
def test_settled_and_not_yet_disbursed_loans_are_not_inspected(world):
    borrower_loan(world)
    assert _ious(world.officer_a, "all", date(2026, 2, 9)) == []
    assert _ious(world.officer_a, "all", date(2026, 2, 10)) == ["C-1"]


@pytest.mark.django_db
def test_the_inspection_list_is_scoped(world):
    borrower_loan(world)
    day = date(2026, 3, 13)
    assert _ious(world.officer_a, "overdue", day) == ["C-1"]
    assert _ious(world.manager_a, "overdue", day) == ["C-1"]
    assert _ious(world.county_user_a, "overdue", day) == ["C-1"]
    assert _ious(world.officer_b, "overdue", day) == []
    assert _ious(world.township_user_a2, "overdue", day) == []
    assert _ious(world.manager_a, "overdue", day, officer=str(world.officer_b.pk)) == []
