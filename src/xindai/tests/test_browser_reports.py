"""In a real Chromium a branch manager opens each report, drills down and sees the charts."""

from datetime import date
from decimal import Decimal

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_report_drill_down_and_charts(page, live_server, world):
    kind = loan_type("短期周转贷款")
    for n, village in enumerate((world.village_a1, world.village_a2)):
        customer = CustomerFactory(village=village, registered_by=world.officer_a)
        make_loan(
            world.admin,
            customer,
            world.officer_a,
            iou_number=f"R{n}",
            amount=Decimal("10000.00"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 4, 1),
            method="bullet",
            loan_type=kind,
        )
    sign_in(page, live_server, "manager_a")
    for report in ("disbursement", "collection", "balance", "quality"):
        page.goto(f"{live_server.url}/reports/?kind={report}&group=county&date_from=2026-01-01&as_of=2026-11-29")
        page.wait_for_selector("[data-testid=report-total]")
    page.goto(f"{live_server.url}/reports/?kind=balance&group=county&as_of=2026-11-29")
    assert "20,000.00" in page.inner_text("[data-testid=report-total]")
    page.click("[data-testid=drill-link]")
    page.wait_for_selector("[data-testid=report-row]")
    assert page.locator("[data-testid=report-row]").count() == 2  # the county's two townships
    page.click("[data-testid=charts-link]")
    page.wait_for_selector("[data-testid=chart] canvas")
    assert page.locator("[data-testid=chart] canvas").count() >= 2
