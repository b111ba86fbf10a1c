"""Loans settle to the cent: the last payment of a plan, a full early repayment and a loan of a
few fen leave an outstanding principal of exactly 0.00 (measured on SQLite, whose floats made
60000 − 60000.00000000001 < 0 break the loan_outstanding_in_range constraint)."""

from datetime import date
from decimal import Decimal

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import early, services

D = Decimal


def _loan(world, iou, **terms):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    return make_loan(
        world.admin, customer, world.officer_a, iou_number=iou, loan_type=loan_type("农户小额信用贷款"), **terms
    )


def _pay_every_installment(world, loan):
    for row in loan.installments.order_by("period"):
        services.repayment_confirm(actor=world.officer_a, installment_id=row.pk, amount=None, paid_on=row.due_date)
    loan.refresh_from_db()


@pytest.mark.django_db
def test_the_twelfth_payment_of_an_equal_installment_loan_settles_it_exactly(world):
    loan = _loan(
        world,
        "EI-60000",
        amount=D("60000.00"),
        annual_rate=D("4.35"),
        start_date=date(2025, 7, 31),
        end_date=date(2026, 7, 31),
        method="equal_installment",
    )
    _pay_every_installment(world, loan)
    assert loan.outstanding_principal == D("0.00")
    assert loan.settled_on == date(2026, 7, 31)
    assert sum(r.principal for r in loan.repayments.all()) == D("60000.00")


@pytest.mark.django_db
def test_a_full_early_repayment_settles_the_loan_exactly(world):
    loan = _loan(
        world,
        "EI-50000",
        amount=D("50000.00"),
        annual_rate=D("4.90"),
        start_date=date(2026, 1, 31),
        end_date=date(2027, 1, 31),
        method="equal_installment",
    )
    early.early_repayment_confirm(actor=world.officer_a, loan_id=loan.pk, paid_on=date(2026, 2, 15), principal=None)
    loan.refresh_from_db()
    assert loan.outstanding_principal == D("0.00")
    assert loan.settled_on == date(2026, 2, 15)
    assert sum(r.principal for r in loan.repayments.all()) == D("50000.00")


@pytest.mark.django_db
def test_a_loan_of_thirty_fen_at_zero_percent_settles_on_its_third_payment(world):
    kind = loan_type("农户小额信用贷款")
    kind.min_amount = D("0.01")
    kind.save(update_fields=["min_amount"])
    loan = _loan(
        world,
        "EP-0.30",
        amount=D("0.30"),
        annual_rate=D("0.00"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 4, 1),
        method="equal_principal",
    )
    assert [row.principal for row in loan.installments.order_by("period")] == [D("0.10")] * 3
    _pay_every_installment(world, loan)
    assert loan.outstanding_principal == D("0.00")
    assert loan.settled_on == date(2026, 4, 1)
