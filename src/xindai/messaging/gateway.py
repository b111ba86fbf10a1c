"""The one door through which the system sends SMS (the gateway seam).

Every message is stored first, then handed to the configured backend after the
surrounding transaction commits, and its fate is written back.
"""

from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from xindai.core.phone import sms_segments
from xindai.messaging.backends import BaseSmsBackend, OutgoingSms
from xindai.messaging.models import Message, MessageStatus, Purpose

SHORT_NAMES = {
    "console": "xindai.messaging.backends.console.SmsBackend",
    "locmem": "xindai.messaging.backends.locmem.SmsBackend",
}


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    return import_string(SHORT_NAMES.get(path, path))


def get_backend() -> BaseSmsBackend:
    return _backend_class(settings.SMS_BACKEND)()


def send_sms(recipient: str, text: str, *, purpose: str = Purpose.MANUAL, stored_text: str | None = None) -> Message:
    """Store an outgoing SMS and send it once the current transaction commits.

    `stored_text` replaces the text in the log when the text is a secret (a sign-in code).
    """
    message = Message.objects.create(
        recipient=recipient,
        text=stored_text if stored_text is not None else text,
        segments=sms_segments(text),
        purpose=purpose,
    )
    transaction.on_commit(lambda: _deliver(message, text))
    return message


def _deliver(message: Message, text: str) -> None:
    backend = get_backend()
    result = backend.send(OutgoingSms(message_id=message.pk, recipient=message.recipient, text=text))
    message.backend = backend.name
    message.provider_id = result.provider_id
    message.status = MessageStatus.SUBMITTED if result.ok else MessageStatus.FAILED
    message.error_code, message.error_message = result.error_code, result.error_message[:500]
    message.sent_at = timezone.now()
    message.save(update_fields=["backend", "provider_id", "status", "error_code", "error_message", "sent_at"])
