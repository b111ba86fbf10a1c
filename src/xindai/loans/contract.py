"""Dated contract changes (合同变更) and LPR repricing (重定价): a new plan version from a date.

A change of terms takes effect on its date: the installments in force that fall due after it
and have nothing paid are superseded by a new version computed on the new terms; figures before
the date never change. The rate runs from the date: 等额本息/等额本金 take the new rate from the
first period that starts on or after it (a bank's new monthly payment starts with the next
period); daily-interest methods split the period it falls in (分段计息). A new penalty markup or
compound switch applies to the installments falling due from the date (an installment's penalty
runs at the rate of the contract it fell due under).

Repricing (LPR loans): on each repricing date of the contract the LPR of its tenor last published
before that date, plus the loan's spread, becomes its rate — the same change, made by the daily
engine (``reprice_due``: the worker's clock and ``xindai reprice``). A repricing date is applied
once (a unique version per loan and date), so the engine may run as often as it likes.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.scope import system_scope
from xindai.loans import lpr, plans, schedule
from xindai.loans.models import MAX_MARKUP, MIN_MARKUP, Installment, Loan, PlanVersion, RateType
from xindai.loans.services import MARKUP_RANGE

REASON_REQUIRED = _("Please give the reason for the contract change.")
NOTHING_CHANGED = _("The new terms are the same as the terms in force.")
DATE_RANGE = _("A contract change takes effect from a date after the loan started (%(start)s) and not after today.")
PAID_AFTER = _(
    "Installment %(period)s, due after %(date)s, has repayments; date the change after %(due)s or reverse them first."
)
LOAN_SETTLED = _("This loan is settled; its terms can no longer change.")
RATE_RANGE = _("The annual rate must be from 0 to 36 (a percent a year).")
TERM_FIELDS = ("annual_rate", "penalty_markup", "compound_interest")


@dataclass(frozen=True)
class NewTerms:
    annual_rate: Decimal
    penalty_markup: Decimal
    compound_interest: bool


def contract_change(
    *,
    actor,
    loan_id: int,
    effective_from: date,
    reason: str,
    annual_rate=None,
    penalty_markup=None,
    compound_interest=None,
) -> PlanVersion:
    """Change a loan's rate, penalty markup or compound switch from `effective_from`, with a reason."""
    if not reason.strip():
        raise BusinessError(REASON_REQUIRED, field="reason")
    with transaction.atomic(durable=True):
        loan, rows = plans.lock_plan(loan_id, Loan.objects.visible_to(actor))
        approval.guard(approval.Action.TERMS_CHANGE, target=loan.pk)
        if not loan.start_date < effective_from <= timezone.localdate():
            raise BusinessError(DATE_RANGE, {"start": loan.start_date.isoformat()}, field="effective_from")
        terms = NewTerms(
            loan.annual_rate if annual_rate is None else annual_rate,
            loan.penalty_markup if penalty_markup is None else penalty_markup,
            loan.compound_interest if compound_interest is None else compound_interest,
        )
        _check(loan, terms)
        return _apply(loan, rows, terms, effective_from, PlanVersion.Kind.CONTRACT_CHANGE, actor, reason.strip())


def _check(loan: Loan, terms: NewTerms) -> None:
    if loan.settled_on is not None:
        raise BusinessError(LOAN_SETTLED)
    if not Decimal(0) <= terms.annual_rate <= schedule.MAX_RATE:
        raise BusinessError(RATE_RANGE, field="annual_rate")
    if not MIN_MARKUP <= terms.penalty_markup <= MAX_MARKUP:
        raise BusinessError(MARKUP_RANGE, field="penalty_markup")
    if all(getattr(loan, name) == getattr(terms, name) for name in TERM_FIELDS):
        raise BusinessError(NOTHING_CHANGED)


_ACTIONS = {
    PlanVersion.Kind.CONTRACT_CHANGE: AuditAction.LOAN_CONTRACT_CHANGED,
    PlanVersion.Kind.REPRICING: AuditAction.LOAN_REPRICED,
}


def _apply(loan, rows, terms: NewTerms, effective: date, kind, actor, reason, quote=None) -> PlanVersion:
    """Supersede the rows `terms` change from `effective` and add their new version (loan locked)."""
    later = [row for row in rows if row.due_date > effective]
    paid = [row for row in later if row.settled_on or row.principal_paid or row.interest_paid or row.penalty_paid]
    if paid:
        due = max(row.due_date for row in paid)
        raise BusinessError(
            PAID_AFTER, {"period": paid[0].period, "date": effective.isoformat(), "due": due.isoformat()}
        )
    before = {name: getattr(loan, name) for name in TERM_FIELDS}
    old_rate = loan.annual_rate
    for name in TERM_FIELDS:
        setattr(loan, name, getattr(terms, name))
    loan.save(update_fields=[*TERM_FIELDS, "updated_at"])
    version = plans.new_version(loan, kind, effective, actor=actor, reason=reason, lpr=quote)
    penalty_changed = (before["penalty_markup"], before["compound_interest"]) != (
        terms.penalty_markup,
        terms.compound_interest,
    )
    replaced, plan = _regenerated(loan, later, old_rate, effective, penalty_changed)
    plans.supersede(replaced, version, effective)
    Installment.objects.bulk_create(plans.rows_for(loan, version, plan, in_force_from=effective))
    audit.record(
        actor,
        _ACTIONS[kind],
        loan,
        changes={
            "effective_from": effective,
            "version": version.number,
            "reason": reason,
            **{
                name: [before[name], getattr(terms, name)]
                for name in TERM_FIELDS
                if before[name] != getattr(terms, name)
            },
            "installments_replaced": len(replaced),
            **({"lpr": quote[1], "lpr_announced_on": quote[0]} if quote else {}),
        },
    )
    return version


