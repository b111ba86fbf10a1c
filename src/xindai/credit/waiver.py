"""Waiver (减免) of penalty and compound interest — and of interest where the settings allow — on
one installment, in part or whole, with a reason (after approval where the policy asks).

The waived amounts are a ledger entry of their own (channel 减免), valued and booked today: what
is owed falls as with a payment, on that date, and every figure as of a date follows from the
ledger as ever. It is no collection (reports/queries.py leaves it out) and is reversed like
any entry (冲正).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.credit.models import Waiver
from xindai.credit.restructure import credit_settings
from xindai.repayments import arithmetic
from xindai.repayments.models import Channel, Repayment
from xindai.repayments.services import PAID_FIELDS, SUPERSEDED, _lock, _post, owing_on, refresh_loans

REASON_REQUIRED = _("Please give the reason for the waiver.")
NOTHING_WAIVED = _("Enter an amount to waive.")
NEGATIVE = _("An amount waived cannot be negative.")
MORE_THAN_OWED = _("%(what)s: %(amount)s is more than the %(owed)s owed.")
INTEREST_NOT_ALLOWED = _("The settings do not allow waiving interest; waive penalty and compound interest only.")
ZERO = Decimal("0.00")


def waiver_owing(installment) -> dict[str, Decimal]:
    """What can be waived today: the interest, penalty and compound interest owed."""
    owing = owing_on(installment, timezone.localdate())
    return {"interest": owing.interest, "penalty": owing.penalty, "compound": owing.compound}


def check_amounts(installment, interest: Decimal, penalty: Decimal, compound: Decimal) -> None:
    amounts = {"interest": interest, "penalty": penalty, "compound": compound}
    if any(value < 0 for value in amounts.values()):
        raise BusinessError(NEGATIVE)
    if not any(amounts.values()):
        raise BusinessError(NOTHING_WAIVED)
    if interest and not credit_settings().waive_interest:
        raise BusinessError(INTEREST_NOT_ALLOWED, field="interest")
    owed = waiver_owing(installment)
    labels = {"interest": _("interest"), "penalty": _("penalty interest"), "compound": _("compound interest")}
    for name, value in amounts.items():
        if value != value.quantize(Decimal("0.01")) or value > owed[name]:
            raise BusinessError(MORE_THAN_OWED, {"what": labels[name], "amount": value, "owed": owed[name]}, field=name)


def installment_waive(
    *,
    actor,
    installment_id: int,
    reason: str,
    penalty: Decimal = ZERO,
    compound: Decimal = ZERO,
    interest: Decimal = ZERO,
) -> Waiver:
    """Waive the given amounts on one installment today: a ledger entry (减免) and its record."""
    reason = reason.strip()
    if not reason:
        raise BusinessError(REASON_REQUIRED, field="reason")
    today = timezone.localdate()
    with transaction.atomic(durable=True):
        installment = _lock(installment_id, actor)
        approval.guard(approval.Action.WAIVER, target=installment.loan_id)
        if installment.superseded_on is not None:
            raise BusinessError(SUPERSEDED)
        owed = owing_on(installment, today)
        check_amounts(installment, interest, penalty, compound)
        entry = Repayment.objects.create(
            loan_id=installment.loan_id,
            installment=installment,
            paid_on=today,
            accounting_date=today,
            amount=interest + penalty + compound,
            principal=ZERO,
            interest=interest,
            penalty=penalty,
            compound=compound,
            days_late=arithmetic.days_late(today, installment.payable_on),
            channel=Channel.WAIVER,
            remark=reason[:200],
            created_by=actor,
        )
        _post(installment, entry)
        installment.settled_on = today if entry.amount == owed.total else None
        installment.save(update_fields=PAID_FIELDS)
        refresh_loans([installment.loan_id])
        waiver = Waiver.objects.create(
            loan_id=installment.loan_id,
            repayment=entry,
            waived_on=today,
            interest=interest,
            penalty=penalty,
            compound=compound,
            reason=reason[:200],
            created_by=actor,
        )
        audit.record(
            actor,
            AuditAction.INSTALLMENT_WAIVED,
            installment.loan,
            changes={
                "installment": installment.period,
                "interest": interest,
                "penalty": penalty,
                "compound": compound,
                "reason": reason,
            },
        )
    return waiver


def waivers(user, date_from: date, date_to: date):
    """The waiver report (减免报表): waivers in scope in the period, net of their reversals, and totals."""
    rows = (
        Waiver.objects.visible_to(user)
        .filter(waived_on__gte=date_from, waived_on__lte=date_to)
        .select_related("loan", "loan__customer", "repayment", "repayment__installment", "created_by")
        .order_by("-waived_on", "-id")
    )
    totals = rows.filter(repayment__reversal__isnull=True).aggregate(
        interest=Sum("interest"), penalty=Sum("penalty"), compound=Sum("compound")
    )
    totals = {k: v or ZERO for k, v in totals.items()}
    totals["total"] = sum(totals.values(), ZERO)
    return rows, totals
