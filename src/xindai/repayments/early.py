"""Early repayment (提前还款): part of the principal, or all of it, before it falls due.

The borrower pays principal now with the interest on it from the start of the current period
to the day. The plan's unsettled installments are replaced by one installment due on the
payment date (that principal and interest, settled at once by the payment) and — when
principal remains — the rest of the plan regenerated with the same method and end date
(``schedule.regenerate``). A full early repayment is the case with nothing remaining: the
loan is settled with interest up to the day. The replaced rows are kept: a new plan version
supersedes them from the payment date. Reversing the early repayment (冲正) restores them as a
version of its own, from the same date, and negates the payment (booked on the day).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.loans import plans, schedule
from xindai.loans.models import Installment, Loan, PlanVersion
from xindai.repayments import arithmetic
from xindai.repayments.models import Channel, EarlyRepayment, Repayment
from xindai.repayments.services import (
    ALREADY_REVERSED,
    PAID_FIELDS,
    REASON_REQUIRED,
    _entry,
    _post,
    check_date,
    refresh_loans,
    reverse_entry,
)

LOAN_SETTLED = _("This loan is already settled.")
SETTLE_DUE_FIRST = _(
    "Installment %(period)s, due on %(date)s, must be repaid first; an early repayment only pays "
    "principal that is not yet due."
)
PARTLY_PAID = _("Installment %(period)s is partly paid; settle it first, then repay early.")
BEFORE_PERIOD = _(
    "An early repayment can be dated from the day after %(start)s (the start of the current period or the "
    "last due date in the plan)."
)
LATER_ACTIVITY = _(
    "Repayments were made after this early repayment (installment %(period)s); reverse them first (newest first)."
)
PRINCIPAL_RANGE = _("The principal repaid early must be more than 0 and at most the outstanding %(outstanding)s.")
HAS_LEDGER = _("Installment %(period)s has reversed repayments; an early repayment cannot replace it.")
NOT_REVERSIBLE = _("This early repayment was made before plans had versions; its replaced plan cannot be restored.")

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


def early_plan(loan: Loan, paid_on: date, principal: Decimal | None, rows=None) -> EarlyPlan:
    """Work out an early repayment of `principal` (None: all of it) on `paid_on`, or refuse it.
    `rows`: the plan in force (locked by the caller), read when not given."""
    if loan.settled_on is not None:
        raise BusinessError(LOAN_SETTLED)
    check_date(loan, paid_on)
    rows = list(loan.installments.in_force()) if rows is None else rows
    unsettled = [row for row in rows if row.settled_on is None]
    for row in unsettled:
        if row.due_date <= paid_on:
            raise BusinessError(SETTLE_DUE_FIRST, {"period": row.period, "date": row.due_date.isoformat()})
        if row.principal_paid or row.interest_paid or row.penalty_paid or row.compound_paid:
            raise BusinessError(PARTLY_PAID, {"period": row.period})
    first = unsettled[0]
    # After the period's start and after every due date before it (another early repayment's
    # that day included): due dates strictly increase in every version.
    earliest = max([first.start_date, *(row.due_date for row in rows if row.period < first.period)])
    if paid_on <= earliest:
        raise BusinessError(BEFORE_PERIOD, {"start": earliest.isoformat()}, field="paid_on")
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


def early_repayment_confirm(
    *,
    actor,
    loan_id: int,
    paid_on: date,
    principal: Decimal | None,
    channel: str = Channel.COUNTER,
    remark: str = "",
) -> EarlyRepayment:
    """Confirm an early repayment: a new plan version from `paid_on` supersedes the unsettled
    rows; the payment settles its installment due that day.

    1. lock the loan, then its plan in force; 2. work out the plan; 3. add the version, supersede
    the replaced rows, insert the new ones; 4. post the payment; 5. the loan's balance; 6. audit.
    """
    with transaction.atomic(durable=True):
        loan, rows = plans.lock_plan(loan_id, Loan.objects.visible_to(actor))
        plan = early_plan(loan, paid_on, principal, rows)
        replaced_ids = [row.pk for row in plan.replaced]
        touched = loan.repayments.filter(installment_id__in=replaced_ids).values_list("installment__period", flat=True)
        if period := next(iter(touched), None):
            raise BusinessError(HAS_LEDGER, {"period": period})
        version = plans.new_version(loan, PlanVersion.Kind.EARLY_REPAYMENT, paid_on, actor=actor, reason=remark)
        plans.supersede(plan.replaced, version, paid_on)
        created = Installment.objects.bulk_create(
            plans.rows_for(loan, version, plan.rows, in_force_from=paid_on, settle_empty_on=paid_on)
        )
        current = created[0]
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
            version=version,
            created_by=actor,
        )
        audit.record(
            actor,
            AuditAction.EARLY_CONFIRMED,
            loan,
            changes={
                "kind": plan.kind,
                "paid_on": paid_on,
                "principal": plan.principal,
                "interest": plan.interest,
                "installments_replaced": len(plan.replaced),
                "installments_after": len(plan.rest),
                "version": version.number,
            },
        )
    return record


def early_repayment_reverse(*, actor, early_id: int, reason: str) -> EarlyRepayment:
    """Reverse an early repayment (冲正): the plan it replaced is in force again from its date (as
    a version of its own) and its payment is negated, booked today.

    1. lock the loan, then its plan; 2. refuse when reversed already or paid on since; 3. add
    the restoring version: supersede the early version's rows, copy back the replaced ones;
    4. the negated entry; 5. the loan's balance; 6. audit.
    """
    if not reason.strip():
        raise BusinessError(REASON_REQUIRED, field="reason")
    with transaction.atomic(durable=True):
        loan_id = EarlyRepayment.objects.visible_to(actor).filter(pk=early_id).values_list("loan_id", flat=True).first()
        if loan_id is None:
            raise Http404
        loan, _rows = plans.lock_plan(loan_id, Loan.objects.visible_to(actor))
        approval.guard(approval.Action.REPAYMENT_REVERSAL, target=loan.pk)
        record = (
            EarlyRepayment.objects.children_of(loan)
            .select_for_update(of=("self",))
            .select_related("repayment", "version")
            .get(pk=early_id)
        )
        if (
            record.reversed_by_id is not None
            or Repayment.objects.children_of(loan).filter(reverses=record.repayment).exists()
        ):
            raise BusinessError(ALREADY_REVERSED)
        if record.version is None:
            raise BusinessError(NOT_REVERSIBLE)
        ours = list(
            Installment.objects.children_of(loan).filter(version=record.version).select_for_update().order_by("period")
        )
        paid_since = [r for r in ours[1:] if r.principal_paid or r.interest_paid or r.penalty_paid or r.compound_paid]
        if paid_since or any(r.superseded_on is not None for r in ours):
            period = paid_since[0].period if paid_since else ours[0].period
            raise BusinessError(LATER_ACTIVITY, {"period": period})
        replaced = list(Installment.objects.children_of(loan).filter(superseded_by=record.version).order_by("period"))
        version = plans.new_version(
            loan, PlanVersion.Kind.EARLY_REVERSED, record.paid_on, actor=actor, reason=reason.strip()
        )
        plans.supersede(ours, version, record.paid_on)
        Installment.objects.children_of(loan).bulk_create([_copy(row, version, record.paid_on) for row in replaced])
        original = record.repayment
        current = Installment.objects.children_of(loan).select_for_update().get(pk=original.installment_id)
        reversal = reverse_entry(original, current, reason, actor)
        refresh_loans([loan.pk])
        record.reversed_by = version
        record.save(update_fields=["reversed_by"])
        audit.record(
            actor,
            AuditAction.EARLY_REVERSED,
            loan,
            changes={
                "early_repayment": record.pk,
                "reversal": reversal.pk,
                "reason": reason.strip(),
                "version": version.number,
            },
        )
    return record


def _copy(row: Installment, version: PlanVersion, on: date) -> Installment:
    """A row the early repayment had replaced, in force again from `on` (nothing was paid on it)."""
    return Installment(
        loan_id=row.loan_id,
        version=version,
        period=row.period,
        start_date=row.start_date,
        due_date=row.due_date,
        payable_on=row.payable_on,
        in_force_from=on,
        principal=row.principal,
        interest=row.interest,
        penalty_rate=row.penalty_rate,
        compound_rate=row.compound_rate,
        settled_on=None if row.total else row.due_date,
    )
