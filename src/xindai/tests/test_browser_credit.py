"""In a real Chromium, with extensions under two-person approval: a loan officer asks for an
extension (展期), the branch manager approves it from the inbox on the home page, and the loan
page shows the new plan version, the extension and the history."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from xindai.credit.models import ApprovalPolicy, LoanChange
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment
from xindai.loans.tests.factories import make_loan
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_requests_an_extension_manager_approves_it_from_the_inbox(page, live_server, world):
    ApprovalPolicy.objects.create(action="extension", required=True, expiry_hours=72)
    customer = CustomerFactory(name="马建国", village=world.village_a1, registered_by=world.officer_a)
    loan = make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="ZQ-001",
        amount=Decimal("12000.00"),
        annual_rate=Decimal("6.00"),
        start_date=date(2026, 10, 15),
        end_date=date(2027, 4, 15),
        method="equal_principal",
    )
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=True):
        sign_in(page, live_server, "officer_a")
        page.goto(f"{live_server.url}/loans/{loan.pk}/")
        page.click("[data-testid=change-link]")
        page.wait_for_selector("[data-testid=change-form]")
        page.fill("#id_new_end_date", "2027-10-15")
        page.fill("#id_reason", "口蹄疫减产，申请展期半年")
        page.click("[data-testid=change-submit]")
        page.wait_for_selector(".alert-success")
        assert "审批" in page.inner_text(".alert-success")
        assert "等待审批" in page.inner_text("[data-testid=loan-requests]")
        assert loan.plan_versions.count() == 1  # nothing changed before the approval

        page.context.clear_cookies()
        sign_in(page, live_server, "manager_a")
        assert "1" in page.inner_text("[data-testid=card-approvals]")
        page.click("[data-testid=card-approvals]")
        page.wait_for_selector("[data-testid=request-row]")
        page.click("[data-testid=request-link]")
        effect = page.inner_text("[data-testid=effect]")
        assert "2027-04-15" in effect and "2027-10-15" in effect and "10000.00" in effect
        page.fill("#id_reason", "同意展期")
        page.click("[data-testid=approve]")
        page.wait_for_selector(".alert-success")

        page.goto(f"{live_server.url}/loans/{loan.pk}/")
        versions = page.inner_text("[data-testid=plan-versions]")
        assert "合同变更" in versions and "展期：口蹄疫减产，申请展期半年" in versions
        changes = page.inner_text("[data-testid=loan-changes]")
        assert "2027-04-15 → 2027-10-15" in changes and "2027-12-01" in changes  # watched for 12 months
        assert "已批准" in page.inner_text("[data-testid=loan-requests]")
        plan = page.inner_text("[data-testid=schedule-table]")
        assert "2027-10-15" in plan and "909.10" in plan
    change = LoanChange.objects.system("tests").get(loan=loan)
    assert change.created_by == world.officer_a and change.version.number == 2
    rows = Installment.objects.system("tests").filter(loan=loan, version=change.version)
    assert rows.count() == 11 and sum(r.principal for r in rows) == Decimal("10000.00")
