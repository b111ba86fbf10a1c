"""Confirming and reversing repayments (还款确认, 批量处理, 冲正).

A payment on an installment is applied penalty and compound interest first, then interest,
then principal (domain.md). The loans and then their installments are locked while a payment
is applied (one lock order everywhere: loan, then installments), so two people confirming the
same installment post it once. Nothing is edited or deleted in place: a reversal is a new,
negated ledger entry, booked on the day it is made (its accounting date) with the value date
of the entry it reverses.

Payments on one installment are entered in date order (a payment may not be dated before the
installment's last one): then the installment's running totals — paid amounts and the late
principal/interest × days — give the penalty as of the payment date without reading the ledger
(``arithmetic.penalty_from_totals``), one payment or a thousand at a time.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, NotFound, translate_pure_error
from xindai.core.scope import system_scope
from xindai.loans.models import Installment, Loan
from xindai.loans.owed import ZERO as SQL_ZERO
from xindai.org.models import User
from xindai.repayments import arithmetic
from xindai.repayments.models import Channel, Repayment
from xindai.repayments.oldest_first import check_oldest

FUTURE_DATE = _("The repayment date %(date)s is in the future.")
BEFORE_START = _("The repayment date %(date)s is before the loan started (%(start)s).")
BEFORE_LAST_PAYMENT = _(
    "The repayment date %(date)s is before the last repayment on this installment (%(last)s); "
    "repayments are entered in date order."
)
NOTHING_OWED = _("Nothing is owed on this installment any more.")
SUPERSEDED = _("This installment was replaced by a later version of the plan; confirm the one in force.")
ALREADY_REVERSED = _("This repayment has already been reversed.")
REVERSAL_OF_REVERSAL = _("A reversal cannot itself be reversed; confirm the repayment again instead.")
REASON_REQUIRED = _("Please give the reason for the reversal.")
LATER_PAYMENTS = _("Later repayments on this installment must be reversed first (newest first).")
EARLY_NOT_REVERSIBLE = _(
    "This repayment is an early repayment; reverse the early repayment itself (the previous plan is then restored)."
)
WAIVER_CHANNEL = _("A waiver is not a repayment: enter it as a waiver (减免).")

ZERO = Decimal("0.00")


# What an installment still owes on a date, penalty and compound interest included.
Owing = arithmetic.Owed


# Helpers on rows the calling service already found in the actor's scope (ids, loan ids).
LEDGER = system_scope("repayment ledger")


def owing_on(installment: Installment, as_of: date) -> Owing:
    """Principal, interest, and the penalty and compound interest accrued but not yet
    collected, of one installment on `as_of` (on or after its last payment)."""
    principal = installment.principal - installment.principal_paid
    interest = installment.interest - installment.interest_paid
    days = (as_of - installment.payable_on).days
    try:
        # The row's own penalty rates: the contract's when the row was made (markup included).
        penalty = arithmetic.accrual(principal, days, installment.late_principal_days, installment.penalty_rate, ZERO)
        compound = arithmetic.accrual(interest, days, installment.late_interest_days, installment.compound_rate, ZERO)
    except arithmetic.RepaymentError as err:
        raise BusinessError(translate_pure_error(err)) from None
    return Owing(
        principal=principal,
        interest=interest,
        penalty=max(penalty - installment.penalty_paid, ZERO),
        compound=max(compound - installment.compound_paid, ZERO),
    )


def check_date(loan: Loan, paid_on: date, last_paid_on: date | None = None) -> None:
    """A repayment date is not in the future, not before the loan, not before the last payment."""
    if paid_on > timezone.localdate():
        raise BusinessError(FUTURE_DATE, {"date": paid_on.isoformat()}, field="paid_on")
    if paid_on < loan.start_date:
        raise BusinessError(
            BEFORE_START, {"date": paid_on.isoformat(), "start": loan.start_date.isoformat()}, field="paid_on"
        )
    if last_paid_on and paid_on < last_paid_on:
        raise BusinessError(
            BEFORE_LAST_PAYMENT, {"date": paid_on.isoformat(), "last": last_paid_on.isoformat()}, field="paid_on"
        )


def last_payment_dates(installment_ids: Iterable[int]) -> dict[int, date]:
    """The date of the last repayment still in force on each installment (one query)."""
    rows = (
        Repayment.objects.visible_to(LEDGER)
        .filter(installment_id__in=list(installment_ids), reverses__isnull=True, reversal__isnull=True)
        .values("installment_id")
        .annotate(last=Max("paid_on"))
    )
    return {row["installment_id"]: row["last"] for row in rows}


def _lock(installment_id: int, actor) -> Installment:
    """Lock the installment's loan, then the installment (the one lock order: loan first) — only
    inside the actor's scope (else NotFound)."""
    try:
        loan_id = Installment.objects.visible_to(actor).values_list("loan_id", flat=True).get(pk=installment_id)
    except Installment.DoesNotExist:
        raise NotFound from None
    loan = Loan.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=loan_id)
    installment = Installment.objects.children_of(loan).select_for_update(of=("self",)).get(pk=installment_id)
    installment.loan = loan
    return installment


