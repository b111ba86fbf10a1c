"""Which provider carries the SMS and the calls: the backends named by SMS_BACKEND and
VOICE_BACKEND (a short name or a dotted path), loaded once per process."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from xindai.messaging.backends import BaseSmsBackend

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
