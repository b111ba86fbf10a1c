"""SMS backends behind one seam, chosen by settings.SMS_BACKEND like Django's e-mail backends.

A backend turns an ``OutgoingSms`` into one provider request and answers a ``SendResult``; it
never raises for what the provider says (throttled, blacklisted number, bad template): those
become a failed result with the provider's code and message, ``retry`` set for temporary ones.
Providers that push delivery reports parse them with ``parse_reports``.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    message_id: int  # our id, given to providers as OutId / SessionContext
    recipient: str
    text: str  # the rendered text (what the customer reads; console/locmem/HTTP send it as is)
    template_code: str = ""  # the provider's approved template (Aliyun TemplateCode, Tencent TemplateId)
    params: tuple[tuple[str, str], ...] = ()  # the template's parameters in its order: (name, value)


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    provider_id: str = ""
    error_code: str = ""
    error_message: str = ""
    retry: bool = False  # a temporary failure (throttled, network, provider busy): try again later


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """One delivery report pushed by a provider (Aliyun SmsReport, Tencent status callback, ...)."""

    message_id: int | None  # our id when the provider echoes OutId / SessionContext
    provider_id: str
    recipient: str
    delivered: bool
    error_code: str = ""
    error_message: str = ""
    reported_at: datetime | None = None


class BaseSmsBackend:
    name = "base"

    def send(self, sms: OutgoingSms) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError

    @classmethod
    def parse_reports(cls, body: bytes, content_type: str) -> list[DeliveryReport]:
        """The delivery reports in a provider's push; ValueError for a body that is not one."""
        raise ValueError(f"{cls.name} pushes no delivery reports")

    @classmethod
    def report_response(cls) -> tuple[int, str, str]:
        """What the provider expects back from a report push: (status, content type, body)."""
        return 200, "application/json", '{"code": 0}'
