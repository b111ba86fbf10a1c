"""Reads of the credit operations, always through the user's scope."""

from datetime import date

from django.db.models import Count
from django.shortcuts import get_object_or_404

from xindai.credit.approvals import display_status
from xindai.credit.models import ApprovalRequest, LoanAssignment, LoanChange, Waiver, WriteOff
from xindai.credit.writeoff import recoveries
from xindai.loans.models import Installment


def loan_panel(user, loan) -> dict:
    """What the loan page shows of the credit operations: write-off, extensions and restructurings,
    waivers, transfers and the requests waiting about the loan (a fixed number of queries)."""
    write_off = WriteOff.objects.children_of(loan).first()
    return {
        "write_off": write_off,
        "changes": list(LoanChange.objects.children_of(loan).select_related("version", "created_by")),
        "waivers": list(
            Waiver.objects.children_of(loan).select_related(
                "repayment__installment", "repayment__reversal", "created_by"
            )
        ),
        "assignments": list(
            LoanAssignment.objects.children_of(loan).select_related(
                "officer", "branch", "previous_officer", "previous_branch", "created_by"
            )
        ),
        "requests": [
            (r, display_status(r))
            for r in ApprovalRequest.objects.visible_to(user).filter(loan=loan).select_related("maker", "checker")[:20]
        ],
    }


def requests_with_status(requests):
    return [(r, display_status(r)) for r in requests]


def counts_by_action(requests) -> dict[str, int]:
    return dict(requests.order_by().values_list("action").annotate(n=Count("id")))


def write_off_register(user, date_from: date, date_to: date):
    rows = list(recoveries(user, date_from, date_to))
    totals = {
        "principal": sum((r.principal for r in rows), 0),
        "interest": sum((r.interest for r in rows), 0),
        "penalty": sum((r.penalty for r in rows), 0),
        "recovered": sum((r.recovered_total or 0 for r in rows), 0),
    }
    return rows, totals


def installment_in_scope(user, pk: int):
    """An installment in force of a loan in the user's scope (else 404)."""
    rows = Installment.objects.visible_to(user).filter(superseded_on__isnull=True).select_related("loan__customer")
    return get_object_or_404(rows, pk=pk)


def loan_write_off(loan):
    return WriteOff.objects.children_of(loan).first()
