"""The one door through which the system sends SMS (the gateway seam).

Every message is stored first (the outbox, outbox.py), then sent by a worker after the
surrounding transaction commits, and its fate is written back.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xindai.core.phone import sms_segments
from xindai.messaging.backends import OutgoingSms
from xindai.messaging.context import signature
from xindai.messaging.models import Message, MessageStatus, Purpose
from xindai.messaging.outbox import wake_worker
from xindai.messaging.providers import get_backend
from xindai.org.login_codes import register_code_sender


def send_sms(recipient: str, text: str, *, purpose: str = Purpose.MANUAL, **links) -> Message:
    """Queue one SMS; the worker sends it once the current transaction commits."""
    message = Message(
        recipient=recipient, text=text, segments=sms_segments(signature() + text), purpose=purpose, **links
    )
    message.save(force_insert=True)
    transaction.on_commit(wake_worker)
    return message


def send_secret(
    recipient: str, text: str, *, stored_text: str, template_params: list[tuple[str, str]], purpose: str
) -> Message:
    """An SMS carrying a secret (a sign-in code), which never reaches the database: the log keeps
    `stored_text` (masked) and no parameters, and the SMS goes out from this process as soon as
    the current transaction commits. A failure is logged and not retried — the user asks again."""
    message = Message(recipient=recipient, text=stored_text, segments=sms_segments(signature() + text), purpose=purpose)
    message.save(force_insert=True)
    code = settings.SMS_LOGIN_TEMPLATE_CODE if purpose == Purpose.LOGIN_CODE else ""
    outgoing = OutgoingSms(message.pk, recipient, text, template_code=code, params=tuple(template_params))
    transaction.on_commit(lambda: _send_now(message, outgoing))
    return message


@register_code_sender
def send_login_code(phone: str, text: str, *, stored_text: str, code: str) -> None:
    """A sign-in code (org/login_codes.py): its text with the code goes out, the log keeps it masked."""
    send_secret(phone, text, purpose=Purpose.LOGIN_CODE, stored_text=stored_text, template_params=[("code", code)])


def _send_now(message: Message, outgoing: OutgoingSms) -> None:
    backend = get_backend()
    result = backend.send(outgoing)
    message.backend, message.sent_at, message.attempts = backend.name, timezone.now(), 1
    message.status = MessageStatus.SUBMITTED if result.ok else MessageStatus.FAILED
    message.provider_id = result.provider_id[:100]
    message.error_code, message.error_message = result.error_code[:50], result.error_message[:500]
    fields = ["backend", "sent_at", "attempts", "status", "provider_id", "error_code", "error_message"]
    message.save(update_fields=fields)