def _post(installment: Installment, entry: Repayment, sign: int = 1) -> None:
    """Add (sign 1) or take back (sign -1) a ledger entry's amounts on its installment, in memory."""
    installment.principal_paid += sign * entry.principal
    installment.interest_paid += sign * entry.interest
    installment.penalty_paid += sign * entry.penalty
    installment.compound_paid += sign * entry.compound
    installment.late_principal_days += sign * entry.principal * entry.days_late
    installment.late_interest_days += sign * entry.interest * entry.days_late


PAID_FIELDS = [
    "principal_paid",
    "interest_paid",
    "penalty_paid",
    "compound_paid",
    "late_principal_days",
    "late_interest_days",
    "settled_on",
]


def refresh_loans(loan_ids: Iterable[int]) -> None:
    """Set the loans' outstanding principal from their installments; a loan with nothing left
    unsettled is settled on the day its last installment was — one UPDATE for any number of loans."""
    installments = Installment.objects.children_of(OuterRef("pk")).order_by().values("loan")
    paid = installments.annotate(s=Sum("principal_paid")).values("s")  # superseded rows' payments count too
    in_force = installments.filter(superseded_on__isnull=True)
    last_settled = in_force.annotate(m=Max("settled_on")).values("m")
    unsettled = Exists(
        Installment.objects.children_of(OuterRef("pk")).filter(settled_on__isnull=True, superseded_on__isnull=True)
    )
    Loan.objects.visible_to(LEDGER).filter(pk__in=list(loan_ids)).update(
        outstanding_principal=F("amount") - Coalesce(Subquery(paid), SQL_ZERO),
        settled_on=Case(When(unsettled, then=None), default=Subquery(last_settled)),
        updated_at=timezone.now(),
    )


def _allocate(amount: Decimal | None, owing: Owing) -> arithmetic.Allocation:
    try:
        return arithmetic.allocate(owing.total if amount is None else amount, owing)
    except arithmetic.RepaymentError as err:
        raise BusinessError(translate_pure_error(err), field="amount") from None


def payment_preview(installment: Installment, amount: Decimal, paid_on: date) -> arithmetic.Allocation:
    """How `amount` received on `paid_on` would be applied to the installment — the figures of the
    confirming step, by the same rules the confirmation posts with (oldest first, dates, no overpaying)."""
    check_oldest(installment)
    check_date(installment.loan, paid_on, last_payment_dates([installment.pk]).get(installment.pk))
    return _allocate(amount, owing_on(installment, paid_on))


def _entry(installment, allocation, paid_on, channel, remark, actor) -> Repayment:
    """A ledger entry valued on `paid_on`, booked today."""
    return Repayment(
        loan_id=installment.loan_id,
        installment=installment,
        paid_on=paid_on,
        accounting_date=timezone.localdate(),
        amount=allocation.total,
        principal=allocation.principal,
        interest=allocation.interest,
        penalty=allocation.penalty,
        compound=allocation.compound,
        days_late=arithmetic.days_late(paid_on, installment.payable_on),
        channel=channel,
        remark=remark,
        created_by=actor,
    )


def _audit_changes(installment, entry: Repayment) -> dict:
    return {
        "loan": installment.loan_id,
        "installment": installment.period,
        "paid_on": entry.paid_on,
        "amount": entry.amount,
        "principal": entry.principal,
        "interest": entry.interest,
        "penalty": entry.penalty,
        "compound": entry.compound,
    }


