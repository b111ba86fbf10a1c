"""Mass sending (短信群发) and manual collection (人工催缴): recipients, preview, sending.

Recipients come from any filtered list (customers, loans, due and overdue installments), from
system users, or from numbers typed in. Each message is rendered for its own recipient, numbers
are deduplicated, opted-out numbers skipped and counted, and everything is queued in bulk in one
transaction with its audit row; the worker sends after the commit.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.phone import call_seconds, parse_mobile, sms_segments
from xindai.core.pure import PureError
from xindai.customers.models import Contact, ContactChannel
from xindai.messaging.models import MassSending, Message, OptOut, Purpose, SmsTemplate
from xindai.messaging.outbox import queue
from xindai.messaging.parameters import NAMES, installment_values, owed_rows, signature, user_values
from xindai.messaging.rendering import TemplateError, check_text, params_in, render
from xindai.org.models import User

NO_RECIPIENTS = _("There is nobody to send to: choose recipients first.")
TOO_MANY = _("At most %(max)s messages can be sent at once; narrow the list.")
MAX_RECIPIENTS = 100_000
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
    manual collection, each also recorded as a contact with the customer)."""
    _check(text)
    if not recipients:
        raise BusinessError(NO_RECIPIENTS)
    if len(recipients) > MAX_RECIPIENTS:
        raise BusinessError(TOO_MANY, {"max": MAX_RECIPIENTS})
    kept, _duplicates = _distinct(recipients, purpose != Purpose.MANUAL_COLLECTION)
    opted = set(OptOut.objects.filter(number__in={r.number for r in kept}).values_list("number", flat=True))
    sendable = [r for r in kept if r.number not in opted]
    names = params_in(text)
    with transaction.atomic():
        sending = MassSending.objects.create(
            purpose=purpose,
            template=template,
            text=text,
            source=source[:200],
            messages_count=len(sendable),
            skipped_opted_out=len(kept) - len(sendable),
            created_by=actor,
        )
        messages = []
        for recipient in sendable:
            body = render(text, recipient.values)
            messages.append(
                Message(
                    purpose=purpose,
                    recipient=recipient.number,
                    customer_id=recipient.customer_id,
                    installment_id=recipient.installment_id,
                    loan_id=recipient.loan_id,
                    template=template,
                    channel=channel,
                    sending=sending,
                    text=body,
                    params=[[name, recipient.values.get(name, "")] for name in names],
                    segments=sms_segments(signature() + body),
                    created_by=actor,
                )
            )
        queue(messages)
        if purpose == Purpose.MANUAL_COLLECTION:
            _record_contacts(actor, sendable, text)
        audit.record(
            actor,
            AuditAction.SENDING_CREATED,
            sending,
            changes={"messages": len(sendable), "opted_out": sending.skipped_opted_out, "source": source},
        )
    return sending


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
