"""Import and export speed (PostgreSQL):

- a 10,000-loan file (new customers, loans and plans) validated and imported in one
  transaction — rolled back afterwards so the benchmark can run again on the same database;
- the loan list over the 100,000-loan book exported to .xlsx: time and peak Python memory;
- a book as a bank brings it in (imported_book): 3,000 historical loans with ~60,000 overdue
  installments imported into the demo organisation, then the pages that were slow on it — the
  overdue list, 资产质量 by customer and the comparison charts — as whole requests.
"""

import random
import time
import tracemalloc

from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from xindai.core.benchmarking import get_ok, measure_request, signed_in_clients
from xindai.core.idnumber import check_character
from xindai.customers.models import Customer
from xindai.imports import loan_import as li
from xindai.imports import statistics
from xindai.imports.loan_import import LoanImport
from xindai.imports.tests.files import workbook
from xindai.loans.benchmarks import ensure_book
from xindai.loans.models import Installment, Loan, LoanType
from xindai.org.demo import build_org
from xindai.org.models import Branch, Region, RegionLevel, User

IMPORT_TARGET_S = 30
EXPORT_TARGET_S = 20
EXPORT_TARGET_MB = 300


def _file(count: int, *, seed: int = 11, birth_year: int = 1950, row=None) -> bytes:
    """An import file of `count` new customers with a loan each; `row(rng, seq)` gives the
    loan's columns (default: this year's loans with a few periods repaid)."""
    rng = random.Random(seed)
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent__parent")[:500])
    by_id = {r.pk: r for r in Region.objects.filter(level__lte=RegionLevel.TOWNSHIP)}
    branches = {b.pk: b for b in Branch.objects.all()}
    officers = list(User.objects.filter(kind="bank", is_loan_officer=True).exclude(branch=None))
    livestock = LoanType.objects.get(name="畜牧业贷款")
    prefix = f"620702{birth_year}"
    taken = set(Customer.objects.filter(id_number__startswith=prefix).values_list("id_number", flat=True))
    rows = []
    for seq in range(count):
        first17 = f"{prefix}{seq // 900 % 12 + 1:02d}{seq // 30 % 28 + 1:02d}{seq % 900 + 100:03d}"
        number = first17 + check_character(first17)
        if number in taken:
            continue
        village = rng.choice(villages)
        township = by_id[village.parent_id]
        county = township
        while county.level != RegionLevel.COUNTY:
            county = by_id[county.parent_id]
        officer = rng.choice(officers)
        loan = (row or _this_years_loan)(rng, seq)
        rows.append(
            {
                li.NAME: f"导入客户{seq}",
                li.ID: number,
                li.MOBILE: f"13{birth_year % 10}{seq:08d}",
                li.COUNTY: county.name,
                li.TOWNSHIP: township.name,
                li.VILLAGE: village.name,
                li.TYPE: livestock.name,
                li.BRANCH: branches[officer.branch_id].name,
                li.OFFICER: officer.username,
                **loan,
            }
        )
    return workbook(rows[:count])


def _this_years_loan(rng, seq) -> dict:
    return {
        li.IOU: f"IMPBENCH{seq:07d}",
        li.AMOUNT: f"{rng.randrange(10, 101) * 1000:,}",
        li.RATE: "5.22",
        li.START: "2026-03-05",
        li.END: rng.choice(["2027-03-05", "2028-03-05"]),
        li.METHOD: rng.choice(["按季付息到期还本", "等额本息", "按月付息到期还本"]),
        li.PAID_PERIODS: rng.choice([0, 0, 1, 2]),
    }


def _historical_loan(rng, seq) -> dict:
    """A three-year monthly loan of 2024 of which 8–16 periods were repaid: ~20 overdue today."""
    return {
        li.IOU: f"HISTBOOK{seq:07d}",
        li.AMOUNT: f"{rng.randrange(10, 101) * 1000:,}",
        li.RATE: "5.22",
        li.START: "2024-03-05",
        li.END: "2027-03-05",
        li.METHOD: rng.choice(["等额本息", "等额本金", "按月付息到期还本"]),
        li.PAID_PERIODS: rng.randrange(8, 17),
    }


