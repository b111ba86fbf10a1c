"""已还期数 in the ledger (issue #17, measured): the periods a loan file brings in as repaid are
ledger entries of channel 历史导入, so the collection report counts them and reconciles."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from xindai.core.scope import system_scope
from xindai.imports import loan_import as li
from xindai.imports.loan_import import import_loans
from xindai.imports.tests.files import loan_row, workbook
from xindai.loans.models import Loan
from xindai.loans.tests.factories import loan_type
from xindai.repayments.models import Channel, Repayment
from xindai.reports import queries

EVERYTHING = system_scope("tests")

D = Decimal


@pytest.fixture
def book(world):
    loan_type("畜牧业贷款")
    rows = [
        loan_row(1, **{li.START: "2024-07-10", li.END: "2026-07-10", li.PAID_PERIODS: 6}),
        loan_row(2, **{li.METHOD: "等额本息", li.START: "2024-11-15", li.END: "2026-11-15", li.PAID_PERIODS: 8}),
        loan_row(3, **{li.METHOD: "等额本金", li.START: "2025-01-20", li.END: "2026-01-20", li.PAID_PERIODS: 12}),
    ]
    result = import_loans(workbook(rows), world.admin)
    assert result.ok, result.errors
    return Loan.objects.system("tests").order_by("iou_number")


def test_imported_repaid_periods_are_ledger_entries_dated_on_their_due_dates(book):
    entries = Repayment.objects.system("tests").filter(channel=Channel.HISTORY)
    assert entries.count() == 6 + 8 + 12
    for entry in entries.select_related("installment"):
        assert entry.paid_on == entry.accounting_date == entry.installment.due_date
        assert (entry.principal, entry.interest) == (entry.installment.principal, entry.installment.interest)
        assert entry.days_late == 0 and entry.penalty == entry.compound == 0
    settled = book.get(iou_number="IMP000003")
    assert settled.settled_on == date(2026, 1, 20) and settled.outstanding_principal == 0


def test_the_collection_report_counts_the_history_and_equals_the_ledger_by_value_date(book):
    start, end = date(2025, 1, 1), date(2025, 6, 30)
    report = queries.collection(EVERYTHING, "customer", start, end)
    ledger = (
        Repayment.objects.system("tests")
        .filter(paid_on__range=(start, end))
        .aggregate(p=Sum("principal"), i=Sum("interest"))
    )
    assert report.total["principal"] == ledger["p"] > 0
    assert report.total["interest"] == ledger["i"] > 0
    out = io.StringIO()
    call_command(
        "report", "collection", "--by", "county", "--from", "2025-01-01", "--to", "2025-06-30", "--json", stdout=out
    )
    total = json.loads(out.getvalue())["total"]
    assert (D(total["principal"]), D(total["interest"])) == (ledger["p"], ledger["i"])


def test_opening_plus_disbursed_minus_collected_is_the_closing_balance_on_an_imported_book(book):
    d1, d2 = date(2025, 1, 1), date(2025, 6, 30)
    opening = queries.balance(EVERYTHING, "branch", date(2024, 12, 31)).total["outstanding_principal"]
    disbursed = queries.disbursement(EVERYTHING, "branch", d1, d2).total["amount"]
    collected = queries.collection(EVERYTHING, "branch", d1, d2).total["principal"]
    closing = queries.balance(EVERYTHING, "branch", d2).total["outstanding_principal"]
    assert opening + disbursed - collected == closing
