"""In a real Chromium a loan officer opens the overdue list, confirms one repayment in part,
then settles two installments in one batch after reading its summary."""

from datetime import date
from decimal import Decimal

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments.models import Repayment
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _bullet(world, name, iou):
    customer = CustomerFactory(name=name, village=world.village_a1, registered_by=world.officer_a)
    return make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number=iou,
        amount=Decimal("10000.00"),
        annual_rate=Decimal("4.35"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 4, 1),
        method="bullet",
        loan_type=loan_type("农户小额信用贷款"),
    )


def test_confirm_one_repayment_then_a_batch(page, live_server, world):
    ma = _bullet(world, "马建国", "BR-MA")
    _bullet(world, "李明辉", "BR-LI")
    _bullet(world, "王秀英", "BR-WANG")
    sign_in(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/repayments/?as_of=2026-05-01")
    totals = page.inner_text("[data-testid=due-totals]")
    assert "30,491.16" in totals  # 3 × 10,163.72: principal, interest, penalty and compound on 2026-05-01

    page.goto(f"{live_server.url}/repayments/?as_of=2026-05-01&iou_number=BR-MA")
    page.click("[data-testid=confirm-link]")
    page.wait_for_selector("[data-testid=confirm-form]")
    page.fill("#id_paid_on", "2026-05-01")
    page.dispatch_event("#id_paid_on", "change")
    page.wait_for_function("() => document.querySelector('[data-testid=owing-total]').innerText.includes('10,163.72')")
    page.fill("#id_amount", "100")
    page.click("[data-testid=review-submit]")  # the confirming step shows the split first
    page.wait_for_selector("[data-testid=confirm-review]")
    assert "100.00" in page.inner_text("[data-testid=review-amount]")
    page.click("[data-testid=confirm-submit]")
    page.wait_for_selector(".alert-success")
    entry = Repayment.objects.system("tests").get(loan=ma)
    assert (entry.penalty, entry.compound, entry.interest) == (Decimal("54.38"), Decimal("0.59"), Decimal("45.03"))

    page.goto(f"{live_server.url}/repayments/?as_of=2026-05-01&customer=王")
    page.check("input[name=ids]")
    page.goto(f"{live_server.url}/repayments/?as_of=2026-05-01")
    boxes = page.locator("[data-testid=due-row]")
    for index in range(boxes.count()):
        row = boxes.nth(index)
        if "BR-MA" not in row.inner_text():
            row.locator("input[name=ids]").check()
    page.click("[data-testid=batch-selected]")
    page.wait_for_selector("[data-testid=batch-summary]")
    page.fill("#id_paid_on", "2026-05-01")
    page.click("button[value=summary]")
    page.wait_for_selector("[data-testid=batch-summary]")
    assert "20,327.44" in page.inner_text("[data-testid=batch-total]")
    page.click("[data-testid=batch-confirm]")
    page.wait_for_selector(".alert-success")
    assert Repayment.objects.system("tests").count() == 3
    assert set(
        Repayment.objects.system("tests").filter(amount=Decimal("10163.72")).values_list("loan__iou_number", flat=True)
    ) == {
        "BR-LI",
        "BR-WANG",
    }
