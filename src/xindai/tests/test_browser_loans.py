"""A loan officer in a real Chromium registers a loan, checks the plan shown, and finds the
loan in the search."""

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_loan_see_its_plan_and_find_it(page, live_server, world):
    customer = CustomerFactory(name="马建国", village=world.village_a1, registered_by=world.officer_a)
    livestock = loan_type("畜牧业贷款")
    sign_in(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/loans/new/?customer={customer.pk}")
    page.fill("#id_iou_number", "GZ2026020001")
    page.select_option("#id_loan_type", str(livestock.pk))
    assert page.input_value("#id_method") == livestock.default_method  # the type's defaults are filled in
    page.fill("#id_amount", "50,000")
    page.fill("#id_annual_rate", "5.22")
    page.select_option("#id_method", "quarterly_interest")
    page.fill("#id_start_date", "2026-02-10")
    page.fill("#id_end_date", "2027-02-10")
    page.click("[data-testid=preview-plan]")
    table = page.wait_for_selector("#plan-preview [data-testid=schedule-table]")
    text = table.inner_text()
    assert "275.50" in text and "50,377.00" in text and "2027-02-10" in text
    page.click("[data-testid=loan-form] button[type=submit]")
    page.wait_for_selector("[data-testid=loan-record]")
    assert "659.75" in page.inner_text("[data-testid=schedule-table]")

    page.goto(f"{live_server.url}/loans/")
    page.fill("#id_customer", "马建")
    page.click("[data-testid=loan-search] button[type=submit]")
    page.wait_for_selector("[data-testid=loan-link]")
    assert page.inner_text("[data-testid=loan-table]").count("GZ2026020001") == 1
    assert "50,000.00" in page.inner_text("[data-testid=loan-totals]")


def test_a_hidden_column_stays_hidden_on_that_list(page, live_server, world):
    from datetime import date
    from decimal import Decimal

    from xindai.loans.tests.factories import make_loan

    customer = CustomerFactory(name="马建国", village=world.village_a1, registered_by=world.officer_a)
    make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="COL-1",
        amount=Decimal("1000.00"),
        annual_rate=Decimal("4.35"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 7, 1),
        method="bullet",
        loan_type=loan_type("畜牧业贷款"),
    )
    sign_in(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/loans/")
    page.click("[data-testid=columns-button]")
    page.uncheck("input[data-column='地址']")
    assert not page.is_visible("[data-testid=loan-table] th:has-text('地址')")
    page.reload()
    page.wait_for_selector("[data-testid=loan-table]")
    assert not page.is_visible("[data-testid=loan-table] th:has-text('地址')")
    assert page.is_visible("[data-testid=loan-table] th:has-text('贷款种类')")
    assert "COL-1" in page.inner_text("[data-testid=loan-table]")
    page.goto(f"{live_server.url}/customers/")  # another list keeps its own choice
    page.wait_for_selector("[data-testid=customer-table]")
    assert page.is_visible("[data-testid=customer-table] th:has-text('地址')") or "地址" not in page.inner_text(
        "[data-testid=customer-table] thead"
    )


def test_the_column_choice_follows_the_user_to_another_browser(browser, page, live_server, world):
    """显示列 is kept on the server: a fresh browser (no localStorage) of the same user hides the
    same column; another user's lists are untouched."""
    sign_in(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/repayments/")
    page.click("[data-testid=columns-button]")
    page.uncheck("input[data-column='地址']")
    page.wait_for_selector("[data-testid=due-table][data-columns-saved=yes]", state="attached")
    assert not page.is_visible("[data-testid=due-table] th:has-text('地址')")
    world.officer_a.refresh_from_db()
    assert world.officer_a.list_columns == {"due": ["地址"]}
    for username, hidden in (("officer_a", True), ("manager_a", False)):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        other = context.new_page()
        sign_in(other, live_server, username)
        other.goto(f"{live_server.url}/repayments/")
        other.wait_for_selector("[data-testid=columns-button]")
        assert other.is_visible("[data-testid=due-table] th:has-text('地址')") is not hidden, username
        context.close()
