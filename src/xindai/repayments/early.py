"""Early repayment (提前还款): part of the principal, or all of it, before it falls due.

The borrower pays principal now with the interest on it from the start of the current period
to the day. The plan's unsettled installments are replaced by one installment due on the
payment date (that principal and interest, settled at once by the payment) and — when
principal remains — the rest of the plan regenerated with the same method and end date
(``schedule.regenerate``). A full early repayment is the case with nothing remaining: the
loan is settled with interest up to the day. The replaced rows are kept on the
``EarlyRepayment`` record and the change is audited.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.loans import schedule
from xindai.loans.models import Installment, Loan
from xindai.repayments import arithmetic
from xindai.repayments.models import Channel, EarlyRepayment
from xindai.repayments.services import PAID_FIELDS, _entry, _post, check_date, refresh_loans

LOAN_SETTLED = _("This loan is already settled.")
SETTLE_DUE_FIRST = _(
    "Installment %(period)s, due on %(date)s, must be repaid first; an early repayment only pays "
    "principal that is not yet due."
)
PARTLY_PAID = _("Installment %(period)s is partly paid; settle it first, then repay early.")
BEFORE_PERIOD = _("An early repayment can be dated from the day after %(start)s (the start of the current period).")
PRINCIPAL_RANGE = _("The principal repaid early must be more than 0 and at most the outstanding %(outstanding)s.")
HAS_LEDGER = _("Installment %(period)s has reversed repayments; an early repayment cannot replace it.")

ZERO = Decimal("0.00")


@dataclass
class EarlyPlan:
    """An early repayment as it would be confirmed: the payment and the plan after it."""

    paid_on: date
    principal: Decimal
    interest: Decimal
    outstanding: Decimal
    current: schedule.Installment  # the installment the payment settles
    rest: list[schedule.Installment] = field(default_factory=list)  # periods numbered in the loan
    replaced: list[Installment] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return EarlyRepayment.Kind.PARTIAL if self.rest else EarlyRepayment.Kind.FULL

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest

    @property
    def rows(self) -> list[schedule.Installment]:
        return [self.current, *self.rest]


def early_plan(loan: Loan, paid_on: date, principal: Decimal | None) -> EarlyPlan:
    """Work out an early repayment of `principal` (None: all of it) on `paid_on`, or refuse it."""
    if loan.settled_on is not None:
        raise BusinessError(LOAN_SETTLED)
    check_date(loan, paid_on)
    unsettled = list(loan.installments.filter(settled_on__isnull=True).order_by("period"))
    for row in unsettled:
        if row.due_date <= paid_on:
            raise BusinessError(SETTLE_DUE_FIRST, {"period": row.period, "date": row.due_date.isoformat()})
        if row.principal_paid or row.interest_paid or row.penalty_paid or row.compound_paid:
            raise BusinessError(PARTLY_PAID, {"period": row.period})
    first = unsettled[0]
    if paid_on <= first.start_date:
        raise BusinessError(BEFORE_PERIOD, {"start": first.start_date.isoformat()}, field="paid_on")
    outstanding = sum((row.principal for row in unsettled), ZERO)
    principal = outstanding if principal is None else principal
    if not ZERO < principal <= outstanding:
        raise BusinessError(PRINCIPAL_RANGE, {"outstanding": outstanding}, field="principal")
    try:
        interest = arithmetic.interest_for_days(principal, (paid_on - first.start_date).days, loan.annual_rate)
        current = schedule.Installment(
            first.period, first.start_date, paid_on, principal, interest, outstanding - principal
        )
        rest = []
        if principal < outstanding:
            regenerated = schedule.regenerate(
                amount=outstanding - principal,
                annual_rate=loan.annual_rate,
                start=first.start_date,
                due_dates=[row.due_date for row in unsettled],
                method=loan.method,
                principals=[row.principal for row in unsettled],
            )
            rest = [
                schedule.Installment(first.period + i, r.start_date, r.due_date, r.principal, r.interest, r.balance)
                for i, r in enumerate(regenerated, start=1)
            ]
    except (arithmetic.RepaymentError, schedule.ScheduleError) as err:
        raise BusinessError(translate_pure_error(err)) from None
    return EarlyPlan(paid_on, principal, interest, outstanding, current, rest, unsettled)


def _plain(row: Installment) -> dict:
    return {
        "period": row.period,
        "start_date": row.start_date.isoformat(),
        "due_date": row.due_date.isoformat(),
        "principal": str(row.principal),
        "interest": str(row.interest),
    }


def early_repayment_confirm(
    *,
    actor,
    loan_id: int,
    paid_on: date,
    principal: Decimal | None,
    channel: str = Channel.COUNTER,
    remark: str = "",
) -> EarlyRepayment:
    """Confirm an early repayment: replace the unsettled plan, post the payment, settle what it pays."""
    with transaction.atomic():
        loan = (
            Loan.objects.visible_to(actor).select_for_update(of=("self",)).select_related("loan_type").get(pk=loan_id)
        )
        list(loan.installments.select_for_update().filter(settled_on__isnull=True))
        plan = early_plan(loan, paid_on, principal)
        replaced_ids = [row.pk for row in plan.replaced]
        touched = loan.repayments.filter(installment_id__in=replaced_ids).values_list("installment__period", flat=True)
        if period := next(iter(touched), None):
            raise BusinessError(HAS_LEDGER, {"period": period})
        loan.installments.filter(pk__in=replaced_ids).delete()
        created = Installment.objects.bulk_create(
            [
                Installment(
                    loan=loan,
                    period=row.period,
                    start_date=row.start_date,
                    due_date=row.due_date,
                    principal=row.principal,
                    interest=row.interest,
                    # A row the early repayment left with nothing due is settled by it.
                    settled_on=None if row.total else paid_on,
                )
                for row in plan.rows
            ]
        )
        current = loan.installments.get(period=plan.current.period) if not created[0].pk else created[0]
        allocation = arithmetic.Allocation(
            penalty=ZERO, compound=ZERO, interest=plan.interest, principal=plan.principal
        )
        entry = _entry(current, allocation, paid_on, channel, remark, actor)
        entry.save(force_insert=True)
        _post(current, entry)
        current.settled_on = paid_on
        current.save(update_fields=PAID_FIELDS)
        refresh_loans([loan.pk])
        record = EarlyRepayment.objects.create(
            loan=loan,
            repayment=entry,
            kind=plan.kind,
            paid_on=paid_on,
            principal=plan.principal,
            interest=plan.interest,
            previous_plan=[_plain(row) for row in plan.replaced],
            created_by=actor,
        )
        audit.record(
            actor,
            "repayments.early_repayment.confirmed",
            loan,
            changes={
                "kind": plan.kind,
                "paid_on": paid_on,
                "principal": plan.principal,
                "interest": plan.interest,
                "installments_replaced": len(plan.replaced),
                "installments_after": len(plan.rest),
            },
        )
    return record
