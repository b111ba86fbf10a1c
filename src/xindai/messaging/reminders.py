"""The automatic engine (自动提醒催缴): who gets which reminder or collection notice, and when.

At a moment `at`, every active template of the kinds 提前提醒 and 定时催缴 whose send time has
come today selects, in SQL, the installments it applies to; one message per (template,
installment, date, slot) is queued in bulk. The database refuses a second message for the same
slot (a unique constraint), so two engines started at once — or the same run twice, under cron
and the worker — still send one. Outside the allowed hours messages are queued held until they
begin; whether the installment is still unpaid and the number has not opted out is checked again
at the moment of sending (outbox.py).
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Mod
from django.tasks import task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from xindai.core.phone import sms_segments
from xindai.core.scope import system_scope
from xindai.loans.models import Installment
from xindai.loans.owed import DaysSince
from xindai.messaging.models import Channel, Message, OptOut, Purpose, SmsTemplate
from xindai.messaging.outbox import auto_switch, next_allowed, queue
from xindai.messaging.parameters import installment_values, owed_rows, signature
from xindai.messaging.rendering import params_in, render

PURPOSES = {SmsTemplate.Kind.ADVANCE: Purpose.REMINDER, SmsTemplate.Kind.SCHEDULED: Purpose.COLLECTION}


@dataclass
class RunResult:
    queued: int = 0
    by_template: dict[str, int] = field(default_factory=dict)
    switched_off: bool = False
    held_until: datetime | None = None


def _slot_time(text: str) -> time | None:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def _template_filter(template: SmsTemplate, prefix: str = "loan__") -> Q:
    q = Q()
    if template.loan_type_id:
        q &= Q(**{f"{prefix}loan_type_id": template.loan_type_id})
    if template.branch_id:
        q &= Q(**{f"{prefix}handling_branch__path__startswith": template.branch.path})
    return q


def _more_specific(template: SmsTemplate, others: list[SmsTemplate]) -> Q:
    """Installments a more specific template of the same kind takes over (per loan type/branch)."""
    taken = Q(pk__in=[])
    rank = bool(template.loan_type_id) + bool(template.branch_id)
    for other in others:
        if other.pk == template.pk or other.kind != template.kind:
            continue
        if bool(other.loan_type_id) + bool(other.branch_id) <= rank:
            continue
        if template.loan_type_id and other.loan_type_id != template.loan_type_id:
            continue
        if template.branch_id and other.branch_id != template.branch_id:
            continue
        taken |= _template_filter(other)
    return taken


@system_scope("reminder engine")
def selection(template: SmsTemplate, today, others: list[SmsTemplate]):
    """The installments `template` applies to on `today` (before the per-slot and opt-out checks)."""
    # The plan in force; reminders follow the payable date (顺延 past a holiday).
    rows = Installment.objects.filter(  # the engine works for the whole bank
        settled_on__isnull=True, superseded_on__isnull=True
    )
    if template.kind == SmsTemplate.Kind.ADVANCE:
        rows = rows.filter(payable_on=today + timedelta(days=template.days_before or 0))
    else:
        first = max(template.overdue_from or 1, 1)
        rows = rows.filter(payable_on__lte=today - timedelta(days=first))
        if template.overdue_to:
            rows = rows.filter(payable_on__gte=today - timedelta(days=template.overdue_to))
        every = template.every_days or 1
        if every > 1:
            rows = (
                rows.annotate(days_late=DaysSince("payable_on", today))
                .annotate(phase=Mod(F("days_late") - first, every))
                .filter(phase=0)
            )
    rows = rows.filter(_template_filter(template)).exclude(_more_specific(template, others))
    # The borrower's preference (短信 / 语音 / 都要 / 都不要); a 空号 gets no call.
    if template.channel == Channel.VOICE:
        return rows.filter(
            loan__customer__contact_preference__in=["voice", "both"], loan__customer__mobile_vacant=False
        )
    return rows.filter(loan__customer__contact_preference__in=["sms", "both"])


@system_scope("reminder engine")
def run(at: datetime, *, dry_run: bool = False) -> RunResult:
    """Queue every reminder and collection notice due at `at` (nothing when switched off)."""
    result = RunResult()
    switch = auto_switch()
    if not switch.enabled:
        result.switched_off = True
        return result
    local = timezone.localtime(at)
    today = local.date()
    send_from = next_allowed(at, switch)
    if send_from != at:
        result.held_until = send_from
    templates = list(
        SmsTemplate.objects.filter(is_active=True, kind__in=list(PURPOSES)).select_related("branch").order_by("id")
    )
    opted_out = OptOut.objects.filter(number=OuterRef("loan__customer__mobile"))
    for template in templates:
        for slot in template.times() or ["09:00"]:
            slot_time = _slot_time(slot)
            if slot_time is None or slot_time > local.time():
                continue
            taken = Message.objects.filter(  # scoped: the engine is system-wide
                template=template, installment=OuterRef("pk"), slot_date=today, slot=slot
            )
            rows = selection(template, today, templates).exclude(Exists(taken)).exclude(Exists(opted_out))
            messages = [
                _message(template, row, today, slot, send_from)
                for row in owed_rows(rows, today).iterator(chunk_size=2000)
            ]
            result.by_template[f"{template.name} {slot}"] = len(messages)
            result.queued += len(messages)
            if not dry_run:
                queue(messages, ignore_conflicts=True)
    return result


def _message(template: SmsTemplate, row: Installment, today, slot: str, send_from: datetime) -> Message:
    values = installment_values(row, voice=template.channel == Channel.VOICE)
    text = render(template.text, values)
    return Message(
        purpose=PURPOSES[template.kind],
        recipient=row.loan.customer.mobile,
        customer_id=row.loan.customer_id,
        installment_id=row.pk,
        loan_id=row.loan_id,
        template=template,
        channel=template.channel,
        slot_date=today,
        slot=slot,
        text=text,
        params=[[name, values.get(name, "")] for name in params_in(template.text)],
        segments=sms_segments(signature() + text),
        next_attempt_at=send_from,
    )


@task()
def run_reminders(at: str | None = None) -> int:
    """The worker's task: queue the automatic reminders and collection notices due at `at` (ISO;
    default now)."""
    moment = parse_datetime(at) if at else timezone.now()
    return run(moment).queued
