"""The book every printing test reads: loans due on 2026-03-20 in branches A and B."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment, Loan
from xindai.loans.services import guarantee_group_create
from xindai.loans.tests.factories import loan_type, make_loan

D = Decimal
SETTLEMENT_DAY = date(2026, 3, 20)


@dataclass
class Book:
    ma: Loan  # officer_a, 50,000.00 quarterly at 5.22 %: 275.50 interest due 2026-03-20 (38 days)
    li: Loan  # officer_a, 12,000.00 equal principal at 4.35 %: period 2 due 2026-03-20, 29.00 on 8,000.00
    zhao: Loan  # officer_b (branch B), like ma

    def installment(self, loan: Loan, period: int = 1) -> Installment:
        return loan.installments.get(period=period)


@pytest.fixture
def book(world) -> Book:
    w = world
    ma = CustomerFactory(
        name="马建国",
        mobile="13800000001",
        village=w.village_a1,
        group=w.group_a1,
        house_number="18号",
        registered_by=w.officer_a,
    )
    li = CustomerFactory(name="李明辉", mobile="13800000002", village=w.village_a2, registered_by=w.officer_a)
    zhao = CustomerFactory(name="赵天佑", mobile="13800000003", village=w.village_b1, registered_by=w.officer_b)
    group = guarantee_group_create(actor=w.admin, name="梁家墩一社联保小组", member_ids=[ma.pk, li.pk])
    return Book(
        ma=make_loan(w.admin, ma, w.officer_a, iou_number="A-MA", guarantee_group_id=group.pk),
        li=make_loan(
            w.admin,
            li,
            w.officer_a,
            iou_number="A-LI",
            amount=D("12000.00"),
            annual_rate=D("4.35"),
            start_date=date(2026, 1, 20),
            end_date=date(2026, 4, 20),
            method="equal_principal",
            loan_type=loan_type("农户小额信用贷款"),
            purpose="",
        ),
        zhao=make_loan(w.admin, zhao, w.officer_b, iou_number="B-ZHAO"),
    )
