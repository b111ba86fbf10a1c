"""Installments are paid oldest first (domain.md): a payment on an installment is refused while an
older one of the same loan still owes; a batch may hold a later one only with the older ones."""

from collections.abc import Iterable

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.loans.models import Installment

# Read for rows the calling service already found in the actor's scope (loan ids).
LEDGER = system_scope("repayment ledger")
OLDER_OWED = _(
    "Period %(older)s of this loan still owes money: installments are paid oldest first, "
    "confirm period %(older)s first."
)
BATCH_OLDER_OWED = _(
    "%(count)s of the selected installments have an older installment of the same loan still owing "
    "that is not selected (%(ious)s); installments are paid oldest first."
)


def oldest_owing_periods(loan_ids: Iterable[int], exclude: Iterable[int] = ()) -> dict[int, int]:
    """Each loan's oldest period of the plan in force that is not settled (one query), leaving out
    the installments `exclude` — installments are paid oldest first (domain.md)."""
    rows = (
        Installment.objects.visible_to(LEDGER)
        .filter(loan_id__in=list(loan_ids), superseded_on__isnull=True, settled_on__isnull=True)
        .exclude(pk__in=list(exclude))
        .order_by()
        .values("loan_id")
        .annotate(first=Min("period"))
    )
    return {row["loan_id"]: row["first"] for row in rows}


def check_oldest(installment: Installment) -> None:
    """Refuse a payment on an installment while an older one of its loan still owes."""
    first = oldest_owing_periods([installment.loan_id]).get(installment.loan_id)
    if first is not None and first < installment.period:
        raise BusinessError(OLDER_OWED, {"older": first})
