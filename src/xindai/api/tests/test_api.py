"""Tokens (expiry, revocation, address, audit of each use), problem JSON, masking, money and
dates, cursor pages, idempotent writes (also when two requests race) and the rate limit."""

import json
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xindai.api.models import ApiToken, ApiTokenUse
from xindai.api.services import token_create, token_revoke
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import make_loan
from xindai.repayments.models import Repayment


def token(user, **kwargs):
    kwargs.setdefault("days", 30)
    kwargs.setdefault("allowed_ips", [])
    return token_create(actor=user, user=user, name="测试", **kwargs)


def get(path, secret, **extra):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)


def post(path, secret, data, **extra):
    return Client().post(
        path, json.dumps(data), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}", **extra
    )


@pytest.fixture
def book(world):
    mine = CustomerFactory(village=world.village_a1, registered_by=world.officer_a, mobile="13900000011")
    loan = make_loan(world.admin, mine, world.officer_a, iou_number="T-1")
    return mine, loan


def test_a_token_acts_as_its_user_and_each_use_is_recorded(world):
    row, secret = token(world.officer_a)
    assert secret.startswith("xd_") and row.secret_hash not in secret and secret not in row.secret_hash
    response = get(reverse("api:branches"), secret)
    assert response.status_code == 200
    get(reverse("api:branches"), secret)
    uses = list(ApiTokenUse.objects.filter(token=row).values_list("method", "path", "status"))
    assert uses == [("GET", "/api/v1/branches/", 200)] * 2
    row.refresh_from_db()
    assert row.last_used_at is not None and row.last_used_ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ("expired", 401, "此 API 令牌已过期。"),
        ("revoked", 401, "此 API 令牌已被吊销。"),
        ("address", 403, "您的地址不能使用此 API 令牌。"),
        ("wrong", 401, "API 令牌无效。"),
    ],
)
def test_expired_revoked_wrong_address_and_unknown_tokens_are_refused(world, change, status, detail):
    row, secret = token(world.officer_a, allowed_ips=["10.9.0.0/16"] if change == "address" else [])
    if change == "expired":
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif change == "revoked":
        token_revoke(actor=world.officer_a, token_id=row.pk)
    elif change == "wrong":
        secret = secret[:-2] + "zz"
    response = get(reverse("api:customers"), secret)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == detail
    assert response.json()["status"] == status
    uses = list(ApiTokenUse.objects.filter(token=row).values_list("status", flat=True))
    assert uses == ([] if change == "wrong" else [status])  # a refused use of a real token is recorded


def test_an_allowed_address_passes(world):
    _row, secret = token(world.officer_a, allowed_ips=["127.0.0.1"])
    assert get(reverse("api:customers"), secret).status_code == 200


def test_only_the_user_or_a_user_manager_revokes_a_token(world):
    from xindai.core.errors import BusinessError

    row, _secret = token(world.officer_a)
    with pytest.raises(BusinessError):
        token_revoke(actor=world.manager_a, token_id=row.pk)
    token_revoke(actor=world.admin, token_id=row.pk)  # system.manage_users
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == world.admin


def test_personal_data_is_masked_as_on_the_pages(world, book):
    mine, _loan = book
    _row, officer = token(world.officer_a)  # customers.view_personal
    _row, county = token(world.county_user_a)  # without it
    full = get(reverse("api:customer", args=[mine.pk]), officer).json()
    masked = get(reverse("api:customer", args=[mine.pk]), county).json()
    assert full["id_number"] == mine.id_number and full["mobile"] == "13900000011"
    assert masked["id_number"] == mine.id_number[:4] + "*" * 10 + mine.id_number[-4:]
    assert masked["mobile"] == "139****0011"
    # A search by more than the visible tail matches nothing for who sees the mask.
    found = get(reverse("api:customers") + f"?id_number={mine.id_number[-8:]}", county).json()["results"]
    assert found == []
    rows = get(reverse("api:installments") + "?view=due&within=366", county).json()["results"]
    assert rows and all(row["mobile"] == "139****0011" for row in rows)
    assert "arrears_on" not in rows[0]  # the split of arrears is the overdue list's