def loan_import(*, stdout, scale: float) -> None:
    build_org()  # the villages, branches and officers the file names
    count = int(10_000 * scale)
    content = _file(count)
    stdout.write(f"   file of {count:,} loans: {len(content) / 1e6:.1f} MB")
    actor = User.objects.get(username="admin")
    with transaction.atomic():
        started = time.perf_counter()
        job = LoanImport(content, actor)
        result = job.validate()
        checked = time.perf_counter() - started
        job.execute()
        total = time.perf_counter() - started
        transaction.set_rollback(True)
    assert result.ok, result.errors[:5]
    verdict = "within" if total <= IMPORT_TARGET_S else "OVER"
    stdout.write(
        f"   {result.loans_created:,} loans, {result.customers_created:,} new customers, "
        f"{result.installments_created:,} installments: checked in {checked:.1f} s, imported in {total:.1f} s "
        f"({verdict} the {IMPORT_TARGET_S} s target; rolled back)"
    )


def list_export(*, stdout, scale: float) -> None:
    ensure_book(stdout, scale)
    loans = Loan.objects.count()
    # The sheet is written in the request here; above EXPORT_INLINE_ROWS the page hands the same
    # writer to a background job, which this measures without the queue in between.
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, EXPORT_INLINE_ROWS=10**9):
        client = Client()
        client.force_login(User.objects.get(username="admin"), backend="xindai.org.auth_backends.RolePermissionBackend")
        url = reverse("loans:list")

        def export() -> int:
            response = client.get(url, {"export": "xlsx"})
            assert response.status_code == 200
            return sum(len(chunk) for chunk in response.streaming_content)

        started = time.perf_counter()
        size = export()
        seconds = time.perf_counter() - started
        tracemalloc.start()
        export()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    verdict = "within" if seconds <= EXPORT_TARGET_S and peak <= EXPORT_TARGET_MB else "OVER"
    stdout.write(
        f"   loan list, {loans:,} rows with status, days overdue and classification: {seconds:.1f} s, "
        f"{size / 1e6:.1f} MB file, peak Python memory {peak:.0f} MB ({verdict} the {EXPORT_TARGET_S} s / "
        f"{EXPORT_TARGET_MB} MB target)"
    )


BOOK_TARGET_DB_MS, BOOK_TARGET_MS = 300, 1000


def imported_book(*, stdout, scale: float) -> None:
    """The overdue list, 资产质量 by customer and the charts over an imported 3,000-loan book (in a
    transaction rolled back at the end), for a user who sees the whole bank and a branch manager."""

    build_org()
    others = Loan.objects.count()
    count = int(3000 * scale)
    with transaction.atomic():
        job = LoanImport(
            _file(count, seed=13, birth_year=1962, row=_historical_loan), User.objects.get(username="admin")
        )
        result = job.validate()
        assert result.ok, result.errors[:5]
        job.execute()
        statistics.refresh_statistics()  # what the import does after its commit (the transaction here is rolled back)
        overdue = Installment.objects.filter(settled_on__isnull=True, due_date__lt=timezone.localdate()).count()
        stdout.write(
            f"   {result.loans_created:,} loans imported, {overdue:,} installments overdue"
            + (f" (beside {others:,} loans already in the database)" if others else "")
        )
        pages = [
            ("overdue list", reverse("repayments:due"), {}),
            ("资产质量 by customer", reverse("reports:report"), {"kind": "quality", "group": "customer"}),
            ("对比分析图", reverse("reports:charts"), {}),
        ]
        usernames = ("admin", "manager01")
        stdout.write(f"   {'page':<24}" + "".join(f"{u + ' db ms':>16}{'request ms':>12}" for u in usernames))
        worst_db = worst = 0.0
        # Measured without the figures cache (core/figures.py): what each request computes.
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, FIGURES_CACHE_S=0):
            clients = signed_in_clients(usernames)
            for label, url, params in pages:
                cells = ""
                for client in clients:
                    db_ms, ms, _queries = measure_request(lambda c=client, u=url, p=params: get_ok(c, u, p), runs=5)
                    worst_db, worst = max(worst_db, db_ms), max(worst, ms)
                    cells += f"{db_ms:>16.1f}{ms:>12.1f}"
                stdout.write(f"   {label:<24}{cells}")
        transaction.set_rollback(True)
    verdict = "within" if worst_db <= BOOK_TARGET_DB_MS and worst <= BOOK_TARGET_MS else "OVER"
    stdout.write(
        f"   slowest: {worst_db:.0f} ms in the database, {worst:.0f} ms in all ({verdict} the "
        f"{BOOK_TARGET_DB_MS} ms / {BOOK_TARGET_MS} ms targets; rolled back)"
    )


imported_book.runs_first = True  # measured on the demo-sized database, before the big book is built

BENCHMARKS = [("imported_book", imported_book), ("loan_import", loan_import), ("list_export", list_export)]
