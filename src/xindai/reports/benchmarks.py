"""Report speed (PostgreSQL, the ~1.5-million-installment bench book): each report grouped by
township, the ORM's query against a hand-written SQL GROUP BY computing the same figures —
median of 5 runs each, and the ratio (target: at most 1.5)."""

import statistics
import time
from datetime import date

from django.db import connection
from django.utils import timezone

from xindai.core.benchmarking import rolled_back
from xindai.core.scope import system_scope
from xindai.loans.benchmarks import ensure_book
from xindai.loans.models import Installment
from xindai.org.models import User
from xindai.repayments.batch import repayments_confirm_batch
from xindai.reports import queries

BENCHMARK = system_scope("benchmark")

TARGET_RATIO = 1.5
TARGETS = {"balance": 1.3}  # the balance report's own, stricter target
RUNS = 5

LIVE = "l.start_date <= %(d)s"
JOIN = "JOIN customers_customer c ON c.id = l.customer_id JOIN org_region r ON r.id = c.township_id"
GROUP = "GROUP BY c.township_id, r.code, r.name"
# Per loan, over today's plan: the oldest overdue payable date, the principal overdue and the
# interest, penalty and compound owed on its overdue installments (the running-totals formula);
# loans written off by then (核销) count nowhere, as in the reports.
OVERDUE = """
    od AS (
        SELECT loan_id, MIN(payable_on) AS due, SUM(principal - principal_paid) AS p,
               SUM(interest - interest_paid
                   + GREATEST(ROUND(((principal - principal_paid) * d + late_principal_days) * penalty_rate / 36000, 2)
                              - penalty_paid, 0)
                   + GREATEST(ROUND(((interest - interest_paid) * d + late_interest_days) * compound_rate / 36000, 2)
                              - compound_paid, 0)) AS i
        FROM (SELECT *, %(d)s::date - payable_on AS d FROM loans_installment
              WHERE settled_on IS NULL AND superseded_on IS NULL AND payable_on < %(d)s) t
        GROUP BY loan_id),
    x AS (
        SELECT c.township_id, r.code, r.name, l.outstanding_principal AS o, COALESCE(od.p, 0) AS overdue,
               COALESCE(od.i, 0) AS owed, COALESCE(%(d)s::date - od.due, 0) AS days, l.classification_override AS ov
        FROM loans_loan l LEFT JOIN od ON od.loan_id = l.id @JOIN
             LEFT JOIN credit_writeoff wo ON wo.loan_id = l.id AND wo.written_off_on <= %(d)s
        WHERE @LIVE AND wo.loan_id IS NULL AND (l.outstanding_principal > 0 OR od.i > 0))"""
ARREARS = "SUM(owed) FILTER (WHERE days <= 90), SUM(owed) FILTER (WHERE days > 90)"

_SQL = {
    "disbursement": """
        SELECT c.township_id, r.code, r.name, COUNT(*), SUM(l.amount)
        FROM loans_loan l @JOIN
        WHERE l.start_date BETWEEN %(a)s AND %(b)s @GROUP""",
    "collection": """
        SELECT c.township_id, r.code, r.name,
               COUNT(*) FILTER (WHERE p.reverses_id IS NULL) - COUNT(*) FILTER (WHERE p.reverses_id IS NOT NULL),
               SUM(p.principal), SUM(p.interest), SUM(p.penalty + p.compound), SUM(p.amount)
        FROM repayments_repayment p JOIN loans_loan l ON l.id = p.loan_id @JOIN
        WHERE p.accounting_date BETWEEN %(a)s AND %(b)s @GROUP""",
    "balance": """
        WITH @OVERDUE
        SELECT township_id, code, name, COUNT(*) FILTER (WHERE o > 0), SUM(o), SUM(overdue), @ARREARS
        FROM x GROUP BY township_id, code, name""",
    "quality": """
        WITH @OVERDUE,
        y AS (SELECT *, CASE WHEN ov <> '' THEN ov WHEN days <= 0 THEN 'normal' WHEN days <= 90 THEN 'special_mention'
                             WHEN days <= 270 THEN 'substandard' WHEN days <= 360 THEN 'doubtful' ELSE 'loss' END AS cat
              FROM x)
        SELECT township_id, code, name, SUM(o),
               SUM(o) FILTER (WHERE days <= 0), SUM(o) FILTER (WHERE days BETWEEN 1 AND 30),
               SUM(o) FILTER (WHERE days BETWEEN 31 AND 60), SUM(o) FILTER (WHERE days BETWEEN 61 AND 90),
               SUM(o) FILTER (WHERE days BETWEEN 91 AND 180), SUM(o) FILTER (WHERE days BETWEEN 181 AND 360),
               SUM(o) FILTER (WHERE days > 360),
               SUM(o) FILTER (WHERE cat = 'normal'), SUM(o) FILTER (WHERE cat = 'special_mention'),
               SUM(o) FILTER (WHERE cat = 'substandard'), SUM(o) FILTER (WHERE cat = 'doubtful'),
               SUM(o) FILTER (WHERE cat = 'loss'), SUM(o) FILTER (WHERE cat IN ('substandard', 'doubtful', 'loss')),
               @ARREARS
        FROM y GROUP BY township_id, code, name""",
}


