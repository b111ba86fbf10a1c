"""Setting a loan's five-category classification by hand (五级分类), with a reason kept in its
history; the classification as of a date is loans/classification.py."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.loans.classification import classification_thresholds, with_classification
from xindai.loans.models import Loan
from xindai.loans.quality import CATEGORY_LABELS, suggest_category
from xindai.repayments.models import ClassificationChange

REASON_REQUIRED = _("Please give the reason for the classification.")
UNKNOWN_CATEGORY = _("Unknown classification %(category)s.")
UNCHANGED = _("The loan already has this classification.")


def classification_set(*, actor, loan: Loan, category: str, reason: str, as_of: date) -> ClassificationChange:
    """Set (or with "" clear) the loan's classification by hand, with a reason kept in its history."""
    reason = reason.strip()
    if not reason:
        raise BusinessError(REASON_REQUIRED, field="reason")
    if category and category not in CATEGORY_LABELS:
        raise BusinessError(UNKNOWN_CATEGORY, {"category": category}, field="category")
    with transaction.atomic():
        locked = Loan.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=loan.pk)
        approval.guard(approval.Action.CLASSIFICATION, target=locked.pk)
        if locked.classification_override == category:
            raise BusinessError(UNCHANGED, field="category")
        days = with_classification(Loan.objects.visible_to(actor).filter(pk=loan.pk), as_of).values_list(
            "days_overdue", flat=True
        )[0]
        change = ClassificationChange.objects.create(
            loan=locked,
            previous=locked.classification_override,
            category=category,
            suggested=suggest_category(days, classification_thresholds()).value,
            reason=reason[:200],
            created_by=actor,
        )
        before = locked.classification_override
        locked.classification_override = category
        locked.classification_reason = reason[:200]
        locked.save(update_fields=["classification_override", "classification_reason", "updated_at"])
        audit.record(
            actor,
            AuditAction.LOAN_CLASSIFIED,
            locked,
            changes={"classification": [before, category], "reason": reason, "days_overdue": days},
        )
    return change
