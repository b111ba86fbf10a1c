"""Mass sending (短信群发) and manual collection (人工催缴): recipients, preview, sending.

Recipients come from any filtered list (customers, loans, due and overdue installments), from
system users, or from numbers typed in. Each message is rendered for its own recipient, numbers
are deduplicated, opted-out numbers skipped and counted, and everything is queued in bulk in one
transaction with its audit row; the worker sends after the commit. Sent from the compose page,
the messages are built by a background job instead (sending_start), a chunk at a time, and a
retried job goes on after the last chunk that committed.
"""

import re
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.phone import call_seconds, parse_mobile, sms_segments
from xindai.core.pure import PureError
from xindai.customers.models import Contact, ContactChannel
from xindai.jobs.services import job_start
from xindai.messaging.models import Channel, MassSending, Message, OptOut, Purpose, SmsTemplate
from xindai.messaging.outbox import queue
from xindai.messaging.parameters import NAMES, installment_values, owed_rows, signature, user_values
from xindai.messaging.rendering import TemplateError, check_text, params_in, render
from xindai.org.models import User

NO_RECIPIENTS = _("There is nobody to send to: choose recipients first.")
TOO_MANY = _("At most %(max)s messages can be sent at once; narrow the list.")
MAX_RECIPIENTS = 100_000
BUILD_CHUNK = 1000  # messages made and committed at a time by a sending's job
JOB_KIND = "messaging.send"
_SPLIT = re.compile(r"[\s,，;；、]+")


@dataclass
class Recipient:
    number: str
    values: dict[str, str] = field(default_factory=dict)
    customer_id: int | None = None
    installment_id: int | None = None
    loan_id: int | None = None


def from_customers(customers) -> list[Recipient]:
    return [
        Recipient(mobile, {"客户姓名": name}, customer_id=pk)
        for pk, name, mobile in customers.values_list("id", "name", "mobile").iterator(chunk_size=5000)
    ]


def from_loans(loans) -> list[Recipient]:
    rows = loans.values_list("id", "customer_id", "customer__name", "customer__mobile").iterator(chunk_size=5000)
    return [
        Recipient(mobile, {"客户姓名": name}, customer_id=customer_id, loan_id=pk)
        for pk, customer_id, name, mobile in rows
    ]


def from_installments(installments, as_of) -> list[Recipient]:
    return [
        Recipient(
            row.loan.customer.mobile,
            installment_values(row),
            customer_id=row.loan.customer_id,
            installment_id=row.pk,
            loan_id=row.loan_id,
        )
        for row in owed_rows(installments, as_of).iterator(chunk_size=2000)
    ]


def from_users(users) -> list[Recipient]:
    return [Recipient(u.mobile, user_values(u)) for u in users if u.mobile]


def from_numbers(text: str) -> tuple[list[Recipient], list[str]]:
    """Numbers typed or pasted (any separators); returns (valid recipients, the invalid entries)."""
    recipients, invalid = [], []
    for entry in filter(None, _SPLIT.split(text or "")):
        try:
            recipients.append(Recipient(parse_mobile(entry)))
        except PureError:
            invalid.append(entry)
    return recipients, invalid


@dataclass
class Preview:
    recipients: int
    duplicates: int
    opted_out: int
    messages: int
    sample: str
    characters: int
    segments: int
    spoken_characters: int  # a call reads the text without the signature
    call_seconds: int


def _distinct(recipients: list[Recipient], one_per_number: bool) -> tuple[list[Recipient], int]:
    if not one_per_number:
        return recipients, 0
    seen, kept = set(), []
    for recipient in recipients:
        if recipient.number not in seen:
            seen.add(recipient.number)
            kept.append(recipient)
    return kept, len(recipients) - len(kept)


def _check(text: str) -> list[str]:
    try:
        return check_text(text, NAMES)
    except TemplateError as err:
        raise BusinessError(translate_pure_error(err), field="text") from None


def preview(recipients: list[Recipient], text: str, *, one_per_number: bool = True) -> Preview:
    """What sending `text` to `recipients` comes to, rendered for the first real recipient."""
    _check(text)
    kept, duplicates = _distinct(recipients, one_per_number)
    opted = set(OptOut.objects.filter(number__in={r.number for r in kept}).values_list("number", flat=True))
    sendable = [r for r in kept if r.number not in opted]
    sample = render(text, sendable[0].values) if sendable else text
    return Preview(
        recipients=len(recipients),
        duplicates=duplicates,
        opted_out=len(kept) - len(sendable),
        messages=len(sendable),
        sample=sample,
        characters=len(signature() + sample),
        segments=sms_segments(signature() + sample),
        spoken_characters=len(sample),
        call_seconds=call_seconds(sample),
    )


