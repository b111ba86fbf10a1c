"""A strict Content-Security-Policy, with every page still working in a real Chromium.

The `page` fixture fails any browser test whose pages the policy refused something on; here
the behaviour that used to be inline (print buttons, the page-size choice, select-all, the SMS
parameter buttons, the charts) is tried under the policy.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.django_db]


def test_every_page_carries_a_strict_policy(client, world, login):
    for response in (client.get(reverse("login")), login(world.admin).get(reverse("home"))):
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_work_under_the_policy(page, live_server, world):
    kind = loan_type("短期周转贷款")
    for n in range(3):
        customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
        make_loan(
            world.admin,
            customer,
            world.officer_a,
            iou_number=f"CSP{n}",
            amount=Decimal("10000.00"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 7, 1),
            method="bullet",
            loan_type=kind,
        )
    sign_in(page, live_server, "manager_a")
    page.goto(f"{live_server.url}/repayments/?view=overdue")
    page.click("input[data-check-all]")
    boxes = page.locator("input[name=ids]")
    assert boxes.count() == 3 and all(boxes.nth(i).is_checked() for i in range(3))
    page.goto(f"{live_server.url}/customers/")
    page.select_option("select[data-go]", index=1)
    page.wait_for_url("**size=*")
    page.goto(f"{live_server.url}/messaging/send/?source=numbers")
    page.fill("#id_text", "")
    page.click("[data-insert]")
    assert page.input_value("#id_text").startswith("{")
    page.goto(f"{live_server.url}/loans/")
    page.wait_for_selector("[data-print]")
    page.goto(f"{live_server.url}/loans/new/")
    page.wait_for_selector(".ts-wrapper")  # tom-select pickers built
    page.goto(f"{live_server.url}/reports/charts/?kind=balance&as_of=2026-03-01")
    page.wait_for_selector("[data-testid=chart] canvas")
