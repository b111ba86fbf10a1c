"""When each loan is to be inspected (贷后检查计划), as SQL over the loans of a scope.

The rule of the loan's type (or the defaults): the first visit within N days of disbursement,
then one every M months after the last visit, and — when the loan became overdue after the last
visit — one within K days of the day it became overdue. The next visit is due on the earliest
of these; a visit is overdue the day after that date.
"""

from datetime import date, timedelta

from django.db.models import Case, DateField, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least

from xindai.loans.models import Installment
from xindai.loans.owed import unsettled_on
from xindai.postloan.models import (
    DEFAULT_AFTER_OVERDUE_DAYS,
    DEFAULT_EVERY_MONTHS,
    DEFAULT_FIRST_WITHIN_DAYS,
    Inspection,
)

DUE_WINDOW_DAYS = 7  # "due": the next visit falls within the coming week


class _AddDays(Func):
    """date + whole days (PostgreSQL: date + integer is a date)."""

    template = "(%(expressions)s)"
    arg_joiner = " + "
    output_field = DateField()


class _AddMonths(Func):
    """date + whole months, on the same day or the month's last one (PostgreSQL's interval)."""

    template = "(%(expressions)s))::date"
    arg_joiner = " + make_interval(months => "
    output_field = DateField()


def _rule(field: str, default: int):
    return Coalesce(F(f"loan_type__inspection_rule__{field}"), Value(default), output_field=IntegerField())


def with_schedule(loans, as_of: date):
    """Loans annotated with `last_inspected`, `overdue_since` (first day overdue, as of
    `as_of`) and `next_inspection` (the date the next visit is due by)."""
    last = Inspection.objects.children_of(OuterRef("pk")).filter(inspected_on__lte=as_of).order_by("-inspected_on")
    oldest_overdue = unsettled_on(
        Installment.objects.children_of(OuterRef("pk")).filter(payable_on__lt=as_of), as_of
    ).order_by("payable_on")
    loans = loans.annotate(
        last_inspected=Subquery(last.values("inspected_on")[:1], output_field=DateField()),
        overdue_since=_AddDays(Subquery(oldest_overdue.values("payable_on")[:1], output_field=DateField()), Value(1)),
    )
    regular = Case(
        When(
            last_inspected__isnull=True,
            then=_AddDays(F("start_date"), _rule("first_within_days", DEFAULT_FIRST_WITHIN_DAYS)),
        ),
        default=_AddMonths(F("last_inspected"), _rule("every_months", DEFAULT_EVERY_MONTHS)),
        output_field=DateField(),
    )
    after_overdue = Case(
        When(
            Q(overdue_since__isnull=False)
            & (Q(last_inspected__isnull=True) | Q(last_inspected__lt=F("overdue_since"))),
            then=_AddDays(F("overdue_since"), _rule("after_overdue_days", DEFAULT_AFTER_OVERDUE_DAYS)),
        ),
        default=None,
        output_field=DateField(),
    )
    return loans.annotate(next_inspection=Least(regular, after_overdue))


def active_on(as_of: date) -> Q:
    """Loans disbursed by `as_of` and not settled on it: those that are inspected."""
    return Q(start_date__lte=as_of) & (Q(settled_on__isnull=True) | Q(settled_on__gt=as_of))


def due_filter(view: str, as_of: date) -> Q:
    """`overdue`: the visit's date has passed; `due`: it falls within the coming week (today
    included); `todo`: both."""
    soon = as_of + timedelta(days=DUE_WINDOW_DAYS)
    if view == "overdue":
        return Q(next_inspection__lt=as_of)
    if view == "due":
        return Q(next_inspection__gte=as_of, next_inspection__lte=soon)
    if view == "todo":
        return Q(next_inspection__lte=soon)
    return Q()