def repayment_confirm(
    *,
    actor: User,
    installment_id: int,
    amount: Decimal | None,
    paid_on: date,
    channel: str = Channel.COUNTER,
    remark: str = "",
) -> Repayment:
    """Confirm a payment on one installment (还款确认). `amount` None means all that is owed (for
    code that settles in full; the screen always sends the amount received, never an empty one).

    1. lock the installment and its loan; refuse it while an older installment owes; 2. compute
    what is owed on `paid_on`; 3. apply the amount (penalty and compound, interest, principal),
    refusing more than is owed; 4. write
    the ledger entry, the installment's running totals and the loan's balance; 5. audit.
    """
    if channel == Channel.WAIVER:  # only the waiver service writes these (approved where asked)
        raise BusinessError(WAIVER_CHANNEL, field="channel")
    with transaction.atomic(durable=True):
        installment = _lock(installment_id, actor)
        loan = installment.loan
        if installment.superseded_on is not None:
            raise BusinessError(SUPERSEDED)
        check_oldest(installment)
        check_date(loan, paid_on, last_payment_dates([installment.pk]).get(installment.pk))
        owing = owing_on(installment, paid_on)
        if owing.total == 0:
            raise BusinessError(NOTHING_OWED)
        allocation = _allocate(amount, owing)
        entry = _entry(installment, allocation, paid_on, channel, remark, actor)
        entry.save(force_insert=True)
        _post(installment, entry)
        installment.settled_on = paid_on if allocation.total == owing.total else None
        installment.save(update_fields=PAID_FIELDS)
        refresh_loans([loan.pk])
        audit.record(actor, AuditAction.REPAYMENT_CONFIRMED, entry, changes=_audit_changes(installment, entry))
    return entry


def reverse_entry(original: Repayment, installment: Installment, reason: str, actor) -> Repayment:
    """The negated entry reversing `original` — the value date its own, booked today (closed periods
    never change) — and `original` taken back off its (locked) installment."""
    reversal = Repayment.objects.create(
        loan_id=installment.loan_id,
        installment=installment,
        paid_on=original.paid_on,
        accounting_date=timezone.localdate(),
        amount=-original.amount,
        principal=-original.principal,
        interest=-original.interest,
        penalty=-original.penalty,
        compound=-original.compound,
        days_late=original.days_late,
        channel=original.channel,
        remark=reason.strip()[:200],
        reverses=original,
        created_by=actor,
    )
    _post(installment, original, sign=-1)
    installment.settled_on = None
    installment.save(update_fields=PAID_FIELDS)
    return reversal


def repayment_reverse(*, actor: User, repayment_id: int, reason: str) -> Repayment:
    """Reverse a confirmed repayment (冲正) with a reason: a negated entry naming it; the
    installment and loan return to the state they had without it."""
    if not reason.strip():
        raise BusinessError(REASON_REQUIRED, field="reason")
    with transaction.atomic(durable=True):
        entries = Repayment.objects.visible_to(actor)
        installment_id = entries.filter(pk=repayment_id).values_list("installment_id", flat=True).first()
        if installment_id is None:
            raise NotFound
        installment = _lock(installment_id, actor)
        approval.guard(approval.Action.REPAYMENT_REVERSAL, target=installment.loan_id)
        original = (
            Repayment.objects.children_of(installment.loan_id).select_for_update(of=("self",)).get(pk=repayment_id)
        )
        if original.reverses_id is not None:
            raise BusinessError(REVERSAL_OF_REVERSAL)
        if Repayment.objects.children_of(original.loan_id).filter(reverses=original).exists():
            raise BusinessError(ALREADY_REVERSED)
        if hasattr(original, "early"):
            raise BusinessError(EARLY_NOT_REVERSIBLE)
        later = Repayment.objects.children_of(installment.loan_id).filter(
            installment=installment, reverses__isnull=True, pk__gt=original.pk, reversal__isnull=True
        )
        if later.exists():
            raise BusinessError(LATER_PAYMENTS)
        reversal = reverse_entry(original, installment, reason, actor)
        refresh_loans([installment.loan_id])
        audit.record(
            actor,
            AuditAction.REPAYMENT_REVERSED,
            original,
            changes={"reversal": reversal.pk, "amount": original.amount, "reason": reason.strip()},
        )
    return reversal
