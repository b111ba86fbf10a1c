"""API speed over the bench book (100,000 loans, ~1.5 million installments), as real requests
through the whole stack (token authentication, the rate limit, one ApiTokenUse row per request):

- GET /api/v1/installments/ overdue, 100 a page, walking 50 pages by cursor: median and p95 per request;
- POST /api/v1/repayments/ 1,000 times one by one, each with its own Idempotency-Key, each
  settling one overdue installment of a different loan: median and p95 per request. They run in
  one transaction rolled back at the end (like repayment_batch), so the book stays as it was and
  the benchmark can run again; each request's own commit is therefore not in the figures.
"""

import statistics
import time

from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from xindai.core.benchmarking import rolled_back
from xindai.loans.benchmarks import ensure_book
from xindai.loans.models import Installment
from xindai.org.models import User

PAGES = 50
POSTS = 1000
GET_TARGET_MS = 300
POST_TARGET_MS = 100


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _line(stdout, label: str, samples: list[float], target: float) -> None:
    median, p95 = statistics.median(samples), _p95(samples)
    verdict = "within" if p95 <= target else "OVER"
    stdout.write(
        f"   {label}: {len(samples):,} requests, median {median:.1f} ms, p95 {p95:.1f} ms "
        f"({verdict} the {target:g} ms target for p95)"
    )


def api_requests(*, stdout, scale: float) -> None:
    from xindai.api.services import token_create

    ensure_book(stdout, scale)
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, API_RATE_LIMIT="1000000/m"):
        with rolled_back():
            secret = token_create(actor=admin, user=admin, name="bench", days=1, allowed_ips=[])[1]
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            _overdue_pages(stdout, client)
            _repayments(stdout, client, today, scale)
            transaction_rollback()


def transaction_rollback() -> None:
    from django.db import transaction

    transaction.set_rollback(True)


def _overdue_pages(stdout, client) -> None:
    url = reverse("api:installments")
    client.get(url, {"size": 100})  # warm-up
    samples, cursor = [], ""
    for _page in range(PAGES):
        params = {"size": 100, **({"cursor": cursor} if cursor else {})}
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} {params} answered {response.status_code}: {response.content[:300]}")
        cursor = response.json()["next"]
        if not cursor:
            break
    _line(stdout, "GET overdue installments, 100 a page, by cursor", samples, GET_TARGET_MS)


def _repayments(stdout, client, today, scale: float) -> None:
    import json

    count = max(20, int(POSTS * min(scale, 1)))
    rows = list(
        Installment.objects.filter(settled_on__isnull=True, superseded_on__isnull=True, payable_on__lt=today)
        .order_by("loan_id", "period")
        .distinct("loan_id")
        .values_list("pk", flat=True)[:count]
    )
    url = reverse("api:repayments")
    samples = []
    for number, installment in enumerate(rows):
        body = json.dumps({"installment": installment, "paid_on": today.isoformat()})
        started = time.perf_counter()
        response = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"bench-{number}")
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:
            raise RuntimeError(f"POST {url} {body} answered {response.status_code}: {response.content[:300]}")
    _line(stdout, "POST repayments one by one (Idempotency-Key each)", samples, POST_TARGET_MS)


BENCHMARKS = [("api_requests", api_requests)]
