"""Repayment speed over a book of a million installments or more (PostgreSQL):

- the due and overdue lists: the first page with its totals (penalty and compound interest
  as of the date included), as real requests, database time;
- a batch confirmation of 1,000 overdue installments, all in one transaction (rolled back
  afterwards so the benchmark can be run again on the same book), wall-clock time.
"""

import statistics
import time
from datetime import timedelta

from django.utils import timezone

from xindai.core.benchmarking import bench_list_page, rolled_back, timed_queries
from xindai.loans.benchmarks import ensure_book
from xindai.loans.models import Installment
from xindai.org.models import User
from xindai.repayments import batch

LIST_TARGET_MS = 300
BATCH_TARGET_S = 5
BATCH_SIZE = 1000


def repayment_list(*, stdout, scale: float) -> None:
    ensure_book(stdout, scale)
    today = timezone.localdate()
    overdue = Installment.objects.filter(settled_on__isnull=True, due_date__lt=today).count()
    stdout.write(
        f"   {Installment.objects.count():,} installments, {overdue:,} overdue on {today}; "
        "first page and totals, median database time of 7 runs"
    )
    sample = (
        Installment.objects.filter(settled_on__isnull=True, due_date__lt=today).select_related("loan__customer").first()
    )
    cases = [
        ("overdue, first page + totals", {}),
        ("overdue, 200 a page, page 5", {"size": 200, "page": 5}),
        ("overdue, sorted by penalty", {"sort": "-penalty"}),
        ("overdue, 91-180 days", {"bucket": "bucket_91_180"}),
        ("overdue, county", {"region": sample.loan.customer.county_id}),
        ("overdue, officer", {"officer": sample.loan.officer_id}),
        ("overdue as of 3 months ago (ledger)", {"as_of": str(today.replace(day=1) - timedelta(days=75))}),
        ("due within 7 days", {"view": "due", "within": 7}),
        ("due within 30 days", {"view": "due", "within": 30}),
    ]
    bench_list_page(stdout=stdout, url_name="repayments:due", cases=cases, target_ms=LIST_TARGET_MS)


def repayment_batch(*, stdout, scale: float) -> None:
    ensure_book(stdout, scale)
    today = timezone.localdate()
    actor = User.objects.get(username="admin")
    size = max(1, int(BATCH_SIZE * min(scale, 1)))
    ids = list(
        Installment.objects.filter(settled_on__isnull=True, due_date__lt=today)
        .order_by("due_date", "pk")
        .values_list("pk", flat=True)[:size]
    )
    samples, queries, total = [], 0, None
    for _run in range(3):
        with rolled_back():
            started = time.perf_counter()
            with timed_queries() as timer:
                summary = batch.repayments_confirm_batch(actor=actor, installment_ids=ids, paid_on=today)
            samples.append(time.perf_counter() - started)
            queries, total = timer.count, summary.total
    seconds = statistics.median(samples)
    verdict = "within" if seconds <= BATCH_TARGET_S else "OVER"
    stdout.write(
        f"   batch confirmation of {len(ids):,} overdue installments ({total} yuan in all): "
        f"{seconds:.2f} s median of 3, {queries} queries ({verdict} the {BATCH_TARGET_S} s target)"
    )


BENCHMARKS = [("repayment_list", repayment_list), ("repayment_batch", repayment_batch)]
