"""Loan speed: the bulk path (100,000 loans with their plans) against PostgreSQL's COPY of
the same rows, and the loan list over that book."""

import random
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from xindai.core.benchmarking import bench_list_page
from xindai.core.bulk import copy_values
from xindai.customers.demo import build_customers
from xindai.customers.models import Customer
from xindai.loans.demo import demo_terms
from xindai.loans.models import Installment, Loan, LoanType
from xindai.loans.services import INSTALLMENT_COLUMNS, _installment_values, _new_loan, loans_bulk_create, plan_for
from xindai.loans.workdays import Calendar
from xindai.org.demo import build_org
from xindai.org.models import User

BULK_TARGET_S = 60
LIST_TARGET_MS = 200
PREFIX = "BENCH"


def _ensure_customers(count: int, stdout) -> None:
    build_org()
    have = Customer.objects.count()
    if have < count:
        stdout.write(f"   building {count - have:,} customers ...")
        build_customers(count - have, contacts_per_customer=0.1)


def _delete_previous_run() -> None:
    """Remove the loans an earlier run made and everything that hangs off them, children first
    (plain SQL: the ORM would load them all first)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_loans ON COMMIT DROP AS SELECT id FROM loans_loan WHERE iou_number LIKE %s",
            [PREFIX + "%"],
        )
        for statement in (
            "UPDATE messaging_message SET loan_id = NULL, installment_id = NULL"
            " WHERE loan_id IN (SELECT id FROM bench_loans)",
            "DELETE FROM repayments_earlyrepayment WHERE loan_id IN (SELECT id FROM bench_loans)",
            "DELETE FROM repayments_classificationchange WHERE loan_id IN (SELECT id FROM bench_loans)",
            # Reversals first: they point at the entries they reverse.
            "DELETE FROM repayments_repayment"
            " WHERE reverses_id IS NOT NULL AND loan_id IN (SELECT id FROM bench_loans)",
            "DELETE FROM repayments_repayment WHERE loan_id IN (SELECT id FROM bench_loans)",
            "DELETE FROM loans_installment WHERE loan_id IN (SELECT id FROM bench_loans)",
            "DELETE FROM loans_planversion WHERE loan_id IN (SELECT id FROM bench_loans)",
            "DELETE FROM loans_loan WHERE id IN (SELECT id FROM bench_loans)",
        ):
            cursor.execute(statement)


def _bench_terms(count: int):
    """The terms of the bench book: the demo's loans, brought in with their past repaid on the due
    dates except on about one loan in twelve, which stopped paying 20–200 days ago."""
    rng = random.Random(7)
    types = {t.name: t for t in LoanType.objects.all()}
    today = timezone.localdate()
    customers = Customer.objects.select_related("registered_branch").order_by("id")[:count]
    terms_list = []
    for seq, customer in enumerate(customers.iterator(chunk_size=5000), start=1):
        terms = demo_terms(rng, customer, types, seq, today)
        terms.iou_number = f"{PREFIX}{seq:09d}"
        lag = timedelta(days=rng.randrange(20, 200)) if rng.random() < 1 / 12 else timedelta(0)
        terms.paid_until = today - timedelta(days=1) - lag
        terms_list.append(terms)
    return terms_list


BOOK_LOANS = 100_000


def ensure_book(stdout, scale: float) -> None:
    """The bench book (100,000 loans, ~1.5 million installments) for the benchmarks that read it:
    built by the loan_bulk benchmark when the database does not have it yet, then analysed."""
    if Loan.objects.filter(iou_number__startswith=PREFIX).count() < int(BOOK_LOANS * scale):
        stdout.write("   no bench book in this database yet: building it with loan_bulk first")
        loan_bulk(stdout=stdout, scale=scale)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, before measuring


def loan_bulk(*, stdout, scale: float) -> None:
    count = int(BOOK_LOANS * scale)
    _ensure_customers(count, stdout)
    _delete_previous_run()
    terms_list = _bench_terms(count)
    actor = User.objects.filter(username="admin").first()
    started = time.perf_counter()
    with transaction.atomic():
        loans_bulk_create(actor=actor, terms_list=terms_list)
    bulk_s = time.perf_counter() - started
    installments = Installment.objects.filter(loan__iou_number__startswith=PREFIX).count()
    stdout.write(
        f"   bulk path: {count:,} loans and {installments:,} installments in {bulk_s:.1f} s "
        f"({'within' if bulk_s <= BULK_TARGET_S else 'OVER'} the {BULK_TARGET_S} s target)"
    )
    copy_s = _copy_same_rows(terms_list, actor)
    stdout.write(
        f"   COPY of the same rows (plans computed beforehand): {copy_s:.1f} s; "
        f"bulk path / COPY = {bulk_s / copy_s:.2f}"
    )


def _copy_same_rows(terms_list, actor) -> float:
    """COPY the same loans and installments into scratch copies of the tables (timed: COPY only)."""
    loan_fields = list(Loan._meta.concrete_fields)
    loans, installments = [], []
    now = timezone.now()
    for loan_id, terms in enumerate(terms_list, start=10**9):
        plan = plan_for(terms)
        loan = _new_loan(terms, plan, actor)
        loan.pk, loan.created_at, loan.updated_at = loan_id, now, now
        loans.append(tuple(getattr(loan, f.attname) for f in loan_fields))
        installments.extend(_installment_values(loan, loan_id, plan, terms, Calendar()))
    installment_fields = [Installment._meta.get_field(name) for name in INSTALLMENT_COLUMNS]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("loans_loan", "loans_installment"):
            cursor.execute(f"CREATE TEMP TABLE copy_{table} (LIKE {table} INCLUDING ALL) ON COMMIT DROP")
        started = time.perf_counter()
        copy_values("copy_loans_loan", loan_fields, loans)
        copy_values("copy_loans_installment", installment_fields, installments)
        return time.perf_counter() - started


def loan_list(*, stdout, scale: float) -> None:
    ensure_book(stdout, scale)
    sample = Loan.objects.select_related("customer").order_by("id")[Loan.objects.count() // 2]
    cases = [
        ("list, first page", {}),
        ("list, page 100, 200 a page", {"page": 100, "size": 200}),
        ("status overdue", {"status": "overdue"}),
        ("status normal", {"status": "normal"}),
        ("IOU number", {"iou_number": sample.iou_number}),
        ("customer name", {"customer": sample.customer.name}),
        ("county", {"region": sample.customer.county_id}),
        ("township", {"region": sample.customer.township_id}),
        ("branch", {"branch": sample.handling_branch_id}),
        ("due within 30 days", {"due_within": 30}),
        (
            "combined: county + overdue + amount",
            {"region": sample.customer.county_id, "status": "overdue", "amount_min": 20000},
        ),
    ]
    stdout.write(
        f"   {Loan.objects.count():,} loans, "
        f"{Installment.objects.count():,} installments; median database time of 7 runs"
    )
    bench_list_page(stdout=stdout, url_name="loans:list", cases=cases, target_ms=LIST_TARGET_MS)


BENCHMARKS = [("loan_bulk", loan_bulk), ("loan_list", loan_list)]
