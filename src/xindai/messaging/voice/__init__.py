"""Voice backends (语音通知) behind one seam, chosen by settings.VOICE_BACKEND like the SMS ones.

A backend places one text-to-speech call and answers a ``SendResult`` (never raising for what the
provider says); providers push call results (接通, 未接, 忙, 关机, 空号, 失败) with the duration.
"""

from dataclasses import dataclass
from datetime import datetime

from xindai.messaging.backends import SendResult


@dataclass(frozen=True, slots=True)
class OutgoingCall:
    message_id: int
    recipient: str
    text: str  # the text read aloud (TTS)
    template_code: str = ""  # Aliyun TtsCode / Tencent TemplateId
    params: tuple[tuple[str, str], ...] = ()


class CallOutcome:
    ANSWERED = "answered"  # 接通
    NO_ANSWER = "no_answer"  # 未接
    BUSY = "busy"  # 忙
    POWER_OFF = "power_off"  # 关机
    VACANT = "vacant"  # 空号
    FAILED = "failed"  # 失败


@dataclass(frozen=True, slots=True)
class CallReport:
    message_id: int | None
    provider_id: str
    recipient: str
    outcome: str  # a CallOutcome
    duration_s: int = 0
    error_code: str = ""
    error_message: str = ""
    reported_at: datetime | None = None


class BaseVoiceBackend:
    name = "base"

    def call(self, call: OutgoingCall) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError

    @classmethod
    def parse_reports(cls, body: bytes, content_type: str) -> list[CallReport]:
        raise ValueError(f"{cls.name} pushes no call results")

    @classmethod
    def report_response(cls) -> tuple[int, str, str]:
        return 200, "application/json", '{"code": 0}'
