"""The bank calendar (节假日与调休) as stored, and the payable dates it gives installments."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.loans.models import BankDay, HolidayRule, Installment, Loan
from xindai.loans.workdays import Calendar, payable_on

PAST_DAY = _("%(day)s is before today: the payable dates computed from it are history and cannot change.")
WALK = timedelta(days=62)


def calendar_between(start: date, end: date) -> Calendar:
    """The calendar of [start, end + 62 days] (one query)."""
    rows = BankDay.objects.filter(day__gte=start, day__lte=end + WALK).values_list("day", "kind")
    holidays = frozenset(day for day, kind in rows if kind == BankDay.Kind.HOLIDAY)
    workdays = frozenset(day for day, kind in rows if kind == BankDay.Kind.WORKDAY)
    return Calendar(holidays, workdays)


def bank_day_set(*, actor, day: date, kind: str | None, name: str = "") -> date:
    """Make `day` a holiday, a working day, or (kind None) what the week says; the payable dates of
    the unsettled installments of 顺延 loans around it follow. Days before today are history."""
    if day < timezone.localdate():
        raise BusinessError(PAST_DAY, {"day": day.isoformat()}, field="day")
    with transaction.atomic(durable=True):
        before = BankDay.objects.filter(day=day).values_list("kind", flat=True).first()
        BankDay.objects.filter(day=day).delete()
        if kind:
            BankDay.objects.create(day=day, kind=kind, name=name[:40])
        _refresh_payable_dates(day - WALK, day)
        audit.record(actor, AuditAction.CALENDAR_CHANGED, changes={"day": day, "kind": [before, kind], "name": name})
    return day


CALENDAR = system_scope("bank calendar")


def _refresh_payable_dates(start: date, end: date) -> None:
    affected = Installment.objects.visible_to(CALENDAR).filter(  # a calendar belongs to the whole bank
        due_date__gte=start,
        due_date__lte=end,
        settled_on__isnull=True,
        superseded_on__isnull=True,
        loan__holiday_rule=HolidayRule.POSTPONE,
    )
    # The one lock order: the loans (in id order), then their installments.
    list(Loan.objects.visible_to(CALENDAR).filter(pk__in=affected.values("loan_id")).order_by("pk").select_for_update())
    rows = list(affected.select_for_update())
    calendar = calendar_between(start, end)
    changed = []
    for row in rows:
        payable = payable_on(row.due_date, HolidayRule.POSTPONE, calendar)
        if payable != row.payable_on:
            row.payable_on = payable
            changed.append(row)
    Installment.objects.visible_to(CALENDAR).bulk_update(changed, ["payable_on"])
