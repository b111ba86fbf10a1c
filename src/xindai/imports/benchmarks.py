"""Import and export speed (PostgreSQL):

- a 10,000-loan file (new customers, loans and plans) validated and imported in one
  transaction — rolled back afterwards so the benchmark can run again on the same database;
- the loan list over the 100,000-loan book exported to .xlsx: time and peak Python memory.
"""

import random
import time
import tracemalloc

from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from xindai.imports import loan_import as li
from xindai.imports.loan_import import LoanImport
from xindai.imports.tests.files import workbook
from xindai.loans.models import Loan, LoanType
from xindai.org.models import Branch, Region, RegionLevel, User

IMPORT_TARGET_S = 30
EXPORT_TARGET_S = 20
EXPORT_TARGET_MB = 300


def _file(count: int) -> bytes:
    from xindai.core.idnumber import check_character
    from xindai.customers.models import Customer

    rng = random.Random(11)
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent__parent")[:500])
    by_id = {r.pk: r for r in Region.objects.filter(level__lte=RegionLevel.TOWNSHIP)}
    branches = {b.pk: b for b in Branch.objects.all()}
    officers = list(User.objects.filter(kind="bank", is_loan_officer=True).exclude(branch=None))
    livestock = LoanType.objects.get(name="畜牧业贷款")
    taken = set(Customer.objects.filter(id_number__startswith="6207021950").values_list("id_number", flat=True))
    rows = []
    for seq in range(count):
        first17 = f"6207021950{seq // 900 % 12 + 1:02d}{seq // 30 % 28 + 1:02d}{seq % 900 + 100:03d}"
        number = first17 + check_character(first17)
        if number in taken:
            continue
        village = rng.choice(villages)
        township = by_id[village.parent_id]
        county = township
        while county.level != RegionLevel.COUNTY:
            county = by_id[county.parent_id]
        officer = rng.choice(officers)
        rows.append(
            {
                li.NAME: f"导入客户{seq}",
                li.ID: number,
                li.MOBILE: f"137{seq:08d}",
                li.COUNTY: county.name,
                li.TOWNSHIP: township.name,
                li.VILLAGE: village.name,
                li.IOU: f"IMPBENCH{seq:07d}",
                li.AMOUNT: f"{rng.randrange(10, 101) * 1000:,}",
                li.TYPE: livestock.name,
                li.RATE: "5.22",
                li.START: "2026-03-05",
                li.END: rng.choice(["2027-03-05", "2028-03-05"]),
                li.METHOD: rng.choice(["按季付息到期还本", "等额本息", "按月付息到期还本"]),
                li.BRANCH: branches[officer.branch_id].name,
                li.OFFICER: officer.username,
                li.PAID_PERIODS: rng.choice([0, 0, 1, 2]),
            }
        )
    return workbook(rows[:count])


def loan_import(*, stdout, scale: float) -> None:
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
    loans = Loan.objects.count()
    if loans < 100_000 * scale:
        stdout.write("   fewer loans than the target: run the loan_bulk benchmark first")
        return
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
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


BENCHMARKS = [("loan_import", loan_import), ("list_export", list_export)]