def test_money_as_strings_with_two_decimals_and_iso_dates(world, book):
    _mine, loan = book
    _row, secret = token(world.officer_a)
    data = get(reverse("api:loan", args=[loan.pk]), secret).json()
    assert data["amount"] == f"{loan.amount:.2f}" and isinstance(data["amount"], str)
    assert data["start_date"] == loan.start_date.isoformat()
    assert data["plan"] and all(len(row["principal"].split(".")[1]) == 2 for row in data["plan"])
    assert [v["number"] for v in data["plan_versions"]] == [1]


def test_invalid_input_is_a_problem_with_chinese_field_errors_and_writes_nothing(world, book):
    mine, _loan = book
    _row, secret = token(world.officer_a)
    before = Repayment.objects.visible_to(world.admin).count()
    response = post(reverse("api:repayments"), secret, {"installment": 0, "paid_on": "2026-13-01"})
    assert response.status_code == 404
    first = mine.loans.visible_to(world.admin).get().installments.get(period=1)
    response = post(reverse("api:repayments"), secret, {"installment": first.pk, "paid_on": "not a date"})
    problem = response.json()
    assert response.status_code == 400 and problem["errors"][0]["field"] == "paid_on"
    assert problem["title"] == "请求数据有误" and "日期" in problem["errors"][0]["detail"]
    assert Repayment.objects.visible_to(world.admin).count() == before
    response = get(reverse("api:customers") + "?created_from=yesterday", secret)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "created_from"


def test_cursor_pages_walk_the_whole_list_once(world):
    for _n in range(5):
        CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    _row, secret = token(world.officer_a)
    seen, path = [], reverse("api:customers") + "?size=2"
    while path:
        page = get(path, secret).json()
        seen += [row["id"] for row in page["results"]]
        path = reverse("api:customers") + f"?size=2&cursor={page['next']}" if page["next"] else None
    assert len(seen) == len(set(seen)) == 5 and seen == sorted(seen, reverse=True)
    assert get(reverse("api:customers") + "?cursor=garbage", secret).status_code == 400


def test_overdue_installments_with_what_they_owe_as_of_a_date(world, book):
    from xindai.repayments.services import owing_on

    _mine, loan = book
    first = loan.installments.get(period=1)
    as_of = first.payable_on + timedelta(days=40)
    _row, secret = token(world.officer_a)
    rows = get(reverse("api:installments") + f"?view=overdue&as_of={as_of.isoformat()}", secret).json()["results"]
    row = next(r for r in rows if r["id"] == first.pk)
    owing = owing_on(first, as_of)
    assert row["total_owed"] == f"{owing.total:.2f}" and row["compound_owed"] == f"{owing.compound:.2f}"
    assert Decimal(row["penalty_owed"]) + Decimal(row["compound_owed"]) > 0
    assert Decimal(row["arrears_on"]) + Decimal(row["arrears_off"]) == (
        Decimal(row["interest_owed"]) + Decimal(row["penalty_owed"]) + Decimal(row["compound_owed"])
    )


def test_every_report_by_every_grouping(world, book):
    _row, secret = token(world.admin)
    for kind in ("disbursement", "collection", "balance", "quality"):
        for group in ("customer", "village", "township", "county", "branch", "officer"):
            response = get(reverse("api:report", args=[kind]) + f"?group={group}", secret)
            assert response.status_code == 200, (kind, group, response.content)
            assert response.json()["group"] == group
    balance = get(reverse("api:report", args=["balance"]) + "?group=county", secret).json()
    assert balance["total"]["outstanding_principal"] == "50000.00"
    assert get(reverse("api:report", args=["nonsense"]), secret).status_code == 404


def _pay_body(loan):
    first = loan.installments.get(period=1)
    return {"installment": first.pk, "paid_on": first.due_date.isoformat(), "amount": "10.00"}


