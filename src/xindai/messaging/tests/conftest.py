from datetime import date
from decimal import Decimal

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.messaging.backends import locmem
from xindai.messaging.models import AutoSwitch


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "locmem"
    locmem.outbox.clear()
    return locmem.outbox


@pytest.fixture
def switched_on(db):
    return AutoSwitch.objects.update_or_create(pk=1, defaults={"enabled": True})[0]


@pytest.fixture
def due_book(world):
    """Bullet loans (10,000.00 at 4.35 %, interest 108.75) due 2026-04-01: 马建国's (officer_a,
    branch A) and 赵天佑's (officer_b, branch B, another loan type)."""

    def bullet(customer, officer, iou, kind="农户小额信用贷款"):
        return make_loan(
            world.admin,
            customer,
            officer,
            iou_number=iou,
            amount=Decimal("10000.00"),
            annual_rate=Decimal("4.35"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 4, 1),
            method="bullet",
            loan_type=loan_type(kind),
        )

    ma = CustomerFactory(name="马建国", mobile="13800000001", village=world.village_a1, registered_by=world.officer_a)
    zhao = CustomerFactory(name="赵天佑", mobile="13800000003", village=world.village_b1, registered_by=world.officer_b)
    return {"ma": bullet(ma, world.officer_a, "M-MA"), "zhao": bullet(zhao, world.officer_b, "M-ZHAO", "短期周转贷款")}


@pytest.fixture
def run_jobs():
    """run_jobs() does the worker's part: runs every queued background job (a sending's messages)."""
    from xindai.jobs import services
    from xindai.jobs.models import Job, JobState

    def run() -> None:
        for pk in Job.objects.filter(state=JobState.QUEUED).order_by("pk").values_list("pk", flat=True):
            services.run(pk)

    return run
