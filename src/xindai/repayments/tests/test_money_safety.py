"""Money moves only through a confirming step, with an amount typed or accepted, oldest first.

Measured in #18: 还款确认 posted on the first click, an empty amount paid everything, and every
future installment had a 还款确认 button — period 2 was settled in full while period 1 was partly
paid. Now: the service refuses a later installment while an older one owes (one and batch), the
screen shows the figures before posting, the amount is required, and only the oldest installment
still owing has a button.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from xindai.core.errors import BusinessError
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import batch, services
from xindai.repayments.models import Repayment

D = Decimal
PAID_ON = date(2026, 3, 1)


@pytest.fixture
def monthly(world):
    """12,000.00 over 6 months from 2026-01-01, 等额本金: period 1 due 2026-02-01."""
    customer = CustomerFactory(name="王秀兰", village=world.village_a1, registered_by=world.officer_a)
    return make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="M-6",
        amount=D("12000.00"),
        annual_rate=D("4.35"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 7, 1),
        method="equal_principal",
        loan_type=loan_type("农户小额信用贷款"),
    )


def period(loan, n):
    return loan.installments.get(period=n, superseded_on__isnull=True)


def test_a_later_installment_cannot_be_paid_while_an_older_one_owes(world, monthly):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=period(monthly, 1).pk, amount=D("100.00"), paid_on=PAID_ON
    )
    with pytest.raises(BusinessError, match="第 1 期|1"):
        services.repayment_confirm(
            actor=world.officer_a, installment_id=period(monthly, 2).pk, amount=None, paid_on=PAID_ON
        )
    assert Repayment.objects.system("tests").count() == 1
    assert period(monthly, 2).settled_on is None


def test_a_batch_refuses_a_later_installment_without_the_older_one_and_takes_both(world, monthly):
    second = period(monthly, 2).pk
    with pytest.raises(BusinessError, match="M-6#2"):
        batch.repayments_confirm_batch(actor=world.officer_a, installment_ids=[second], paid_on=PAID_ON)
    assert not Repayment.objects.system("tests").exists()
    done = batch.repayments_confirm_batch(
        actor=world.officer_a, installment_ids=[period(monthly, 1).pk, second], paid_on=PAID_ON
    )
    assert done.count == 2


def test_only_the_oldest_installment_still_owing_has_a_confirm_button(world, login, monthly):
    client = login(world.officer_a)
    page = client.get(reverse("loans:detail", args=[monthly.pk])).content.decode()
    assert page.count('data-testid="plan-confirm"') == 1
    assert reverse("repayments:confirm", args=[period(monthly, 1).pk]) in page
    due = client.get(reverse("repayments:due"), {"as_of": "2026-06-01", "view": "due", "within": "90"})
    rows = {row.period: row.payable for row in due.context["page"].object_list if row.loan_id == monthly.pk}
    assert rows and all(payable == (n == 1) for n, payable in rows.items())


def test_the_confirm_page_refuses_a_later_installment_in_chinese(world, login, monthly):
    client = login(world.officer_a)
    url = reverse("repayments:confirm", args=[period(monthly, 2).pk])
    response = client.post(url, {"paid_on": PAID_ON, "amount": "100", "channel": "counter", "action": "confirm"})
    assert response.status_code == 200
    assert "先" in response.content.decode()
    assert not Repayment.objects.system("tests").exists()


def test_an_empty_amount_is_refused_not_read_as_pay_everything(world, login, monthly):
    client = login(world.officer_a)
    url = reverse("repayments:confirm", args=[period(monthly, 1).pk])
    page = client.get(url, {"paid_on": PAID_ON})
    assert page.context["form"].initial["amount"] == page.context["owing"].total  # prefilled, visibly
    response = client.post(url, {"paid_on": PAID_ON, "amount": "", "channel": "counter", "action": "confirm"})
    assert response.status_code == 200
    assert "请输入实收金额" in response.content.decode()
    assert not Repayment.objects.system("tests").exists()


def test_confirming_shows_the_split_first_and_posts_only_on_the_second_click(world, login, monthly):
    client = login(world.officer_a)
    url = reverse("repayments:confirm", args=[period(monthly, 1).pk])
    data = {"paid_on": PAID_ON, "amount": "1,000", "channel": "counter", "remark": ""}
    review = client.post(url, data)
    assert review.status_code == 200
    assert not Repayment.objects.system("tests").exists()
    preview = review.context["preview"]
    assert preview.total == D("1000.00")
    body = review.content.decode()
    assert 'data-testid="confirm-review"' in body and "1,000.00" in body
    done = client.post(url, {**data, "action": "confirm"})
    assert done.status_code == 302
    entry = Repayment.objects.system("tests").get()
    assert (entry.amount, entry.penalty, entry.compound, entry.interest, entry.principal) == (
        preview.total,
        preview.penalty,
        preview.compound,
        preview.interest,
        preview.principal,
    )


def test_a_reversal_shows_what_it_takes_back_before_it_is_made(world, login, monthly):
    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=period(monthly, 1).pk, amount=D("1234.50"), paid_on=PAID_ON
    )
    client = login(world.manager_a)
    url = reverse("repayments:reverse", args=[entry.pk])
    review = client.post(url, {"reason": "金额录错"})
    assert review.status_code == 200
    assert "-1,234.50" in review.content.decode()
    assert not Repayment.objects.system("tests").filter(reverses=entry).exists()
    assert client.post(url, {"reason": "金额录错", "action": "confirm"}).status_code == 302
    assert Repayment.objects.system("tests").filter(reverses=entry).exists()
