"""The one door through which the system sends SMS (the gateway seam).

Every message is stored first (the outbox, outbox.py), then sent by a worker after the
surrounding transaction commits, and its fate is written back.
"""

from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from xindai.core.phone import sms_segments
from xindai.messaging.backends import BaseSmsBackend
from xindai.messaging.context import signature
from xindai.messaging.models import Message, Purpose
from xindai.messaging.outbox import wake_worker

SHORT_NAMES = {
    "console": "xindai.messaging.backends.console.SmsBackend",
    "locmem": "xindai.messaging.backends.locmem.SmsBackend",
    "aliyun": "xindai.messaging.backends.aliyun.SmsBackend",
    "tencent": "xindai.messaging.backends.tencent.SmsBackend",
    "http": "xindai.messaging.backends.http.SmsBackend",
}


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    return import_string(SHORT_NAMES.get(path, path))


def get_backend() -> BaseSmsBackend:
    return _backend_class(settings.SMS_BACKEND)()


def send_sms(
    recipient: str,
    text: str,
    *,
    purpose: str = Purpose.MANUAL,
    stored_text: str | None = None,
    template_params: list[tuple[str, str]] | None = None,
    **links,
) -> Message:
    """Queue one SMS; the worker sends it once the current transaction commits.

    `stored_text` replaces the text in the log when the text is a secret (a sign-in code): the
    secret then travels only in the message's parameters until it is sent, and is wiped after.
    """
    message = Message(
        recipient=recipient,
        text=stored_text if stored_text is not None else text,
        params=[["_text", text], *map(list, template_params or [])] if stored_text is not None else [],
        segments=sms_segments(signature() + text),
        purpose=purpose,
        **links,
    )
    message.save(force_insert=True)
    transaction.on_commit(wake_worker)
    return message


VOICE_SHORT_NAMES = {
    "console": "xindai.messaging.voice.console.VoiceBackend",
    "locmem": "xindai.messaging.voice.locmem.VoiceBackend",
    "aliyun": "xindai.messaging.voice.aliyun.VoiceBackend",
    "tencent": "xindai.messaging.voice.tencent.VoiceBackend",
}


@cache
def voice_backend_class(path: str):
    return import_string(VOICE_SHORT_NAMES.get(path, path))


def get_voice_backend():
    return voice_backend_class(settings.VOICE_BACKEND)()