def mass_send(
    *,
    actor: User,
    recipients: list[Recipient],
    text: str,
    template: SmsTemplate | None = None,
    purpose: str = Purpose.MANUAL,
    source: str = "",
    channel: str = "sms",
) -> MassSending:
    """Queue one message per recipient (one per number for mass sending; one per installment for
    manual collection, each also recorded as a contact with the customer) — all at once, in one
    transaction (the API's single messages; the compose page starts a job: sending_start)."""
    _check(text)
    _check_recipients(recipients)
    with transaction.atomic():
        batch = _create(actor, text=text, template=template, purpose=purpose, source=source)
        return sending_build(batch=batch, recipients=recipients, channel=channel)


def sending_start(
    *,
    actor: User,
    token: uuid.UUID,
    text: str,
    template: SmsTemplate | None,
    purpose: str,
    source: str,
    channel: str,
    params: dict,
) -> MassSending:
    """A mass sending from the compose page: the batch and the job that builds its messages in
    the worker (its recipients read again there from `params`). The same `token` — the page
    submitted twice — gives back the batch it made the first time."""
    _check(text)
    if existing := MassSending.objects.visible_to(actor).filter(token=token).first():
        return existing
    try:
        with transaction.atomic():
            batch = _create(actor, text=text, template=template, purpose=purpose, source=source, token=token)
            label = _("Voice notice") if channel == Channel.VOICE else _("Send SMS")
            job = job_start(
                actor=actor,
                kind=JOB_KIND,
                params={"sending": batch.pk, "channel": channel, **params},
                subject=f"{label} · {source}",
            )
            batch.job = job
            batch.save(update_fields=["job"])
    except IntegrityError:  # the same page submitted twice at the same moment: the other one made it
        return MassSending.objects.visible_to(actor).get(token=token)
    return batch


def _create(actor, *, text, template, purpose, source, token=None) -> MassSending:
    return MassSending.objects.create(
        purpose=purpose, template=template, text=text, source=source[:200], created_by=actor, token=token
    )


def _check_recipients(recipients: list[Recipient]) -> None:
    if not recipients:
        raise BusinessError(NO_RECIPIENTS)
    if len(recipients) > MAX_RECIPIENTS:
        raise BusinessError(TOO_MANY, {"max": MAX_RECIPIENTS})


def sending_build(
    *, batch: MassSending, recipients: list[Recipient], channel: str = Channel.SMS, on_progress=None
) -> MassSending:
    """Make and queue the batch's messages, BUILD_CHUNK at a time, each chunk in a transaction
    that also counts it on the batch: stopped or killed half-way, the next attempt goes on after
    the last chunk that committed, so no recipient gets two messages. `on_progress(done, total)`."""
    _check(batch.text)
    if batch.built_at:
        return batch
    _check_recipients(recipients)
    collection = batch.purpose == Purpose.MANUAL_COLLECTION
    kept, _duplicates = _distinct(recipients, not collection)
    opted = set(OptOut.objects.filter(number__in={r.number for r in kept}).values_list("number", flat=True))
    sendable = [r for r in kept if r.number not in opted]
    counts = {"messages_count": len(sendable), "skipped_opted_out": len(kept) - len(sendable)}
    MassSending.objects.system("sending build").filter(pk=batch.pk).update(**counts)
    names, signed = params_in(batch.text), signature()
    if on_progress:
        on_progress(batch.built, len(sendable))
    while True:
        with transaction.atomic():
            locked = MassSending.objects.system("sending build").select_for_update().get(pk=batch.pk)
            chunk = sendable[locked.built : locked.built + BUILD_CHUNK]
            queue([_message(batch, r, names, signed, channel) for r in chunk])
            if collection:
                _record_contacts(batch.created_by, chunk, batch.text)
            locked.built += len(chunk)
            if locked.built >= len(sendable):
                locked.built_at = timezone.now()
                changes = {"messages": len(sendable), "opted_out": counts["skipped_opted_out"], "source": batch.source}
                audit.record(batch.created_by, AuditAction.SENDING_CREATED, locked, changes=changes)
            locked.save(update_fields=["built", "built_at"])
        if on_progress:
            on_progress(locked.built, len(sendable))
        if locked.built_at:
            break
    for name, value in counts.items():
        setattr(locked, name, value)
    return locked


def _message(batch: MassSending, recipient: Recipient, names: list[str], signed: str, channel: str) -> Message:
    body = render(batch.text, recipient.values)
    return Message(
        purpose=batch.purpose,
        recipient=recipient.number,
        customer_id=recipient.customer_id,
        installment_id=recipient.installment_id,
        loan_id=recipient.loan_id,
        template_id=batch.template_id,
        channel=channel,
        sending=batch,
        text=body,
        params=[[name, recipient.values.get(name, "")] for name in names],
        segments=sms_segments(signed + body),
        created_by_id=batch.created_by_id,
    )


def _record_contacts(actor, recipients: list[Recipient], text: str) -> None:
    channel, _created = ContactChannel.objects.get_or_create(name="短信")
    now = timezone.now()
    Contact.objects.bulk_create(
        [
            Contact(
                customer_id=r.customer_id,
                contacted_at=now,
                channel=channel,
                subject="人工催缴",
                content=render(text, r.values),
                recorded_by=actor,
            )
            for r in recipients
            if r.customer_id
        ],
        batch_size=2000,
    )
