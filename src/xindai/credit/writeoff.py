"""Write-off (核销) of a loss-class loan, and what is recovered after it (核销后收回).

On its date the loan's outstanding principal and the interest, penalty and compound interest
owed on its overdue installments leave the balance sheet: the reports count the loan nowhere
from then on, and the write-off register keeps the figures (表外). The debt remains (账销案存):
the loan stays visible with the status 已核销 and repayments are still confirmed on it as
ever — ledger entries of their own, made after the write-off, reported as recoveries
(``recoveries``) and never as collections. Reconciliation: opening − collected − written off =
closing (reports/queries.py).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.credit.models import WriteOff
from xindai.loans import plans
from xindai.loans.classification import with_classification
from xindai.loans.models import Loan
from xindai.loans.owed import owed_totals, unsettled_on, with_owed
from xindai.loans.quality import CATEGORY_LABELS, Category
from xindai.repayments.models import Repayment

REASON_REQUIRED = _("Please give the reason for the write-off.")
NOT_LOSS = _("Only a loan classified as loss can be written off (this one is %(category)s).")
ALREADY = _("This loan was written off on %(date)s.")
NOTHING_OUTSTANDING = _("Nothing is outstanding on this loan.")
ZERO = Decimal("0.00")


def write_off_figures(loan: Loan, as_of: date) -> dict[str, Decimal]:
    """What would leave the balance sheet on `as_of`: principal, interest, penalty and compound."""
    overdue = unsettled_on(loan.installments.filter(payable_on__lt=as_of, superseded_on__isnull=True), as_of)
    totals = owed_totals(with_owed(overdue, as_of))
    return {
        "principal": loan.outstanding_principal,
        "interest": totals["interest_owed"],
        "penalty": totals["penalty_owed"] + totals["compound_owed"],
    }


def _category(actor, loan: Loan, as_of: date) -> str:
    return with_classification(Loan.objects.visible_to(actor).filter(pk=loan.pk), as_of).values_list(
        "category", flat=True
    )[0]


def check_write_off(actor, loan: Loan, as_of: date) -> dict[str, Decimal]:
    earlier = WriteOff.objects.children_of(loan).first()
    if earlier is not None:
        raise BusinessError(ALREADY, {"date": earlier.written_off_on.isoformat()})
    if loan.outstanding_principal <= 0:
        raise BusinessError(NOTHING_OUTSTANDING)
    category = _category(actor, loan, as_of)
    if category != Category.LOSS:
        raise BusinessError(NOT_LOSS, {"category": _(CATEGORY_LABELS[Category(category)])})
    return write_off_figures(loan, as_of)


def loan_write_off(*, actor, loan_id: int, reason: str) -> WriteOff:
    """Write a loss-class loan off today, with a reason (after approval where the policy asks)."""
    reason = reason.strip()
    if not reason:
        raise BusinessError(REASON_REQUIRED, field="reason")
    today = timezone.localdate()
    with transaction.atomic(durable=True):
        loan, _rows = plans.lock_plan(loan_id, Loan.objects.visible_to(actor))
        approval.guard(approval.Action.WRITE_OFF, target=loan.pk)
        figures = check_write_off(actor, loan, today)
        last = Repayment.objects.children_of(loan).order_by("-pk").values_list("pk", flat=True).first() or 0
        row = WriteOff.objects.create(
            loan=loan, written_off_on=today, ledger_before=last, reason=reason[:200], created_by=actor, **figures
        )
        audit.record(
            actor, AuditAction.LOAN_WRITTEN_OFF, loan, changes={"written_off_on": today, **figures, "reason": reason}
        )
    return row


def recoveries(user, date_from: date, date_to: date):
    """Per written-off loan in scope: what was recovered (booked) in the period, net of reversals."""
    booked = Q(loan__repayments__pk__gt=F("ledger_before")) & Q(
        loan__repayments__accounting_date__gte=date_from, loan__repayments__accounting_date__lte=date_to
    )
    return (
        WriteOff.objects.visible_to(user)
        .select_related("loan", "loan__customer", "loan__officer", "loan__handling_branch")
        .annotate(
            recovered_principal=Sum("loan__repayments__principal", filter=booked),
            recovered_total=Sum("loan__repayments__amount", filter=booked),
            entries=Count("loan__repayments", filter=booked),
        )
        .order_by("-written_off_on", "-id")
    )


def recovery_entries(user):
    """Ledger entries booked after the loans' write-off (核销后收回)."""
    after = WriteOff.objects.children_of(OuterRef("loan_id")).filter(ledger_before__lt=OuterRef("pk"))
    return Repayment.objects.visible_to(user).filter(Exists(after))
