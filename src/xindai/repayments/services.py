"""Confirming and reversing repayments (还款确认, 冲正).

A payment on an installment is applied penalty and compound interest first, then interest,
then principal (domain.md); the installment and its loan are locked while it is applied, so
two people confirming the same installment post it once. Nothing is edited or deleted in
place: a reversal is a new, negated ledger entry.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.loans.models import Installment, Loan
from xindai.repayments import arithmetic
from xindai.repayments.models import Channel, Repayment

FUTURE_DATE = _("The repayment date %(date)s is in the future.")
BEFORE_START = _("The repayment date %(date)s is before the loan started (%(start)s).")
NOTHING_OWED = _("Nothing is owed on this installment any more.")
ALREADY_REVERSED = _("This repayment has already been reversed.")
REVERSAL_OF_REVERSAL = _("A reversal cannot itself be reversed; confirm the repayment again instead.")
REASON_REQUIRED = _("Please give the reason for the reversal.")
LATER_PAYMENTS = _("Later repayments on this installment must be reversed first (newest first).")

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Owing:
    """What an installment still owes on a date, penalty and compound interest included."""

    principal: Decimal
    interest: Decimal
    penalty: Decimal
    compound: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.penalty + self.compound


def _events(installment: Installment) -> list[arithmetic.PaymentEvent]:
    """Payments that reduced principal or interest, net of reversals (a reversed pair cancels)."""
    entries = Repayment.objects.filter(installment=installment)
    reversed_ids = set(entries.filter(reverses__isnull=False).values_list("reverses_id", flat=True))
    return [
        arithmetic.PaymentEvent(on=r.paid_on, principal=r.principal, interest=r.interest)
        for r in entries.filter(reverses__isnull=True).exclude(pk__in=reversed_ids)
        if r.principal or r.interest
    ]


def owing_on(installment: Installment, as_of: date) -> Owing:
    """Principal, interest, and the penalty and compound interest accrued but not yet
    collected, of one installment on `as_of`."""
    loan = installment.loan
    loan_type = loan.loan_type
    try:
        penalty, compound = arithmetic.accrued_penalty(
            due_date=installment.due_date,
            principal_due=installment.principal,
            interest_due=installment.interest,
            payments=_events(installment),
            as_of=as_of,
            annual_rate=loan.annual_rate,
            markup=loan_type.penalty_markup,
            compound=loan_type.compound_interest,
        )
    except arithmetic.RepaymentError as err:
        raise BusinessError(translate_pure_error(err)) from None
    return Owing(
        principal=installment.principal - installment.principal_paid,
        interest=installment.interest - installment.interest_paid,
        penalty=max(penalty - installment.penalty_paid, ZERO),
        compound=max(compound - installment.compound_paid, ZERO),
    )


def _check_date(loan: Loan, paid_on: date) -> None:
    if paid_on > timezone.localdate():
        raise BusinessError(FUTURE_DATE, {"date": paid_on.isoformat()}, field="paid_on")
    if paid_on < loan.start_date:
        raise BusinessError(
            BEFORE_START, {"date": paid_on.isoformat(), "start": loan.start_date.isoformat()}, field="paid_on"
        )


def _lock(installment_id: int) -> Installment:
    installment = Installment.objects.select_for_update().select_related("loan__loan_type").get(pk=installment_id)
    installment.loan = Loan.objects.select_for_update().select_related("loan_type").get(pk=installment.loan_id)
    return installment


def _refresh_loan(loan: Loan, principal_change: Decimal, paid_on: date) -> None:
    loan.outstanding_principal -= principal_change
    unsettled = loan.installments.filter(settled_on__isnull=True).exists()
    loan.settled_on = None if unsettled else paid_on
    loan.save(update_fields=["outstanding_principal", "settled_on", "updated_at"])


def repayment_confirm(
    *,
    actor,
    installment_id: int,
    amount: Decimal | None,
    paid_on: date,
    channel: str = Channel.COUNTER,
    remark: str = "",
) -> Repayment:
    """Confirm a payment on one installment (还款确认). `amount` None means all that is owed.

    1. lock the installment and its loan; 2. compute what is owed on `paid_on`; 3. apply the
    amount (penalty and compound, interest, principal), refusing more than is owed; 4. write
    the ledger entry, the installment's paid amounts and the loan's balance; 5. audit.
    """
    with transaction.atomic():
        installment = _lock(installment_id)
        loan = installment.loan
        _check_date(loan, paid_on)
        owing = owing_on(installment, paid_on)
        if owing.total == 0:
            raise BusinessError(NOTHING_OWED)
        try:
            allocation = arithmetic.allocate(
                owing.total if amount is None else amount,
                arithmetic.Owed(
                    principal=owing.principal, interest=owing.interest, penalty=owing.penalty, compound=owing.compound
                ),
            )
        except arithmetic.RepaymentError as err:
            raise BusinessError(translate_pure_error(err), field="amount") from None
        entry = Repayment.objects.create(
            loan=loan,
            installment=installment,
            paid_on=paid_on,
            amount=allocation.total,
            principal=allocation.principal,
            interest=allocation.interest,
            penalty=allocation.penalty,
            compound=allocation.compound,
            channel=channel,
            remark=remark,
            created_by=actor,
        )
        installment.principal_paid += allocation.principal
        installment.interest_paid += allocation.interest
        installment.penalty_paid += allocation.penalty
        installment.compound_paid += allocation.compound
        installment.settled_on = paid_on if allocation.total == owing.total else None
        installment.save(
            update_fields=["principal_paid", "interest_paid", "penalty_paid", "compound_paid", "settled_on"]
        )
        _refresh_loan(loan, allocation.principal, paid_on)
        audit.record(
            actor,
            "repayments.repayment.confirmed",
            entry,
            changes={
                "installment": installment.period,
                "amount": allocation.total,
                "principal": allocation.principal,
                "interest": allocation.interest,
                "penalty": allocation.penalty,
                "compound": allocation.compound,
            },
        )
    return entry


def repayment_reverse(*, actor, repayment_id: int, reason: str) -> Repayment:
    """Reverse a confirmed repayment (冲正) with a reason: a negated entry naming it; the
    installment and loan return to the state they had without it."""
    if not reason.strip():
        raise BusinessError(REASON_REQUIRED, field="reason")
    with transaction.atomic():
        original = Repayment.objects.select_for_update().get(pk=repayment_id)
        if original.reverses_id is not None:
            raise BusinessError(REVERSAL_OF_REVERSAL)
        if Repayment.objects.filter(reverses=original).exists():
            raise BusinessError(ALREADY_REVERSED)
        installment = _lock(original.installment_id)
        later = Repayment.objects.filter(
            installment=installment, reverses__isnull=True, pk__gt=original.pk, reversal__isnull=True
        )
        if later.exists():
            raise BusinessError(LATER_PAYMENTS)
        reversal = Repayment.objects.create(
            loan=installment.loan,
            installment=installment,
            paid_on=original.paid_on,
            amount=-original.amount,
            principal=-original.principal,
            interest=-original.interest,
            penalty=-original.penalty,
            compound=-original.compound,
            channel=original.channel,
            remark=reason.strip()[:200],
            reverses=original,
            created_by=actor,
        )
        installment.principal_paid -= original.principal
        installment.interest_paid -= original.interest
        installment.penalty_paid -= original.penalty
        installment.compound_paid -= original.compound
        installment.settled_on = None
        installment.save(
            update_fields=["principal_paid", "interest_paid", "penalty_paid", "compound_paid", "settled_on"]
        )
        _refresh_loan(installment.loan, -original.principal, original.paid_on)
        audit.record(
            actor,
            "repayments.repayment.reversed",
            original,
            changes={
                "reversal": reversal.pk,
                "amount": original.amount,
                "reason": reason.strip(),
            },
        )
    return reversal