def _expand(text: str) -> str:
    text = text.replace("@OVERDUE", OVERDUE).replace("@ARREARS", ARREARS)
    return text.replace("@JOIN", JOIN).replace("@GROUP", GROUP).replace("@LIVE", LIVE)


SQL = {kind: _expand(text) for kind, text in _SQL.items()}


def _median(call) -> float:
    call()
    samples = []
    for _run in range(RUNS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def report_speed(*, stdout, scale: float) -> None:
    """Inside a transaction rolled back at the end: 5,000 overdue installments are first settled
    by a batch confirmation, so the collection report has today's entries beside the history."""
    ensure_book(stdout, scale)
    today = timezone.localdate()
    with rolled_back():
        ids = list(
            Installment.objects.filter(settled_on__isnull=True, due_date__lt=today)
            .order_by("due_date", "pk")
            .values_list("pk", flat=True)[: int(5000 * scale)]
        )
        repayments_confirm_batch(actor=User.objects.get(username="admin"), installment_ids=ids, paid_on=today)
        _compare(stdout, today)


def _compare(stdout, today) -> None:
    params = {"a": date(today.year, 1, 1), "b": today, "d": today}
    stdout.write(f"   {'report (by township)':<26}{'ORM ms':>10}{'SQL ms':>10}{'ratio':>8}  rows  check")
    over = []
    for kind in queries.KINDS:
        if kind in ("disbursement", "collection"):
            args = {"date_from": params["a"], "date_to": params["b"]}
        else:
            args = {"as_of": today}

        def orm(kind=kind, args=args):
            if kind == "quality":
                return queries.quality(BENCHMARK, "township", today, compare=False)
            return queries.run(kind, "township", user=BENCHMARK, **args)

        def raw(kind=kind):
            with connection.cursor() as cursor:
                cursor.execute(SQL[kind], params)
                return cursor.fetchall()

        orm_ms, sql_ms = _median(orm), _median(raw)
        report, rows = orm(), raw()
        column, figure = {
            "disbursement": (4, "amount"),
            "collection": (7, "total"),
            "balance": (4, "outstanding_principal"),
            "quality": (3, "outstanding_principal"),
        }[kind]
        same = len(report.rows) == len(rows) and sum(r[column] or 0 for r in rows) == sum(
            row[figure] for row in report.rows
        )
        ratio = orm_ms / sql_ms if sql_ms else 1.0
        target = TARGETS.get(kind, TARGET_RATIO)
        if ratio > target:
            over.append(kind)
        check = "same" if same else "DIFFERENT"
        stdout.write(
            f"   {kind:<26}{orm_ms:>10.1f}{sql_ms:>10.1f}{ratio:>8.2f}  {len(rows):>4}  {check} (target {target})"
        )
    verdict = f"OVER the target: {', '.join(over)}" if over else "every report within its target"
    stdout.write(f"   {verdict}")


BENCHMARKS = [("report_speed", report_speed)]
