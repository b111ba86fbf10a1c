"""The outbox: messages are rows first, sent by a worker after the transaction that wrote them.

A worker claims a small batch of due messages (settings.OUTBOX_CLAIM_SIZE; PostgreSQL
``FOR UPDATE SKIP LOCKED``, so several workers on several machines never claim the same row),
marks them 发送中 and commits, then hands them to the backend one by one and writes each fate in
its own short transaction as soon as the provider answers. A worker asked to stop gives back the
claims it has not begun; one killed outright leaves at most the message in flight unconfirmed,
and its claims go back to the queue after settings.OUTBOX_CLAIM_TIMEOUT — so a crash repeats at
most that one message and loses none. The provider gets our id as OutId / SessionContext.
Temporary failures are retried with backoff; automatic messages are held outside the allowed
hours and re-checked (settled? opted out?) at the moment of sending.
"""

import operator
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.customers.models import Customer
from xindai.jobs.worker import stopping
from xindai.loans.models import Installment
from xindai.messaging.backends import DeliveryReport, OutgoingSms, SendResult
from xindai.messaging.context import installment_values, owed_rows
from xindai.messaging.models import AUTOMATIC, AutoSwitch, Channel, Message, MessageStatus, OptOut, Purpose
from xindai.messaging.providers import get_backend, get_voice_backend
from xindai.messaging.rendering import params_in, render
from xindai.messaging.voice import OutgoingCall
from xindai.org.models import User

MAX_ATTEMPTS = 5
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
CANCEL_SETTLED = "settled"
CANCEL_OPTED_OUT = "opted_out"
CANCEL_SWITCHED_OFF = "switched_off"


WORKER = system_scope("message worker")  # sends, retries and records reports for the whole bank


def auto_switch() -> AutoSwitch:
    row, _created = AutoSwitch.objects.get_or_create(pk=1)
    return row


def next_allowed(moment: datetime, switch: AutoSwitch) -> datetime:
    """`moment` if it is inside the allowed hours, else the next time they begin."""
    local = timezone.localtime(moment)
    start = local.replace(hour=switch.allowed_from.hour, minute=switch.allowed_from.minute, second=0, microsecond=0)
    end = local.replace(hour=switch.allowed_to.hour, minute=switch.allowed_to.minute, second=0, microsecond=0)
    if local < start:
        return start
    if local >= end:
        return start + timedelta(days=1)
    return moment


def queue(messages: list[Message], *, ignore_conflicts: bool = False) -> int:
    """Store messages (queued) in one statement; the worker is woken once the transaction commits.

    With `ignore_conflicts`, a message whose (template, installment, date, slot) is already taken
    is dropped by the database — that is how two engines running at once still send one.
    """
    if not messages:
        return 0
    Message.objects.bulk_create(messages, batch_size=2000, ignore_conflicts=ignore_conflicts)
    transaction.on_commit(wake_worker)
    return len(messages)


def wake_worker() -> None:
    deliver_messages.enqueue()


@WORKER
def _claim(now: datetime, limit: int) -> list[Message]:
    with transaction.atomic():
        due = Message.objects.filter(status=MessageStatus.QUEUED).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        ids = list(
            due.order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        Message.objects.filter(pk__in=ids).update(
            status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Message.objects.filter(pk__in=ids).select_related("template", "installment").order_by("id"))


@WORKER
def requeue_stale(now: datetime | None = None) -> int:
    """Messages claimed by a worker that never confirmed them go back to the queue."""
    now = now or timezone.now()
    timeout = settings.OUTBOX_CLAIM_TIMEOUT
    return Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - timeout).update(
        status=MessageStatus.QUEUED, next_attempt_at=now
    )


def _cancel_reason(message: Message, opted_out: set[str], switch: AutoSwitch) -> str:
    """Why an automatic or collection message must not go out now (or "")."""
    if message.purpose not in (*AUTOMATIC, Purpose.MANUAL_COLLECTION, Purpose.MANUAL):
        return ""
    if message.recipient in opted_out:
        return CANCEL_OPTED_OUT
    if message.purpose in AUTOMATIC:
        if not switch.enabled or (message.template_id and not message.template.is_active):
            return CANCEL_SWITCHED_OFF
        if message.installment_id and message.installment.settled_on is not None:
            return CANCEL_SETTLED
    if message.purpose == Purpose.MANUAL_COLLECTION and message.installment_id:
        if message.installment.settled_on is not None:
            return CANCEL_SETTLED
    return ""


RECORDED = [
    "status",
    "backend",
    "provider_id",
    "error_code",
    "error_message",
    "sent_at",
    "next_attempt_at",
    "attempts",
    "claimed_at",
    "params",
]


