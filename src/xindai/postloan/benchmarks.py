"""Post-loan speed: the warning list (风险预警) over the 100,000-loan bench book.

The book (loans.benchmarks.ensure_book) is given what makes every rule work: livestock
collateral on a third of the loans (some under-covered, some with insurance ending soon),
inspections on a fifth (some with a finding or a head count short), joint-guarantee groups of
five over a fifth of the loans, and 1 % of the mobiles flagged 空号. The book's own history
(installments repaid on their due dates, one loan in twelve stopped paying) feeds the payment rules;
one loan in twenty is made to have paid its recent installments 0–5 days late. (The book has no
live partial payments: that rule reads its partial index and finds none.)
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from xindai.collateral.models import Collateral, Kind
from xindai.core.benchmarking import bench_list_page
from xindai.loans.benchmarks import PREFIX, ensure_book
from xindai.loans.models import GuaranteeGroup, Loan
from xindai.org.models import User
from xindai.postloan.models import Inspection

WARNING_LIST_TARGET_MS = 500
GROUP_PREFIX = "BENCH联保"


def _clear() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM postloan_warningack")
        cursor.execute("DELETE FROM postloan_inspectionphoto")
        cursor.execute("DELETE FROM postloan_inspection")
        cursor.execute("DELETE FROM collateral_eartag")
        cursor.execute("DELETE FROM collateral_collateral")
        cursor.execute(
            "UPDATE loans_loan SET guarantee_group_id = NULL WHERE guarantee_group_id IN"
            " (SELECT id FROM loans_guaranteegroup WHERE name LIKE %s)",
            [GROUP_PREFIX + "%"],
        )
        cursor.execute(
            "DELETE FROM loans_guaranteegroup_members WHERE guaranteegroup_id IN"
            " (SELECT id FROM loans_guaranteegroup WHERE name LIKE %s)",
            [GROUP_PREFIX + "%"],
        )
        cursor.execute("DELETE FROM loans_guaranteegroup WHERE name LIKE %s", [GROUP_PREFIX + "%"])


def _post_loan_data(stdout) -> None:
    rng = random.Random(21)
    today = timezone.localdate()
    actor = User.objects.filter(username="admin").first()
    loans = list(
        Loan.objects.filter(iou_number__startswith=PREFIX, settled_on__isnull=True)
        .order_by("id")
        .values_list("id", "customer_id", "outstanding_principal", "start_date", "officer_id")
    )
    collateral, inspections = [], []
    for loan_id, _customer, _outstanding, start, officer in loans:
        if rng.random() < 1 / 3:
            heads = rng.randrange(2, 30)
            per_head = Decimal(rng.choice(["6000.00", "8000.00", "12000.00"]))
            ends = today + timedelta(days=rng.randrange(0, 400))
            collateral.append(
                Collateral(
                    loan_id=loan_id,
                    kind=Kind.LIVESTOCK,
                    species="牛",
                    head_count=heads,
                    value_per_head=per_head,
                    value=per_head * heads,
                    valued_on=start,
                    valuer="畜牧站",
                    insurer="中华联合财险",
                    policy_number=f"P{loan_id}",
                    insured_from=start,
                    insured_to=ends,
                    created_by=actor,
                )  # fmt: skip
            )
            if rng.random() < 0.6:
                found = heads if rng.random() < 0.9 else max(heads // 2, 0)
                inspections.append(
                    Inspection(
                        loan_id=loan_id,
                        inspected_on=min(today, start + timedelta(days=rng.randrange(5, 60))),
                        way="visit",
                        head_count_pledged=heads,
                        head_count_found=found,
                        use_of_funds="购买母牛",
                        findings="",
                        risk_found=rng.random() < 0.05,
                        officer_id=officer,
                        signed_at=timezone.now(),
                    )  # fmt: skip
                )
    Collateral.objects.bulk_create(collateral, batch_size=5000)
    Inspection.objects.bulk_create(inspections, batch_size=5000)
    with connection.cursor() as cursor:
        # Joint-guarantee groups of five consecutive loans over a fifth of the book.
        grouped = [row for row in loans if row[0] % 5 == 0 or rng.random() < 0.2][: len(loans) // 5 // 5 * 5]
        groups = GuaranteeGroup.objects.bulk_create(
            [GuaranteeGroup(name=f"{GROUP_PREFIX}{n}", created_by=actor) for n in range(len(grouped) // 5)],
            batch_size=5000,
        )
        links, updates = [], []
        for index, (loan_id, customer_id, *_rest) in enumerate(grouped):
            group = groups[index // 5]
            links.append((group.pk, customer_id))
            updates.append((group.pk, loan_id))
        cursor.executemany(
            "INSERT INTO loans_guaranteegroup_members (guaranteegroup_id, customer_id)"
            " VALUES (%s, %s) ON CONFLICT DO NOTHING",
            links,
        )
        cursor.executemany("UPDATE loans_loan SET guarantee_group_id = %s WHERE id = %s", updates)
        cursor.execute("UPDATE customers_customer SET mobile_vacant = (id % 100 = 7)")
        # One loan in twenty paid its installments of the last months 0–5 days late (by period):
        # late settlements for the payments-getting-later rule to rank.
        cursor.execute(
            "UPDATE loans_installment SET settled_on = payable_on + (period %% 6)"
            " WHERE loan_id %% 20 = 3 AND settled_on IS NOT NULL AND payable_on BETWEEN %s AND %s",
            [today - timedelta(days=400), today - timedelta(days=10)],
        )
        cursor.execute("VACUUM ANALYZE")
    stdout.write(
        f"   post-loan data: {len(collateral):,} collateral items, {len(inspections):,} inspections,"
        f" {len(groups):,} joint-guarantee groups of 5"
    )


def warning_list(*, stdout, scale: float) -> None:
    ensure_book(stdout, scale)
    _clear()
    _post_loan_data(stdout)
    officer = Loan.objects.filter(iou_number__startswith=PREFIX).values_list("officer_id", flat=True).first()
    cases = [
        ("warning list, first page", {}),
        ("level high", {"level": 3}),
        ("rule: payments getting later", {"rule": "paying_later"}),
        ("rule: group member overdue", {"rule": "group_overdue"}),
        ("not acknowledged", {"ack": "open"}),
        ("one officer", {"officer": officer}),
        ("page 50", {"page": 50}),
    ]
    stdout.write("   median database time of 7 runs")
    bench_list_page(stdout=stdout, url_name="postloan:warnings", cases=cases, target_ms=WARNING_LIST_TARGET_MS)


BENCHMARKS = [("warning_list", warning_list)]
