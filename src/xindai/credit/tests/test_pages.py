"""The credit pages through the client: a maker's page submits a request when the action needs
approval and runs it otherwise; the checker's inbox (fixed queries), bulk approval, 404 out of
scope; the settings page switches the policy; the loan page shows the credit panel."""

from datetime import date

import pytest
from django.urls import reverse

from xindai.credit.models import ApprovalPolicy, ApprovalRequest, CreditSettings, LoanChange, WriteOff
from xindai.credit.tests.helpers import D, loan_a, manager_b, on, require
from xindai.loans.models import Loan

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 1)


def _change(client, loan, new_end="2027-01-15"):
    return client.post(
        reverse("credit:change", args=[loan.pk]),
        {"kind": "extension", "effective_from": DAY.isoformat(), "new_end_date": new_end, "reason": "疫病减产"},
    )


def test_the_extension_page_runs_the_extension_when_no_approval_is_asked(world, login):
    loan = loan_a(world)
    with on(DAY):
        response = _change(login(world.officer_a), loan)
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.end_date == date(2027, 1, 15)


def test_the_extension_page_submits_a_request_under_approval_and_shows_refusals(world, login):
    loan = loan_a(world)
    require("extension")
    client = login(world.officer_a)
    with on(DAY):
        refused = _change(client, loan, new_end="2027-03-15")
        assert refused.status_code == 200 and "2027-01-15" in refused.content.decode()
        assert _change(client, loan).status_code == 302
    loan.refresh_from_db()
    assert loan.end_date == date(2026, 7, 15)
    request = ApprovalRequest.objects.system("tests").get()
    assert request.maker == world.officer_a and request.action == "extension"


def test_the_inbox_lists_requests_in_fixed_queries_and_bulk_approves(world, login, django_assert_max_num_queries):
    require("extension")
    loans = [loan_a(world) for _n in range(3)]
    maker = login(world.officer_a)
    with on(DAY):
        for loan in loans:
            assert _change(maker, loan).status_code == 302
    checker = login(world.manager_a)
    with on(DAY):
        with django_assert_max_num_queries(12):
            page = checker.get(reverse("credit:inbox"))
        assert page.content.decode().count('data-testid="request-row"') == 3
        home = checker.get(reverse("home")).content.decode()
        assert 'data-testid="card-approvals"' in home
        ids = list(ApprovalRequest.objects.system("tests").values_list("pk", flat=True))
        done = checker.post(reverse("credit:bulk"), {"ids": ids, "decision": "approve", "reason": "同意"})
    assert done.status_code == 302
    assert Loan.objects.system("tests").filter(end_date=date(2027, 1, 15)).count() == 3
    assert LoanChange.objects.system("tests").count() == 3


def test_an_out_of_scope_checker_gets_404_on_the_request(world, login):
    require("extension")
    loan = loan_a(world)
    with on(DAY):
        _change(login(world.officer_a), loan)
    request = ApprovalRequest.objects.system("tests").get()
    other = login(manager_b())
    assert other.get(reverse("credit:request", args=[request.pk])).status_code == 404
    response = other.post(reverse("credit:request", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert ApprovalRequest.objects.system("tests").get().status == "pending"


def test_the_checker_rejects_from_the_request_page_with_a_reason(world, login):
    require("extension")
    loan = loan_a(world)
    with on(DAY):
        _change(login(world.officer_a), loan)
    request = ApprovalRequest.objects.system("tests").get()
    checker = login(world.manager_a)
    with on(DAY):
        page = checker.get(reverse("credit:request", args=[request.pk])).content.decode()
        assert "2027-01-15" in page and 'data-testid="approve"' in page
        no_reason = checker.post(reverse("credit:request", args=[request.pk]), {"decision": "reject", "reason": ""})
        assert no_reason.status_code == 200
        checker.post(reverse("credit:request", args=[request.pk]), {"decision": "reject", "reason": "材料不全"})
    assert ApprovalRequest.objects.system("tests").get().status == "rejected"
    loan.refresh_from_db()
    assert loan.end_date == date(2026, 7, 15)


def test_the_settings_page_switches_the_policy_and_the_credit_settings(world, login):
    client = login(world.admin)
    data = {f"hours_{code}": "48" for code, _label in ApprovalPolicy._meta.get_field("action").choices}
    data.update({"required_extension": "on", "required_waiver": "on", "max_extensions": "2", "watch_months": "18"})
    response = client.post(reverse("credit:policy"), data)
    assert response.status_code == 302
    assert set(ApprovalPolicy.objects.filter(required=True).values_list("action", flat=True)) == {"extension", "waiver"}
    assert ApprovalPolicy.objects.get(action="extension").expiry_hours == 48
    row = CreditSettings.objects.get(pk=1)
    assert (row.max_extensions, row.watch_months) == (2, 18)
    data["watch_months"] = "6"  # the 2023 rules: at least a year
    assert client.post(reverse("credit:policy"), data).status_code == 200


def test_the_write_off_page_and_the_loan_page_show_the_write_off(world, login):
    loan = loan_a(world, start_date=date(2025, 1, 15), end_date=date(2025, 7, 15))
    client = login(world.manager_a)
    with on(DAY):
        page = client.get(reverse("credit:write_off", args=[loan.pk])).content.decode()
        assert "931.33" in page and "210.00" in page
        assert client.post(reverse("credit:write_off", args=[loan.pk]), {"reason": "无财产可供执行"}).status_code == 302
        detail = client.get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert WriteOff.objects.system("tests").get().principal == D("12000.00")
    assert 'data-testid="status-written-off"' in detail and 'data-testid="written-off"' in detail
    register = client.get(reverse("credit:write_offs"), {"from": "2026-01-01", "to": "2026-12-31"}).content.decode()
    assert "12,000.00" in register


def test_the_waiver_page_records_a_waiver_shown_in_the_report(world, login):
    loan = loan_a(world)
    first = loan.installments.get(period=1)
    client = login(world.manager_a)
    with on(DAY):
        page = client.get(reverse("credit:waive", args=[first.pk])).content.decode()
        assert "7.00" in page and 'name="interest"' not in page  # interest waivers are off by default
        response = client.post(reverse("credit:waive", args=[first.pk]), {"penalty": "5.00", "reason": "协商"})
        assert response.status_code == 302
    report = client.get(reverse("credit:waivers"), {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert "5.00" in report and "协商" in report


def test_the_transfer_page_moves_an_officers_loans(world, login):
    loans = [loan_a(world), loan_a(world)]
    client = login(world.manager_a)
    with on(DAY):
        response = client.post(
            reverse("credit:transfer"),
            {
                "from_officer": world.officer_a.pk,
                "officer": world.officer_a1.pk,
                "effective_from": DAY.isoformat(),
                "reason": "调岗",
            },
        )
    assert response.status_code == 302
    assert {Loan.objects.system("tests").get(pk=loan.pk).officer_id for loan in loans} == {world.officer_a1.pk}
