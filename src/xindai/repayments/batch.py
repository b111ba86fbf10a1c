"""批量处理: settling a set of installments in full on one date, all or nothing — the summary the
user reviews first and the batch that posts exactly those figures, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.loans.models import Installment, Loan
from xindai.loans.owed import owed_totals, with_owed
from xindai.org.models import User
from xindai.repayments import arithmetic
from xindai.repayments.models import Channel, Repayment
from xindai.repayments.oldest_first import BATCH_OLDER_OWED, oldest_owing_periods
from xindai.repayments.services import (
    PAID_FIELDS,
    WAIVER_CHANNEL,
    ZERO,
    _audit_changes,
    _entry,
    _post,
    check_date,
    last_payment_dates,
    refresh_loans,
)

BATCH_EMPTY = _("No installment was selected.")
BATCH_TOO_LARGE = _("At most %(max)s installments can be confirmed at once; narrow the list.")
BATCH_MISSING = _("%(count)s of the selected installments no longer exist or are outside your data scope.")
BATCH_SETTLED = _("%(count)s of the selected installments are already settled (%(ious)s); review the list again.")
BATCH_CHANGED = _(
    "The amounts changed since the summary was shown (now %(total)s instead of %(expected)s); review it again."
)
BATCH_MAX = 5000


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What settling a set of installments in full on one date comes to (批量处理)."""

    count: int
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    compound: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.penalty + self.compound


def _owed_rows(installments, paid_on: date) -> list[Installment]:
    return list(with_owed(installments, paid_on, stored=True).order_by("pk"))


def batch_summary(installments, paid_on: date) -> BatchSummary:
    """The summary shown before a batch is confirmed: the same figures the batch will post."""
    totals = owed_totals(with_owed(installments.filter(settled_on__isnull=True), paid_on, stored=True))
    return BatchSummary(
        count=totals["count"],
        principal=totals["principal_owed"],
        interest=totals["interest_owed"],
        penalty=totals["penalty_owed"],
        compound=totals["compound_owed"],
    )


def repayments_confirm_batch(
    *,
    actor: User,
    installment_ids: Iterable[int],
    paid_on: date,
    channel: str = Channel.COUNTER,
    remark: str = "",
    expected_total: Decimal | None = None,
) -> BatchSummary:
    """Settle every installment of `installment_ids` in full as of `paid_on` — all or nothing.

    The installments are locked in id order and what each owes is computed by the database
    as it locks them; every rule of a single confirmation applies to each (date, nothing owed).
    `expected_total` is the total of the summary the user saw: a different total refuses.
    A fixed number of queries whatever the size of the batch.
    """
    if channel == Channel.WAIVER:
        raise BusinessError(WAIVER_CHANNEL, field="channel")
    ids = sorted(set(installment_ids))
    if not ids:
        raise BusinessError(BATCH_EMPTY)
    if len(ids) > BATCH_MAX:
        raise BusinessError(BATCH_TOO_LARGE, {"max": BATCH_MAX})
    with transaction.atomic(durable=True):
        in_scope = Installment.objects.visible_to(actor).filter(pk__in=ids, superseded_on__isnull=True)
        # The loans first, in id order, then their installments: the one lock order.
        loans = {
            loan.pk: loan
            for loan in Loan.objects.visible_to(actor)
            .filter(pk__in=in_scope.values("loan_id"))
            .order_by("pk")
            .select_for_update(of=("self",))
        }
        locked = in_scope.select_for_update(of=("self",))
        rows = _owed_rows(locked.select_related("loan"), paid_on)
        if len(rows) != len(ids):
            raise BusinessError(BATCH_MISSING, {"count": len(ids) - len(rows)})
        settled = [row for row in rows if row.settled_on is not None or row.total_owed == 0]
        if settled:
            ious = "、".join(f"{row.loan.iou_number}#{row.period}" for row in settled[:5])
            raise BusinessError(BATCH_SETTLED, {"count": len(settled), "ious": ious})
        first_outside = oldest_owing_periods(loans, exclude=ids)
        blocked = [row for row in rows if first_outside.get(row.loan_id, row.period) < row.period]
        if blocked:
            ious = "、".join(f"{row.loan.iou_number}#{row.period}" for row in blocked[:5])
            raise BusinessError(BATCH_OLDER_OWED, {"count": len(blocked), "ious": ious})
        last = last_payment_dates(ids)
        for row in rows:
            check_date(loans[row.loan_id], paid_on, last.get(row.pk))
        total = sum((row.total_owed for row in rows), ZERO)
        if expected_total is not None and total != expected_total:
            raise BusinessError(BATCH_CHANGED, {"total": total, "expected": expected_total})
        entries = []
        for row in rows:
            allocation = arithmetic.Allocation(
                penalty=row.penalty_owed,
                compound=row.compound_owed,
                interest=row.interest_owed,
                principal=row.principal_owed,
            )
            entry = _entry(row, allocation, paid_on, channel, remark, actor)
            _post(row, entry)
            row.settled_on = paid_on
            entries.append(entry)
        Repayment.objects.bulk_create(entries, batch_size=1000)
        Installment.objects.visible_to(actor).bulk_update(rows, PAID_FIELDS, batch_size=1000)
        refresh_loans(loans)
        audit.record_many(
            actor,
            AuditAction.REPAYMENT_CONFIRMED,
            [(e, _audit_changes(r, e)) for r, e in zip(rows, entries, strict=True)],
        )
    summary = defaultdict(lambda: ZERO)
    for entry in entries:
        for name in ("principal", "interest", "penalty", "compound"):
            summary[name] += getattr(entry, name)
    return BatchSummary(count=len(entries), **summary)
