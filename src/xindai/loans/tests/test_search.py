"""Loan search criteria, totals of the filtered set, statuses and the fixed query count."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan


@pytest.fixture
def loans(world):
    today = timezone.localdate()
    w = world
    ma = CustomerFactory(name="马建国", village=w.village_a1, registered_by=w.officer_a)
    li = CustomerFactory(name="李明辉", village=w.village_a2, registered_by=w.officer_a1)
    zhao = CustomerFactory(name="赵天佑", village=w.village_b1, registered_by=w.officer_b)
    current = make_loan(
        w.admin,
        ma,
        iou_number="L-CURRENT",
        amount=Decimal("30000.00"),
        method="equal_installment",
        start_date=today - timedelta(days=10),
        end_date=_months(today - timedelta(days=10), 12),
    )
    overdue = make_loan(
        w.admin,
        li,
        iou_number="L-OVERDUE",
        amount=Decimal("60000.00"),
        start_date=date(2025, 1, 5),
        end_date=date(2026, 1, 5),
    )
    start = today - timedelta(days=5)
    other = make_loan(
        w.admin,
        zhao,
        iou_number="L-OTHER",
        amount=Decimal("90000.00"),
        method="bullet",
        loan_type=loan_type("个人经营贷款"),
        start_date=start,
        end_date=_months(start, 6),
    )
    return {"current": current, "overdue": overdue, "other": other}


def _months(start, n):
    from xindai.loans.schedule import add_months

    return add_months(start, n)


def found(client, **params):
    response = client.get(reverse("loans:list"), params)
    assert response.status_code == 200
    return {loan.iou_number for loan in response.context["page"]}, response.context["totals"]


@pytest.fixture
def admin_client(world, login):
    return login(world.admin)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"customer": "马"}, {"L-CURRENT"}),
        ({"iou_number": "over"}, {"L-OVERDUE"}),
        ({"method": "bullet"}, {"L-OTHER"}),
        ({"status": "overdue"}, {"L-OVERDUE"}),
        ({"status": "normal"}, {"L-CURRENT", "L-OTHER"}),
        ({"amount_min": "50000", "amount_max": "70000"}, {"L-OVERDUE"}),
        ({"start_to": "2025-12-31"}, {"L-OVERDUE"}),
        ({"due_within": "30"}, {"L-CURRENT"}),
    ],
)
def test_criteria_one_by_one(admin_client, loans, params, expected):
    assert found(admin_client, **params)[0] == expected


def test_region_branch_officer_and_id_number(admin_client, loans, world):
    assert found(admin_client, region=world.county_a.pk)[0] == {"L-CURRENT", "L-OVERDUE"}
    assert found(admin_client, region=world.village_a2.pk)[0] == {"L-OVERDUE"}
    assert found(admin_client, branch=world.branch_a.pk)[0] == {"L-CURRENT", "L-OVERDUE"}
    assert found(admin_client, branch=world.sub_branch_a1.pk)[0] == {"L-OVERDUE"}
    assert found(admin_client, officer=world.officer_b.pk)[0] == {"L-OTHER"}
    number = loans["other"].customer.id_number
    assert found(admin_client, id_number=number[-6:].lower())[0] == {"L-OTHER"}
    assert found(admin_client, loan_type=loan_type("个人经营贷款").pk)[0] == {"L-OTHER"}


def test_criteria_combine_and_totals_follow_the_filter(admin_client, loans, world):
    names, totals = found(admin_client, region=world.county_a.pk, status="normal")
    assert names == {"L-CURRENT"}
    assert (totals["count"], totals["amount"], totals["outstanding"]) == (1, Decimal("30000.00"), Decimal("30000.00"))
    _all, totals = found(admin_client)
    assert totals["amount"] == Decimal("180000.00")


@pytest.mark.parametrize("size", [20, 50])
def test_list_runs_a_fixed_number_of_queries(world, login, loans, django_assert_num_queries, size):
    client = login(world.manager_a)
    client.get(reverse("loans:list"))
    # session, user, branch subtree, totals (with the count), choices (types, branches, officers),
    # the page's ids, the page's rows
    with django_assert_num_queries(9):
        client.get(reverse("loans:list"), {"size": size})


def test_customers_with_loans_and_with_overdue_loans(world, login, loans):
    from xindai.customers.tests.factories import CustomerFactory

    CustomerFactory(name="王无贷", village=world.village_a1, registered_by=world.officer_a)
    client = login(world.admin)

    def names(**params):
        return {c.name for c in client.get(reverse("customers:list"), params).context["page"]}

    assert names(has_loans="true") == {"马建国", "李明辉", "赵天佑"}
    assert names(has_loans="false") == {"王无贷"}
    assert names(has_overdue="true") == {"李明辉"}