def _regenerated(loan: Loan, later: list[Installment], old_rate: Decimal, effective: date, penalty_changed: bool):
    """(rows replaced, the new schedule rows) for the loan's new terms from `effective`."""
    if loan.annual_rate == old_rate:  # the penalty terms only: the same amounts at new penalty rates
        return (later, [_same(row) for row in later]) if penalty_changed else ([], [])
    if loan.method in schedule.AMORTIZING:
        later = [row for row in later if row.start_date >= effective]
    if not later:
        return [], []
    try:
        rest = schedule.regenerate(
            amount=sum((row.principal for row in later), Decimal("0.00")),
            annual_rate=loan.annual_rate,
            start=later[0].start_date,
            due_dates=[row.due_date for row in later],
            method=loan.method,
            principals=[row.principal for row in later],
            earlier=(old_rate, effective),
        )
    except schedule.ScheduleError as err:
        raise BusinessError(translate_pure_error(err)) from None
    first = later[0].period
    return later, [
        schedule.Installment(first + i, r.start_date, r.due_date, r.principal, r.interest, r.balance)
        for i, r in enumerate(rest)
    ]


def _same(row: Installment) -> schedule.Installment:
    return schedule.Installment(row.period, row.start_date, row.due_date, row.principal, row.interest, Decimal(0))


# --- LPR repricing --------------------------------------------------------------------------


REPRICING = system_scope("repricing engine")  # the bank's own engine: every LPR loan


def loan_reprice(*, loan_id: int, on: date, actor=None) -> PlanVersion | None:
    """Apply the repricing date `on` to an LPR loan (idempotent: None when it was applied already)."""
    try:
        with transaction.atomic(durable=True):
            loan, rows = plans.lock_plan(loan_id, Loan.objects.visible_to(REPRICING))
            if loan.plan_versions.filter(kind=PlanVersion.Kind.REPRICING, effective_from=on).exists():
                return None
            quote = lpr.quote_before(on, lpr.tenor(loan.start_date, loan.end_date))
            terms = NewTerms(lpr.priced(quote[1], loan.lpr_spread_bp), loan.penalty_markup, loan.compound_interest)
            reason = str(_("LPR %(lpr)s%% of %(date)s %(sign)s %(spread)s bp")) % {
                "lpr": quote[1],
                "date": quote[0].isoformat(),
                "sign": "-" if loan.lpr_spread_bp < 0 else "+",
                "spread": abs(loan.lpr_spread_bp),
            }
            return _apply(loan, rows, terms, on, PlanVersion.Kind.REPRICING, actor, reason, quote)
    except IntegrityError:  # another engine applied it at the same moment
        return None


def due_repricings(as_of: date, loans=None) -> list[tuple[int, date]]:
    """(loan id, repricing date) of every live LPR loan's repricing dates up to `as_of` not yet applied."""
    loans = (
        (loans if loans is not None else Loan.objects.visible_to(REPRICING))
        .filter(rate_type=RateType.LPR, start_date__lt=as_of)
        .filter(Q(settled_on__isnull=True) | Q(settled_on__gt=as_of))
    )
    applied = set(
        PlanVersion.objects.children_of(loans)
        .filter(kind=PlanVersion.Kind.REPRICING)
        .values_list("loan_id", "effective_from")
    )
    due = [
        (loan_id, day)
        for loan_id, start, end, rule in loans.values_list("pk", "start_date", "end_date", "repricing").iterator()
        for day in lpr.repricing_dates(start, end, rule)
        if day <= as_of and (loan_id, day) not in applied
    ]
    return sorted(due, key=lambda item: (item[1], item[0]))


def reprice_due(as_of: date | None = None, *, dry_run: bool = False) -> tuple[int, int]:
    """The daily engine: apply every repricing date up to `as_of` (today) not yet applied, oldest
    first. Returns (due, applied); a loan whose repricing fails (no LPR published) is skipped."""
    due = due_repricings(as_of or timezone.localdate())
    if dry_run:
        return len(due), 0
    applied = 0
    for loan_id, day in due:
        try:
            applied += loan_reprice(loan_id=loan_id, on=day) is not None
        except BusinessError:
            continue
    return len(due), applied
