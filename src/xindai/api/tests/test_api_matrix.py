"""The API's permission matrix: user kind × /api/v1 URL pattern × method × expected status, in
the style of tests/test_permission_matrix.py (whose world it builds), walking the resolver so that
no API pattern is forgotten. Every user calls with a token of their own; "anonymous" sends none.

Statuses: 401 without a token, 404 outside the user's data scope, 403 inside it without the
permission, 405 a method the endpoint does not take, 200/201 otherwise. A refused write changes
nothing in the database (the same fingerprint of every business table), and its body is RFC 9457
problem JSON.
"""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from xindai.conftest import module_transaction
from xindai.tests.test_permission_matrix import TODAY, USERS, _build, _fingerprint, pk, s

# The API's own pages (tokens, the documentation readers) are signed-in pages: the page matrix has them.
PAGES = {"api:tokens", "api:token_revoke", "api:swagger"}
REFUSED = {401, 403, 404, 405}
ALL = s(401, 200, 200, 200, 200, 200, 200)
NO_POST = s(401, 405, 405, 405, 405, 405, 405)
NO_GET = NO_POST
WRITERS = s(401, 201, 403, 201, 201, 403, 403)  # admin, manager, officer


@dataclass
class Row:
    name: str
    method: str
    statuses: tuple[int, ...]
    url: Any = None
    data: Any = None
    note: str = ""

    def path(self, o) -> str:
        return self.url(o) if self.url else reverse(self.name)


def u(name, *args, query=""):
    return lambda o: reverse(name, args=[a(o) if callable(a) else a for a in args]) + query


def w(attr):
    return lambda o: getattr(o.world, attr).pk


def customer_body(o):
    from xindai.customers.tests.factories import make_id_number

    return {
        "name": "接口客户",
        "id_number": make_id_number(9001),
        "mobile": "13912345678",
        "village": o.world.village_a1.pk,
        "registered_branch": o.world.branch_a.pk,
        "registered_by": o.world.officer_a.pk,
    }


def loan_body(o):
    return {
        "customer": o["mine"].pk,
        "iou_number": "API-1",
        "loan_type": o["type"].pk,
        "amount": "50000.00",
        "annual_rate": "5.22",
        "method": "quarterly_interest",
        "start_date": TODAY.isoformat(),
        "end_date": TODAY.replace(year=TODAY.year + 1).isoformat(),
        "handling_branch": o.world.branch_a.pk,
        "officer": o.world.officer_a.pk,
    }


def contact_body(o):
    from xindai.customers.models import ContactChannel

    return {
        "customer": o["mine"].pk,
        "contacted_at": f"{TODAY.isoformat()} 10:00",
        "channel": ContactChannel.objects.order_by("pk").first().pk,
        "subject": "电话回访",
    }


def pay(key):
    return lambda o: {"installment": o[key].pk, "paid_on": TODAY.isoformat(), "amount": "1.00"}


