"""Loan speed: the bulk path (100,000 loans with their plans) against PostgreSQL's COPY of
the same rows, and the loan list over that book."""

import random
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from xindai.core.benchmarking import measure
from xindai.core.bulk import copy_rows, copy_text, insert_fields
from xindai.customers.models import Customer
from xindai.loans.demo import demo_terms
from xindai.loans.models import Installment, Loan, LoanType
from xindai.loans.services import _installment_rows, _new_loan, loans_bulk_create, plan_for
from xindai.org.models import User

BULK_TARGET_S = 60
LIST_TARGET_MS = 200
PREFIX = "BENCH"


def _ensure_customers(count: int, stdout) -> None:
    from xindai.customers.demo import build_customers
    from xindai.org.demo import build_org

    build_org()
    have = Customer.objects.count()
    if have < count:
        stdout.write(f"   building {count - have:,} customers ...")
        build_customers(count - have, contacts_per_customer=0.1)


def _bench_terms(count: int):
    rng = random.Random(7)
    types = {t.name: t for t in LoanType.objects.all()}
    today = timezone.localdate()
    customers = Customer.objects.select_related("registered_branch").order_by("id")[:count]
    terms_list = []
    for seq, customer in enumerate(customers.iterator(chunk_size=5000), start=1):
        terms = demo_terms(rng, customer, types, seq, today)
        terms.iou_number = f"{PREFIX}{seq:09d}"
        terms_list.append(terms)
    return terms_list


def loan_bulk(*, stdout, scale: float) -> None:
    count = int(100_000 * scale)
    _ensure_customers(count, stdout)
    Loan.objects.filter(iou_number__startswith=PREFIX).delete()
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
    if connection.vendor != "postgresql":
        stdout.write("   (COPY comparison needs PostgreSQL)")
        return
    copy_s = _copy_same_rows(terms_list, actor)
    stdout.write(
        f"   COPY of the same rows (plans computed beforehand): {copy_s:.1f} s; "
        f"bulk path / COPY = {bulk_s / copy_s:.2f}"
    )


def _copy_same_rows(terms_list, actor) -> float:
    """COPY the same loans and installments into scratch copies of the tables (timed: COPY only)."""
    loans, installments = [], []
    next_id = 10**9
    for terms in terms_list:
        plan = plan_for(terms)
        loan = _new_loan(terms, plan, actor)
        loan.pk, next_id = next_id, next_id + 1
        loan.created_at = loan.updated_at = timezone.now()
        loans.append(loan)
        installments.extend(_installment_rows(loan, plan, terms))
    loan_fields, inst_fields = list(Loan._meta.concrete_fields), insert_fields(Installment)
    loan_text, inst_text = copy_text(loans, loan_fields), copy_text(installments, inst_fields)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("loans_loan", "loans_installment"):
            cursor.execute(f"CREATE TEMP TABLE copy_{table} (LIKE {table} INCLUDING ALL) ON COMMIT DROP")
        started = time.perf_counter()
        copy_rows("copy_loans_loan", loan_fields, loan_text)
        copy_rows("copy_loans_installment", inst_fields, inst_text)
        return time.perf_counter() - started


def loan_list(*, stdout, scale: float) -> None:
    if not Loan.objects.exists():
        stdout.write("   no loans: run the loan_bulk benchmark first")
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
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
        f"   {connection.vendor}, {Loan.objects.count():,} loans, "
        f"{Installment.objects.count():,} installments; median database time of 7 runs"
    )
    stdout.write(f"   {'search':<38}{'admin ms':>10}{'queries':>9}{'manager ms':>12}{'queries':>9}")
    worst = 0.0
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        clients = []
        for username in ("admin", "manager01"):
            client = Client()
            client.force_login(
                User.objects.get(username=username), backend="xindai.org.auth_backends.RolePermissionBackend"
            )
            clients.append(client)
        url = reverse("loans:list")
        for label, params in cases:
            row = []
            for client in clients:
                ms, queries = measure(lambda c=client, p=params: _get(c, url, p))
                worst = max(worst, ms)
                row.append((ms, queries))
            stdout.write(f"   {label:<38}{row[0][0]:>10.1f}{row[0][1]:>9}{row[1][0]:>12.1f}{row[1][1]:>9}")
    verdict = "within" if worst <= LIST_TARGET_MS else "OVER"
    stdout.write(f"   slowest median {worst:.1f} ms: {verdict} the {LIST_TARGET_MS} ms target")


def _get(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code


BENCHMARKS = [("loan_bulk", loan_bulk), ("loan_list", loan_list)]