def test_the_same_idempotency_key_and_body_post_once_and_answer_the_first_result(world, book):
    _mine, loan = book
    _row, secret = token(world.officer_a)
    body = _pay_body(loan)
    first = post(reverse("api:repayments"), secret, body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(reverse("api:repayments"), secret, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Repayment.objects.visible_to(world.admin).filter(loan=loan).count() == 1
    other = post(reverse("api:repayments"), secret, {**body, "amount": "11.00"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    typo = post(reverse("api:repayments"), secret, {**body, "paid_on": "2026-02-30"}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert typo.status_code == 400  # nothing ran: the key is still free for the corrected body
    fresh = post(reverse("api:repayments"), secret, body, HTTP_IDEMPOTENCY_KEY="k-2")
    assert fresh.status_code == 201
    assert Repayment.objects.visible_to(world.admin).filter(loan=loan).count() == 2


def test_a_loan_created_twice_with_one_key_is_one_loan(world, book):
    from xindai.api.tests.test_api_matrix import loan_body
    from xindai.loans.models import Loan

    mine, _loan = book

    class Objects(dict):
        pass

    o = Objects(mine=mine, type=_loan.loan_type)
    o.world = world
    _row, secret = token(world.officer_a)
    body = loan_body(o)
    first = post(reverse("api:loans"), secret, body, HTTP_IDEMPOTENCY_KEY="loan-1")
    again = post(reverse("api:loans"), secret, body, HTTP_IDEMPOTENCY_KEY="loan-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Loan.objects.visible_to(world.admin).filter(iou_number="API-1").count() == 1
    preview = post(reverse("api:loan_preview"), secret, body).json()
    assert preview["totals"]["principal"] == "50000.00" and preview["rows"]


@pytest.mark.django_db(transaction=True)
def test_two_racing_requests_with_one_key_post_once(world):
    from xindai.loans.tests.factories import loan_type, seeded_calendar_and_lpr

    seeded_calendar_and_lpr()
    loan_type()
    mine = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    loan = make_loan(world.admin, mine, world.officer_a, iou_number="R-1")
    _row, secret = token(world.officer_a)
    body, barrier, answers = _pay_body(loan), threading.Barrier(2), []

    def pay():
        barrier.wait()
        try:
            answers.append(post(reverse("api:repayments"), secret, body, HTTP_IDEMPOTENCY_KEY="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Repayment.objects.visible_to(world.admin).filter(loan=loan).count() == 1


def test_the_rate_limit_is_per_token(world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/m"
    _row, one = token(world.officer_a)
    _row, two = token(world.officer_a)
    statuses = [get(reverse("api:branches"), one).status_code for _n in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = get(reverse("api:branches"), one)
    assert limited["Content-Type"] == "application/problem+json" and "Retry-After" in limited
    assert get(reverse("api:branches"), two).status_code == 200
    cache.clear()


def test_batch_settles_in_full_and_reverse_answers_the_reversal(world, book):
    _mine, loan = book
    _row, secret = token(world.manager_a)
    first = loan.installments.get(period=1)
    done = post(
        reverse("api:repayment_batch"), secret, {"installments": [first.pk], "paid_on": first.due_date.isoformat()}
    )
    assert done.status_code == 201 and done.json()["count"] == 1
    entry = Repayment.objects.visible_to(world.admin).get(installment=first)
    assert done.json()["total"] == f"{entry.amount:.2f}"
    reversal = post(reverse("api:repayment_reverse", args=[entry.pk]), secret, {"reason": "录错"})
    assert reversal.status_code == 201 and Decimal(reversal.json()["amount"]) == -entry.amount
    again = post(reverse("api:repayment_reverse", args=[entry.pk]), secret, {"reason": "录错"})
    assert again.status_code == 422 and again.json()["detail"]


def test_list_pages_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _n in range(3):
        customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
        make_loan(world.admin, customer, world.officer_a)
    _row, secret = token(world.officer_a)
    for name in ("api:customers", "api:loans", "api:installments", "api:contacts", "api:messages"):
        with django_assert_max_num_queries(14):
            assert get(reverse(name) + "?size=100", secret).status_code == 200


def test_the_schema_and_the_documentation_pages(world, client):
    _row, secret = token(world.officer_a)
    schema = get(reverse("api:schema"), secret)
    assert schema.status_code == 200 and "/api/v1/installments/" in schema.json()["paths"]
    client.force_login(world.officer_a)
    page = client.get(reverse("api:swagger"))
    assert page.status_code == 200 and b"cdn" not in page.content.lower()
    assert "unsafe-inline" not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    script = client.get(reverse("api:swagger") + "?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    assert client.get(reverse("api:tokens")).status_code == 200
