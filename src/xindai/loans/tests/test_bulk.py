"""The bulk path (demo, Excel import): the same plans as one by one, prepaid periods, and
COPY on PostgreSQL writing exactly what bulk_create writes elsewhere."""

from datetime import date
from decimal import Decimal

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment, Loan
from xindai.loans.services import loans_bulk_create
from xindai.loans.tests.factories import terms


@pytest.fixture
def customers(world):
    return [CustomerFactory(village=world.village_a1, registered_by=world.officer_a) for _ in range(3)]


def test_bulk_loans_get_the_engines_plans(world, customers):
    batch = [
        terms(customers[0], world.officer_a, iou_number="B-1"),
        terms(
            customers[1],
            world.officer_a,
            iou_number="B-2",
            method="equal_installment",
            amount=Decimal("100000.00"),
            annual_rate=Decimal("4.90"),
            start_date=date(2026, 1, 31),
            end_date=date(2026, 7, 31),
        ),
        terms(customers[2], world.officer_a, iou_number="B-3", paid_periods=2),
    ]
    assert loans_bulk_create(actor=world.admin, terms_list=batch, batch_size=2) == 3
    quarterly = Loan.objects.system("tests").get(iou_number="B-1").installments.order_by("period")
    assert [str(i.interest) for i in quarterly] == ["275.50", "667.00", "667.00", "659.75", "377.00"]
    annuity = Loan.objects.system("tests").get(iou_number="B-2").installments.order_by("period")
    assert [str(i.due_date) for i in annuity] == [
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
        "2026-07-31",
    ]
    assert (annuity[0].principal, annuity[0].interest) == (Decimal("16497.34"), Decimal("408.33"))
    assert sum(i.principal for i in annuity) == Decimal("100000.00")


def test_prepaid_periods_are_recorded_as_repaid_on_their_due_dates(world, customers):
    loans_bulk_create(
        actor=world.admin,
        terms_list=[
            terms(
                customers[0],
                world.officer_a,
                iou_number="P-1",
                method="equal_principal",
                start_date=date(2026, 1, 10),
                end_date=date(2026, 5, 10),
                paid_periods=2,
            )
        ],
    )
    loan = Loan.objects.system("tests").get(iou_number="P-1")
    paid = list(loan.installments.order_by("period").values_list("settled_on", "principal_paid", "principal"))
    assert [p[0] for p in paid] == [date(2026, 2, 10), date(2026, 3, 10), None, None]
    assert paid[0][1] == paid[0][2] and paid[2][1] == Decimal("0.00")
    assert loan.outstanding_principal == Decimal("25000.00")
    assert Installment.objects.system("tests").filter(loan=loan).count() == 4


def test_a_fully_repaid_import_is_settled(world, customers):
    loans_bulk_create(
        actor=world.admin, terms_list=[terms(customers[0], world.officer_a, iou_number="S-1", paid_periods=5)]
    )
    loan = Loan.objects.system("tests").get(iou_number="S-1")
    assert (loan.outstanding_principal, loan.settled_on) == (Decimal("0.00"), date(2027, 2, 10))