MATRIX: list[Row] = [
    Row("api:schema", "GET", ALL),
    Row("api:schema", "POST", NO_POST),
    Row("api:customers", "GET", ALL),
    Row("api:customers", "GET", ALL, url=u("api:customers", query="?name=王&has_loans=true"), note="filters"),
    Row("api:customers", "POST", WRITERS, data=customer_body),
    Row("api:customer", "GET", s(401, 200, 200, 200, 200, 200, 404), url=u("api:customer", pk("mine"))),
    Row("api:customer", "GET", s(401, 200, 200, 404, 404, 404, 404), url=u("api:customer", pk("other"))),
    Row("api:customer", "POST", s(401, 405, 405, 405, 405, 405, 405), url=u("api:customer", pk("mine"))),
    Row(
        "api:customer",
        "PATCH",
        s(401, 200, 403, 200, 200, 403, 404),
        url=u("api:customer", pk("mine")),
        data=lambda o: {"remarks": "接口修改"},
    ),
    Row(
        "api:customer",
        "PATCH",
        s(401, 200, 403, 404, 404, 404, 404),
        url=u("api:customer", pk("other")),
        data=lambda o: {"remarks": "接口修改"},
    ),
    Row("api:loans", "GET", ALL),
    Row("api:loans", "POST", WRITERS, data=loan_body),
    Row("api:loan_preview", "GET", NO_GET),
    Row("api:loan_preview", "POST", s(401, 200, 403, 200, 200, 403, 403), data=loan_body),
    Row("api:loan", "GET", s(401, 200, 200, 200, 200, 200, 404), url=u("api:loan", pk("my_loan"))),
    Row("api:loan", "GET", s(401, 200, 200, 404, 404, 404, 404), url=u("api:loan", pk("other_loan"))),
    Row("api:loan", "POST", NO_POST, url=u("api:loan", pk("my_loan"))),
    Row("api:installments", "GET", ALL),
    Row("api:installments", "GET", ALL, url=u("api:installments", query="?view=due&within=60"), note="due"),
    Row("api:installments", "POST", NO_POST),
    Row("api:repayments", "GET", NO_GET),
    Row("api:repayments", "POST", s(401, 201, 403, 201, 201, 403, 403), data=pay("my_first")),
    Row("api:repayments", "POST", s(401, 201, 403, 404, 404, 403, 403), data=pay("other_first"), note="other"),
    Row("api:repayment_batch", "GET", NO_GET),
    Row(
        "api:repayment_batch",
        "POST",
        WRITERS,
        data=lambda o: {"installments": [o["my_first"].pk], "paid_on": TODAY.isoformat()},
    ),
    Row(
        "api:repayment_batch",
        "POST",
        s(401, 201, 403, 422, 422, 403, 403),
        data=lambda o: {"installments": [o["other_first"].pk], "paid_on": TODAY.isoformat()},
        note="other",
    ),
    Row("api:repayment_reverse", "GET", NO_GET, url=u("api:repayment_reverse", pk("my_repayment"))),
    Row(
        "api:repayment_reverse",
        "POST",
        s(401, 201, 403, 201, 403, 403, 404),
        url=u("api:repayment_reverse", pk("my_repayment")),
        data=lambda o: {"reason": "录错"},
    ),
    Row(
        "api:repayment_reverse",
        "POST",
        s(401, 201, 403, 404, 404, 404, 404),
        url=u("api:repayment_reverse", pk("other_repayment")),
        data=lambda o: {"reason": "录错"},
    ),
    Row("api:contacts", "GET", ALL),
    Row("api:contacts", "POST", WRITERS, data=contact_body),
    Row("api:messages", "GET", s(401, 200, 200, 200, 200, 403, 403)),
    Row("api:messages", "POST", WRITERS, data=lambda o: {"customer": o["mine"].pk, "text": "您好"}),
    Row(
        "api:messages",
        "POST",
        s(401, 201, 403, 404, 404, 403, 403),
        data=lambda o: {"customer": o["other"].pk, "text": "您好"},
        note="other",
    ),
    Row("api:report", "GET", ALL, url=u("api:report", "balance", query="?group=village")),
    Row("api:report", "GET", ALL, url=u("api:report", "collection", query="?group=customer"), note="customer"),
    Row("api:report", "POST", NO_POST, url=u("api:report", "balance")),
    Row("api:regions", "GET", ALL),
    Row("api:regions", "POST", NO_POST),
    Row("api:branches", "GET", ALL),
    Row("api:branches", "POST", NO_POST),
    Row("api:loan_types", "GET", ALL),
    Row("api:loan_types", "POST", NO_POST),
    Row("api:not_found", "GET", s(404, 404, 404, 404, 404, 404, 404), url=lambda o: "/api/v1/customers/-1/"),
    Row("api:not_found", "POST", s(404, 404, 404, 404, 404, 404, 404), url=lambda o: "/api/v1/nothing/"),
]


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    from xindai.api.services import token_create
    from xindai.conftest import build_world

    with django_db_blocker.unblock(), module_transaction():
        objects = _build(build_world())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        objects.client = Client()
        for kind in USERS[1:]:
            user = getattr(objects.world, kind)
            objects.sessions[kind] = token_create(actor=user, user=user, name="matrix", days=30, allowed_ips=[])[1]
        yield objects
        transaction.set_rollback(True)


def call(client, method: str, path: str, token: str | None, data=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(path, **headers)
    payload = json.dumps(data if data is not None else {})
    return getattr(client, method.lower())(path, payload, content_type="application/json", **headers)


def _request(row: Row, kind: str, o, *, refused: bool):
    with module_transaction():
        path = row.path(o)
        data = row.data(o) if row.data else None
        check = row.method != "GET" and refused
        before = _fingerprint() if check else {}
        response = call(o.client, row.method, path, o.sessions.get(kind), data)
        after = _fingerprint() if check else {}
        transaction.set_rollback(True)
    return response, sorted(t for t in after if after[t] != before[t])


def _row_id(row: Row) -> str:
    return f"{row.method}-{row.name}{'-' + row.note if row.note else ''}-{MATRIX.index(row)}"


@pytest.mark.parametrize("row", MATRIX, ids=_row_id)
def test_api_matrix(db, api_world, row):
    wrong = []
    for kind, expected in zip(USERS, row.statuses, strict=True):
        response, changed = _request(row, kind, api_world, refused=expected in REFUSED or expected >= 400)
        if response.status_code != expected:
            wrong.append(f"{kind}: {response.status_code} (expected {expected}) {response.content.decode()[:400]}")
        if changed:
            wrong.append(f"{kind}: refused with {response.status_code} but changed {changed}")
        if response.status_code >= 400:
            problem = response.json()
            if response["Content-Type"] != "application/problem+json" or problem.get("status") != expected:
                wrong.append(f"{kind}: not problem JSON: {response['Content-Type']} {problem}")
            elif not problem.get("detail"):
                wrong.append(f"{kind}: problem without detail")
    assert wrong == [], f"{row.method} {row.path(api_world)}"


def _api_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace == "api":
            yield f"api:{pattern.name}"


def test_every_api_pattern_has_its_rows():
    names = set(_api_names(get_resolver().url_patterns)) - PAGES
    rows = {(row.name, row.method) for row in MATRIX}
    missing = [f"{method} {name}" for name in sorted(names) for method in ("GET", "POST") if (name, method) not in rows]
    assert missing == []
    assert sorted({row.name for row in MATRIX} - names) == []
