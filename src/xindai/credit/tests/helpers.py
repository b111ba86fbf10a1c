"""What the credit tests share: a loan of officer_a's, the policy switched on, a checker elsewhere."""

from datetime import date
from decimal import Decimal

import time_machine

from xindai.credit.models import ApprovalPolicy
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import make_loan
from xindai.org.models import ScopeKind
from xindai.org.tests.factories import UserFactory, role

D = Decimal


def on(day: date):
    return time_machine.travel(day, tick=False)


def loan_a(world, **overrides):
    """12,000.00 at 6.00 %, 等额本金, 2026-01-15 to 2026-07-15 (six months: short-term), officer_a's."""
    values = {
        "amount": D("12000.00"),
        "annual_rate": D("6.00"),
        "start_date": date(2026, 1, 15),
        "end_date": date(2026, 7, 15),
        "method": "equal_principal",
        **overrides,
    }
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    return make_loan(world.admin, customer, world.officer_a, **values)


def require(*actions: str, hours: int = 72) -> None:
    for action in actions:
        ApprovalPolicy.objects.update_or_create(action=action, defaults={"required": True, "expiry_hours": hours})


def manager_b():
    """A branch manager of branch B: a checker, but loans of branch A are outside their scope."""
    from xindai.org.models import Branch

    return UserFactory(
        username="manager_b", role=role("支行行长"), scope=ScopeKind.BRANCH, branch=Branch.objects.get(code="0102")
    )


def manager_a2(world):
    """A second manager of branch A (a checker in scope besides manager_a)."""
    return UserFactory(username="manager_a2", role=role("支行行长"), scope=ScopeKind.BRANCH, branch=world.branch_a)
