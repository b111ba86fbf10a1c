"""Who sees which loan, plan and figure — every user kind, on the list, totals, detail, the
customer record and the home page."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment, Loan
from xindai.loans.selectors import overview_figures
from xindai.loans.tests.factories import make_loan


@pytest.fixture
def book(world):
    """One loan per officer; amounts tell them apart in the totals."""
    w = world
    specs = {
        "a": (w.village_a1, w.officer_a, "10000.00"),
        "a1": (w.village_a1b, w.officer_a1, "20000.00"),
        "a2": (w.village_a2, w.officer_a, "40000.00"),
        "b": (w.village_b1, w.officer_b, "80000.00"),
    }
    loans = {}
    for key, (village, officer, amount) in specs.items():
        customer = CustomerFactory(village=village, registered_by=officer)
        loans[key] = make_loan(w.admin, customer, officer, amount=Decimal(amount), iou_number=f"IOU-{key}-X")
    return loans


EXPECTED = {
    "admin": {"a", "a1", "a2", "b"},
    "leader": {"a", "a1", "a2", "b"},
    "manager_a": {"a", "a1", "a2"},
    "officer_a": {"a", "a2"},
    "officer_a1": {"a1"},
    "officer_b": {"b"},
    "county_user_a": {"a", "a1", "a2"},
    "township_user_a2": {"a2"},
    "village_user_a1": {"a"},
}


@pytest.mark.parametrize("user_kind", EXPECTED)
def test_loans_and_plans_in_scope(world, book, user_kind):
    user = getattr(world, user_kind)
    assert {k for k, loan in book.items() if Loan.objects.visible_to(user).filter(pk=loan.pk).exists()} == EXPECTED[
        user_kind
    ]
    expected_installments = sum(book[k].installments.count() for k in EXPECTED[user_kind])
    assert Installment.objects.visible_to(user).count() == expected_installments


@pytest.mark.parametrize("user_kind", EXPECTED)
def test_list_totals_detail_and_search_respect_scope(world, book, login, user_kind):
    client = login(getattr(world, user_kind))
    response = client.get(reverse("loans:list"))
    assert {loan.iou_number for loan in response.context["page"]} == {f"IOU-{k}-X" for k in EXPECTED[user_kind]}
    inside = sum(book[k].amount for k in EXPECTED[user_kind])
    assert response.context["totals"]["amount"] == inside
    assert response.context["totals"]["count"] == len(EXPECTED[user_kind])
    for key, loan in book.items():
        visible = key in EXPECTED[user_kind]
        assert client.get(reverse("loans:detail", args=[loan.pk])).status_code == (200 if visible else 404)
        found = client.get(reverse("loans:list"), {"iou_number": loan.iou_number}).context["totals"]["count"]
        assert found == (1 if visible else 0)


@pytest.mark.parametrize("user_kind", EXPECTED)
def test_home_page_figures_are_the_scopes(world, book, user_kind):
    figures = overview_figures(getattr(world, user_kind), date(2026, 3, 25))
    assert figures["loans"] == len(EXPECTED[user_kind])
    assert figures["disbursed"] == sum(book[k].amount for k in EXPECTED[user_kind])
    # On 2026-03-25 the first quarterly interest (due 2026-03-20) is unpaid: every loan is overdue.
    assert figures["overdue_loans"] == len(EXPECTED[user_kind])
    assert figures["overdue_outstanding"] == sum(book[k].amount for k in EXPECTED[user_kind])


def test_customer_record_lists_only_loans_in_scope(world, login):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    mine = make_loan(world.admin, customer, world.officer_a, iou_number="MINE")
    make_loan(world.admin, customer, world.officer_a1, iou_number="THEIRS", seq=2)
    page = login(world.officer_a).get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert mine.iou_number in page and "THEIRS" not in page
    assert "275.50" in page  # the plan is shown with the loan
