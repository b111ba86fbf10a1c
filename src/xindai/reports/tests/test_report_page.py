"""The report page over many rows: 100 rows a page with the totals of all of them, every row on
the print view, and a fixed number of queries whatever the number of rows (3,000 customers
grouped by 客户 took 8 s to render: each cell looked its figure up in a loop over the row)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan

D = Decimal


@pytest.fixture
def many_borrowers(world):
    kind = loan_type("短期周转贷款")
    for n in range(25):
        customer = CustomerFactory(name=f"借款人{n:02d}", village=world.village_a1, registered_by=world.officer_a)
        make_loan(
            world.admin,
            customer,
            world.officer_a,
            iou_number=f"R{n:02d}",
            amount=D("1000.00") + n,
            annual_rate=D("4.35"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 4, 1),
            method="bullet",
            loan_type=kind,
        )


def _get(client, **params):
    return client.get(
        reverse("reports:report"), {"kind": "balance", "group": "customer", "as_of": "2026-02-01", **params}
    )


@pytest.mark.django_db
def test_a_page_shows_its_rows_and_the_totals_of_all(world, login, many_borrowers):
    response = _get(login(world.admin), size=20)
    html = response.content.decode()
    assert html.count('data-testid="report-row"') == 20
    assert "1–20" in html and "25" in html
    total = sum(D("1000.00") + n for n in range(25))
    assert response.context["report"].total["outstanding_principal"] == total
    second = _get(login(world.admin), size=20, page=2).content.decode()
    assert second.count('data-testid="report-row"') == 5


@pytest.mark.django_db
def test_the_print_view_has_every_row(world, login, many_borrowers):
    html = _get(login(world.admin), size=20, print="1").content.decode()
    assert html.count('data-testid="report-row"') == 25


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_five_rows_as_for_twenty_five(world, login, many_borrowers):
    client = login(world.admin)
    _get(client)
    with CaptureQueriesContext(connection) as few:
        _get(client, size=20, page=2)
    with CaptureQueriesContext(connection) as many:
        _get(client, print="1")
    assert len(few) == len(many)


def test_the_charts_page_switches_report_and_keeps_the_filters(world, login, many_borrowers):
    client = login(world.admin)
    url = reverse("reports:charts")
    quality = client.get(url, {"kind": "quality", "as_of": "2026-11-30", "branch": world.branch_a.pk})
    page = quality.content.decode()
    assert 'data-testid="charts-form"' in page and '<option value="quality" selected>' in page
    assert f'<input type="hidden" name="branch" value="{world.branch_a.pk}">' in page
    balance = client.get(url, {"kind": "balance", "as_of": "2026-11-30", "branch": world.branch_a.pk})
    assert balance.context["kind"] == "balance" and len(balance.context["trend"]) == 12
    assert '<option value="balance" selected>' in balance.content.decode()
    disbursement = client.get(url, {"kind": "disbursement", "date_from": "2026-01-01", "date_to": "2026-12-01"})
    assert disbursement.context["kind"] == "disbursement" and 'name="date_from"' in disbursement.content.decode()
