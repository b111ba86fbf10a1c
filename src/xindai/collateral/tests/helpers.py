from datetime import date
from decimal import Decimal

from xindai.collateral.models import Kind
from xindai.collateral.services import CollateralData, collateral_add
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import make_loan


def borrower_loan(world, iou="C-1", **terms):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    return make_loan(world.admin, customer, world.officer_a, iou_number=iou, **terms)


def cattle(loan, actor, *, heads=10, per_head="8000.00", tags=(), **extra):
    data = CollateralData(
        kind=Kind.LIVESTOCK,
        value=None,
        valued_on=date(2026, 2, 1),
        valuer="甘州区畜牧兽医局",
        species="牛",
        breed="西门塔尔",
        head_count=heads,
        value_per_head=Decimal(per_head),
        ear_tags=list(tags),
        **extra,
    )
    return collateral_add(actor=actor, loan=loan, data=data)