@WORKER
def deliver_due(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Claim and send one small batch of due messages; returns how many were handled.

    1. Give back the claims of workers that never confirmed them (older than the timeout).
    2. Claim up to `limit` due messages (committed: no other worker takes them).
    3. Cancel those that must not go out now, hold automatic ones outside the allowed hours.
    4. Send the rest one by one, each fate committed as soon as the provider answers; when the
       worker is asked to stop, the claims not yet begun go back to the queue."""
    now = now or timezone.now()
    requeue_stale(now)
    claimed = _claim(now, limit or settings.OUTBOX_CLAIM_SIZE)
    if not claimed:
        return 0
    switch = auto_switch()
    opted_out = set(OptOut.objects.filter(number__in={m.recipient for m in claimed}).values_list("number", flat=True))
    to_send, settled = [], []
    for message in claimed:
        if reason := _cancel_reason(message, opted_out, switch):
            message.status, message.error_code = MessageStatus.CANCELLED, reason
            settled.append(message)
        elif message.purpose in AUTOMATIC and (allowed := next_allowed(now, switch)) != now:
            message.status, message.next_attempt_at, message.attempts = (
                MessageStatus.QUEUED,
                allowed,
                message.attempts - 1,
            )
            message.claimed_at = None
            settled.append(message)
        else:
            to_send.append(message)
    Message.objects.bulk_update(settled, RECORDED, batch_size=1000)
    backends = {}
    for index, message in enumerate(to_send):
        if stopping():
            release(to_send[index:])
            break
        if message.channel == Channel.VOICE:
            backend = backends.get("voice") or backends.setdefault("voice", get_voice_backend())
            result = backend.call(_outgoing_call(message))
        else:
            backend = backends.get("sms") or backends.setdefault("sms", get_backend())
            result = backend.send(_outgoing(message))
        _record(message, result, backend.name, timezone.now())
        message.save(update_fields=RECORDED)  # its own transaction: the fate survives a crash after it
    return len(claimed)


@WORKER
def release(messages: list[Message]) -> int:
    """Give claimed messages that were not begun back to the queue, as if never claimed."""
    return Message.objects.filter(pk__in=[m.pk for m in messages], status=MessageStatus.SENDING).update(
        status=MessageStatus.QUEUED, claimed_at=None, attempts=F("attempts") - 1
    )


def _outgoing(message: Message) -> OutgoingSms:
    code = message.template.provider_code if message.template_id else ""
    params = dict(message.params)
    if "_text" in params:  # a secret (sign-in code): the log keeps a masked text
        secret = params.pop("_text")
        code = settings.SMS_LOGIN_TEMPLATE_CODE if message.purpose == Purpose.LOGIN_CODE else ""
        return OutgoingSms(
            message_id=message.pk,
            recipient=message.recipient,
            text=secret,
            template_code=code,
            params=tuple(params.items()),
        )
    return OutgoingSms(
        message_id=message.pk,
        recipient=message.recipient,
        text=message.text,
        template_code=code,
        params=tuple((name, value) for name, value in message.params),
    )


def _outgoing_call(message: Message):
    return OutgoingCall(
        message_id=message.pk,
        recipient=message.recipient,
        text=message.text,
        template_code=message.template.provider_code if message.template_id else "",
        params=tuple((name, value) for name, value in message.params),
    )


def _record(message: Message, result: SendResult, backend: str, sent_at: datetime) -> None:
    message.backend, message.sent_at, message.claimed_at = backend, sent_at, None
    if any(name == "_text" for name, _value in message.params) and (result.ok or not result.retry):
        message.params = []  # the secret is not kept once it went out
    message.provider_id = result.provider_id[:100]
    message.error_code, message.error_message = result.error_code[:50], result.error_message[:500]
    if result.ok:
        message.status = MessageStatus.SUBMITTED
    elif result.retry and message.attempts < MAX_ATTEMPTS:
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = sent_at + BACKOFF[min(message.attempts - 1, len(BACKOFF) - 1)]
    else:
        message.status = MessageStatus.FAILED


def deliver_all(*, now: datetime | None = None) -> int:
    """Send everything that is due, batch after batch (the worker's task, tests, the benchmark)."""
    total = 0
    while not stopping() and (handled := deliver_due(now=now)):
        total += handled
    return total


@task()
def deliver_messages() -> int:
    """The worker's task: send every queued message that is due (wake_worker, the sweep)."""
    return deliver_all()


def _matching(report: DeliveryReport) -> Q | None:
    if report.message_id:
        return Q(pk=report.message_id)
    if report.provider_id:
        return Q(provider_id=report.provider_id)
    return None


@WORKER
def apply_reports(reports: Iterable[DeliveryReport]) -> int:
    """Write delivery reports back (已送达 / 失败), matched by our id or the provider's.

    A push carries hundreds of reports: the delivered ones are written in one statement; each
    failure carries its own code and may be followed by a call (voice fallback)."""
    outgoing = Message.objects.filter(direction="out").exclude(status=MessageStatus.CANCELLED)
    reports = list(reports)
    by_time: dict = {}
    for report in reports:
        if report.delivered and (q := _matching(report)) is not None:
            by_time.setdefault(report.reported_at, []).append(q)
    updated = 0
    for reported_at, matches in by_time.items():  # one statement per report time (usually one)
        updated += outgoing.filter(reduce(operator.or_, matches)).update(
            status=MessageStatus.DELIVERED, delivered_at=reported_at or timezone.now()
        )
    for report in reports:
        if report.delivered or (q := _matching(report)) is None:
            continue
        messages = outgoing.filter(q)
        updated += messages.update(
            status=MessageStatus.FAILED,
            delivered_at=report.reported_at or timezone.now(),
            error_code=report.error_code[:50],
            error_message=report.error_message[:500],
        )
        _voice_fallback(messages)
    return updated


@WORKER
def _voice_fallback(messages) -> None:
    """A failed automatic SMS whose template says so is followed by a call with the same text,
    written for the ear (once: the call has its own slot)."""
    for message in messages.filter(
        channel=Channel.SMS, purpose__in=AUTOMATIC, template__voice_fallback=True, installment__isnull=False
    ).select_related("template", "customer"):
        if message.customer is None or message.customer.mobile_vacant:
            continue
        today = timezone.localdate()
        row = owed_rows(Installment.objects.filter(pk=message.installment_id), today).first()
        if row is None or row.settled_on is not None:
            continue
        values = installment_values(row, voice=True)
        call = Message(
            channel=Channel.VOICE,
            purpose=message.purpose,
            recipient=message.recipient,
            customer=message.customer,
            installment_id=message.installment_id,
            loan_id=message.loan_id,
            template=message.template,
            slot_date=message.slot_date,
            slot=("v" + message.slot.replace(":", ""))[:5],
            text=render(message.template.text, values),
            params=[[name, values.get(name, "")] for name in params_in(message.template.text)],
            segments=1,
        )
        queue([call], ignore_conflicts=True)


NOT_FAILED = _("Only a failed message can be sent again.")


def resend(message: Message, *, actor: User) -> Message:
    """A failed message again, as a new row (the failed one stays in the log)."""
    if message.status != MessageStatus.FAILED:
        raise BusinessError(NOT_FAILED)
    copy = Message(
        channel=message.channel,
        purpose=message.purpose,
        recipient=message.recipient,
        customer_id=message.customer_id,
        installment_id=message.installment_id,
        loan_id=message.loan_id,
        template_id=message.template_id,
        text=message.text,
        params=message.params,
        segments=message.segments,
        created_by=actor,
    )
    with transaction.atomic():
        queue([copy])
        audit.record(actor, AuditAction.MESSAGE_RESENT, copy, changes={"resent": message.pk})
    return copy


RETRY_OUTCOMES = ("no_answer", "busy", "power_off")


@WORKER
def apply_call_reports(reports) -> int:
    """Call results: 接通 → delivered; 未接/忙/关机 → called again after the template's interval, up
    to its number of tries; 空号 → failed and the customer's mobile flagged; 失败 → failed."""
    updated = 0
    for report in reports:
        query = Message.objects.filter(channel=Channel.VOICE)
        query = (
            query.filter(pk=report.message_id) if report.message_id else query.filter(provider_id=report.provider_id)
        )
        message = query.select_related("template").first()
        if message is None or message.call_outcome in ("vacant", "answered"):
            continue  # a later, vaguer report (Tencent sends two for one call) does not undo these
        message.call_outcome, message.duration_s = report.outcome, report.duration_s
        message.delivered_at = report.reported_at or timezone.now()
        tries = message.template.retry_times if message.template_id else 2
        wait = message.template.retry_minutes if message.template_id else 30
        if report.outcome == "answered":
            message.status = MessageStatus.DELIVERED
        elif report.outcome in RETRY_OUTCOMES and message.attempts <= tries:
            message.status = MessageStatus.QUEUED
            message.next_attempt_at = timezone.now() + timedelta(minutes=wait)
        else:
            message.status = MessageStatus.FAILED
            message.error_code, message.error_message = report.error_code or report.outcome, report.error_message
            if report.outcome == "vacant" and message.customer_id:
                Customer.objects.filter(pk=message.customer_id, mobile=message.recipient).update(mobile_vacant=True)
        message.save(
            update_fields=[
                "call_outcome",
                "duration_s",
                "delivered_at",
                "status",
                "next_attempt_at",
                "error_code",
                "error_message",
            ]
        )
        updated += 1
    return updated
