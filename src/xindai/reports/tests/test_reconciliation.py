"""Reconciliation (domain.md): for random books and random periods, per grouping, to the cent:
opening outstanding principal + disbursed − principal collected (net of reversals) − principal
written off (核销, credit app) = closing."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.credit.writeoff import loan_write_off
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.schedule import add_months
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import early, services
from xindai.repayments.classification import classification_set
from xindai.repayments.models import Repayment
from xindai.reports import queries

EVERYTHING = system_scope("tests")

D = Decimal
FIRST_DAY = date(2025, 1, 1)
_seq = itertools.count(1)


def _loan(world, data):
    village, officer = data.draw(
        st.sampled_from(
            [
                (world.village_a1, world.officer_a),
                (world.village_a2, world.officer_a1),
                (world.village_b1, world.officer_b),
            ]
        )
    )
    start = FIRST_DAY + timedelta(days=data.draw(st.integers(0, 500)))
    return make_loan(
        world.admin,
        CustomerFactory(village=village, registered_by=officer),
        officer,
        iou_number=f"R{next(_seq):06d}",
        loan_type=loan_type("农户小额信用贷款"),
        amount=D(data.draw(st.integers(10, 500))) * 100,
        annual_rate=D("4.35"),
        start_date=start,
        end_date=add_months(start, data.draw(st.sampled_from([3, 6, 12]))),
        method=data.draw(st.sampled_from(["equal_installment", "equal_principal", "quarterly_interest", "bullet"])),
    )


def _act(world, data, loan, today, clock: date) -> date:
    """One move on `loan`, booked on a day on or after `clock` (the bank's days only move forward);
    returns the day it was booked."""
    value = min(loan.start_date + timedelta(days=data.draw(st.integers(1, 500))), today)
    booked = min(max(value + timedelta(days=data.draw(st.integers(0, 45))), clock), today)
    action = data.draw(st.sampled_from(["pay", "pay", "pay", "reverse", "early", "write_off"]))
    with time_machine.travel(booked, tick=False):
        try:
            if action == "pay":
                row = loan.installments.in_force().filter(settled_on__isnull=True).first()
                if row is not None:
                    amount = data.draw(st.sampled_from([None, D("50.00"), D("777.77")]))
                    services.repayment_confirm(actor=world.admin, installment_id=row.pk, amount=amount, paid_on=value)
            elif action == "reverse":
                entry = (
                    Repayment.objects.system("tests")
                    .filter(loan=loan, reverses__isnull=True, reversal__isnull=True)
                    .last()
                )
                if entry is not None:
                    services.repayment_reverse(actor=world.admin, repayment_id=entry.pk, reason="冲正")
            elif action == "write_off":  # classified loss by hand, then written off; payments after it recover
                classification_set(actor=world.admin, loan=loan, category="loss", reason="认定", as_of=booked)
                loan_write_off(actor=world.admin, loan_id=loan.pk, reason="核销")
                event("written off")
            else:
                principal = data.draw(st.sampled_from([None, D("100.00")]))
                early.early_repayment_confirm(actor=world.admin, loan_id=loan.pk, paid_on=value, principal=principal)
        except BusinessError:
            pass  # a move the rules refuse (future date, nothing owed, later payments first …)
    return booked


def _by_key(report, figure):
    return {row["key"]: row[figure] for row in report.rows}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_opening_plus_disbursed_minus_collected_is_closing_for_every_grouping(world, data):
    today = timezone.localdate()
    loans = [_loan(world, data) for _n in range(data.draw(st.integers(1, 3)))]
    clock = FIRST_DAY
    for _n in range(data.draw(st.integers(0, 8))):
        clock = _act(world, data, data.draw(st.sampled_from(loans)), today, clock)
    d1 = FIRST_DAY + timedelta(days=data.draw(st.integers(0, (today - FIRST_DAY).days)))
    d2 = d1 + timedelta(days=data.draw(st.integers(0, (today - d1).days)))
    for group in queries.GROUPS:
        opening = _by_key(queries.balance(EVERYTHING, group, d1 - timedelta(days=1)), "outstanding_principal")
        disbursed = _by_key(queries.disbursement(EVERYTHING, group, d1, d2), "amount")
        collected = _by_key(queries.collection(EVERYTHING, group, d1, d2), "principal")
        written_off = queries.written_off(EVERYTHING, group, d1, d2)
        closing = _by_key(queries.balance(EVERYTHING, group, d2), "outstanding_principal")
        for key in opening | disbursed | collected | written_off | closing:
            expected = opening.get(key, 0) + disbursed.get(key, 0) - collected.get(key, 0) - written_off.get(key, 0)
            assert expected == closing.get(key, 0), (group, key, d1, d2)
