"""Extension (展期) and restructuring (重组): the rest of a loan's plan regenerated as a dated
contract change — a new plan version from the effective date; the replaced installments are kept,
superseded on that date (loans/plans.py). Both put the loan under watch: while watched it is
classified 关注 or worse, and a restructured loan overdue again 次级 or worse (``watch_floor``).

The installments in force falling due after the date, with nothing paid, are replaced: their
principal is planned again up to the new end date — an extension with the same method and rate,
a restructuring with the new ones. An amortizing plan keeps the loan's monthly day (start + k
months); interest-only plans their settlement day. Overdue installments stay owed as they are.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.credit.limits import latest_end_date
from xindai.credit.models import CreditSettings, LoanChange
from xindai.loans import plans, schedule
from xindai.loans.models import Installment, Loan, PlanVersion, RepaymentMethod

REASON_REQUIRED = _("Please give the reason for the change.")
SETTLED = _("This loan is settled.")
WRITTEN_OFF = _("This loan was written off; it can no longer be extended or restructured.")
DATE_RANGE = _("The change takes effect from a date after the loan started (%(start)s) and not after today.")
EXTENSION_AFTER_END = _("An extension must take effect before the loan's end date (%(end)s).")
END_NOT_LATER = _("The new end date must be after the current end date %(end)s.")
END_BEYOND_LIMIT = _(
    "An extension may reach at most %(limit)s (short-term loans: the original term; medium-term: half of it; "
    "long-term: three years, over all extensions)."
)
TOO_MANY = _("This loan was already extended %(count)s time(s); the settings allow %(max)s.")
CUSTOM_PLAN = _("A custom plan cannot be extended; restructure it to another repayment method.")
PAID_AFTER = _("Installment %(period)s, due after %(date)s, has repayments; date the change after %(due)s.")
NOTHING_LEFT = _("No installment falls due after %(date)s: there is nothing to plan again.")
END_AFTER_DATE = _("The new end date must be after the effective date.")
RATE_RANGE = _("The annual rate must be from 0 to 36 (a percent a year).")
NOTHING_CHANGED = _("The new terms are the same as the terms in force.")


def credit_settings() -> CreditSettings:
    row, _created = CreditSettings.objects.get_or_create(pk=1)
    return row


@dataclass(frozen=True)
class Replan:
    """What a change would do (shown to the checker before it runs)."""

    replaced: list[Installment]
    rows: list[schedule.Installment]
    principal: Decimal


def _replaced(loan: Loan, rows: list[Installment], effective: date, rate_changes: bool) -> list[Installment]:
    later = [row for row in rows if row.due_date > effective]
    paid = [row for row in later if row.settled_on or row.principal_paid or row.interest_paid or row.penalty_paid]
    if paid:
        due = max(row.due_date for row in paid)
        raise BusinessError(
            PAID_AFTER, {"period": paid[0].period, "date": effective.isoformat(), "due": due.isoformat()}
        )
    if rate_changes and loan.method in schedule.AMORTIZING:  # the new rate from the next period (as contract.py)
        later = [row for row in later if row.start_date >= effective]
    if not later:
        raise BusinessError(NOTHING_LEFT, {"date": effective.isoformat()})
    return later


def replan(loan: Loan, rows, effective: date, new_end: date, method: str, rate: Decimal) -> Replan:
    """The new rows of the plan from `effective` to `new_end` on `method` and `rate` (nothing stored)."""
    if new_end <= effective:
        raise BusinessError(END_AFTER_DATE, field="new_end_date")
    if not Decimal(0) <= rate <= schedule.MAX_RATE:
        raise BusinessError(RATE_RANGE, field="annual_rate")
    if method == RepaymentMethod.CUSTOM:
        raise BusinessError(CUSTOM_PLAN, field="method")
    replaced = _replaced(loan, rows, effective, rate != loan.annual_rate)
    start = replaced[0].start_date
    principal = sum((row.principal for row in replaced), Decimal("0.00"))
    try:
        if method in schedule.AMORTIZING:
            dates = [d for d in schedule.monthly_due_dates(loan.start_date, new_end) if d > start]
        else:
            dates = schedule.settlement_dates(start, new_end, method, loan.settlement_day)
        daily = method not in schedule.AMORTIZING and rate != loan.annual_rate and start < effective
        new = schedule.regenerate(
            amount=principal,
            annual_rate=rate,
            start=start,
            due_dates=dates,
            method=method,
            earlier=(loan.annual_rate, effective) if daily else None,
        )
    except schedule.ScheduleError as err:
        raise BusinessError(translate_pure_error(err), field="new_end_date") from None
    first = replaced[0].period
    numbered = [
        schedule.Installment(first + i, r.start_date, r.due_date, r.principal, r.interest, r.balance)
        for i, r in enumerate(new)
    ]
    return Replan(replaced, numbered, principal)


def check_extension(loan: Loan, effective: date, new_end: date) -> None:
    """The extension rules: before the end date, later than it, within the limits, not too often."""
    if effective >= loan.end_date:
        raise BusinessError(EXTENSION_AFTER_END, {"end": loan.end_date.isoformat()}, field="effective_from")
    if new_end <= loan.end_date:
        raise BusinessError(END_NOT_LATER, {"end": loan.end_date.isoformat()}, field="new_end_date")
    extensions = list(
        LoanChange.objects.children_of(loan).filter(kind=LoanChange.Kind.EXTENSION).order_by("effective_from", "pk")
    )
    allowed = credit_settings().max_extensions
    if len(extensions) >= allowed:
        raise BusinessError(TOO_MANY, {"count": len(extensions), "max": allowed})
    original_end = extensions[0].old_end_date if extensions else loan.end_date
    limit = latest_end_date(loan.start_date, original_end)
    if new_end > limit:
        raise BusinessError(END_BEYOND_LIMIT, {"limit": limit.isoformat()}, field="new_end_date")


def _check_loan(loan: Loan, effective: date) -> None:
    if loan.settled_on is not None:
        raise BusinessError(SETTLED)
    if hasattr(loan, "write_off"):
        raise BusinessError(WRITTEN_OFF)
    if not loan.start_date < effective <= timezone.localdate():
        raise BusinessError(DATE_RANGE, {"start": loan.start_date.isoformat()}, field="effective_from")


def preview(*, loan: Loan, kind: str, effective_from: date, new_end_date: date, method=None, annual_rate=None):
    """What the change would do, refusing what the service would refuse (the maker's request)."""
    rows = list(Installment.objects.children_of(loan).in_force())
    return _validated(loan, rows, kind, effective_from, new_end_date, method, annual_rate)


def _validated(loan, rows, kind, effective, new_end, method, rate) -> Replan:
    _check_loan(loan, effective)
    method = method or loan.method
    rate = loan.annual_rate if rate is None else rate
    if kind == LoanChange.Kind.EXTENSION:
        method, rate = loan.method, loan.annual_rate
        check_extension(loan, effective, new_end)
    elif (new_end, method, rate) == (loan.end_date, loan.method, loan.annual_rate):
        raise BusinessError(NOTHING_CHANGED)
    return replan(loan, rows, effective, new_end, method, rate)


def loan_change_apply(
    *,
    actor,
    loan_id: int,
    kind: str,
    effective_from: date,
    new_end_date: date,
    reason: str,
    method: str | None = None,
    annual_rate: Decimal | None = None,
) -> LoanChange:
    """Extend (kind "extension": a new end date) or restructure (new end date, method, rate) a loan
    from `effective_from`, with a reason: a new plan version, the loan watched from that date."""
    reason = reason.strip()
    if not reason:
        raise BusinessError(REASON_REQUIRED, field="reason")
    with transaction.atomic(durable=True):
        loan, rows = plans.lock_plan(loan_id, Loan.objects.visible_to(actor))
        approval.guard(approval.Action.EXTENSION, target=loan.pk)
        planned = _validated(loan, rows, kind, effective_from, new_end_date, method, annual_rate)
        before = {"end_date": loan.end_date, "method": loan.method, "annual_rate": loan.annual_rate}
        if kind == LoanChange.Kind.RESTRUCTURING:
            loan.method = method or loan.method
            loan.annual_rate = loan.annual_rate if annual_rate is None else annual_rate
        loan.end_date = new_end_date
        loan.save(update_fields=["end_date", "method", "annual_rate", "updated_at"])
        label = LoanChange.Kind(kind).label
        version = plans.new_version(
            loan, PlanVersion.Kind.CONTRACT_CHANGE, effective_from, actor=actor, reason=f"{label}：{reason}"
        )
        plans.supersede(planned.replaced, version, effective_from)
        Installment.objects.bulk_create(plans.rows_for(loan, version, planned.rows, in_force_from=effective_from))
        change = LoanChange.objects.create(
            loan=loan,
            kind=kind,
            version=version,
            effective_from=effective_from,
            old_end_date=before["end_date"],
            new_end_date=new_end_date,
            old_method=before["method"],
            new_method=loan.method,
            old_rate=before["annual_rate"],
            new_rate=loan.annual_rate,
            principal=planned.principal,
            watch_until=schedule.add_months(effective_from, credit_settings().watch_months),
            reason=reason[:200],
            created_by=actor,
        )
        audit.record(
            actor,
            AuditAction.LOAN_EXTENDED if kind == LoanChange.Kind.EXTENSION else AuditAction.LOAN_RESTRUCTURED,
            loan,
            changes={
                "effective_from": effective_from,
                "version": version.number,
                "end_date": [before["end_date"], new_end_date],
                "method": [before["method"], loan.method],
                "annual_rate": [before["annual_rate"], loan.annual_rate],
                "principal": planned.principal,
                "installments_replaced": len(planned.replaced),
                "watch_until": change.watch_until,
                "reason": reason,
            },
        )
    return change


# --- the classification floor while watched ----------------------------------------------------


def watch_floor(as_of: date):
    """Expression: the least category rank (repayments.classification.RANKS) of the outer loan on
    `as_of` while it is watched — 关注 (1), or 次级 (2) for a restructured loan overdue again."""
    watched = LoanChange.objects.children_of(OuterRef("pk")).filter(effective_from__lte=as_of, watch_until__gt=as_of)
    restructured = watched.filter(kind=LoanChange.Kind.RESTRUCTURING)
    return Case(
        When(Q(Exists(restructured)) & Q(days_overdue__gt=0), then=Value(2)),
        When(Exists(watched), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def watch_join_sql(loan: str, day: str | None = None) -> str:
    """A LEFT JOIN giving the column ``watch`` of a report statement's loans on its dates (the
    ``%s`` parameter: an array of dates): 2 while a restructuring watches the loan, 1 while an
    extension does, NULL otherwise. One grouped pass over the changes, hash-joined to the loans
    (`loan` the loan's id column, `day` the statement's date column when it has several days)."""
    on_day = f" AND wt.wday = {day}" if day else ""
    # `loan` and `day` are the statement's column names; the dates are a parameter.
    return (
        "LEFT JOIN (SELECT d2.day AS wday, w.loan_id,"  # noqa: S608
        " MAX(CASE WHEN w.kind = 'restructuring' THEN 2 ELSE 1 END) AS watch"
        " FROM unnest(%s::date[]) AS d2(day) JOIN credit_loanchange w"
        " ON w.effective_from <= d2.day AND w.watch_until > d2.day GROUP BY d2.day, w.loan_id) wt"
        f" ON wt.loan_id = {loan}{on_day}"
    )


# The least rank (repayments.classification.RANKS) over the columns `watch` and `days` (overdue):
# 关注 while watched, 次级 for a restructured loan overdue again (watch_floor in SQL).
WATCH_FLOOR_SQL = "CASE WHEN watch = 2 AND days > 0 THEN 2 WHEN watch >= 1 THEN 1 ELSE 0 END"
