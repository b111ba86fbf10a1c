"""SMS backends behind one seam, chosen by settings.SMS_BACKEND like Django's e-mail backends."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    message_id: int  # our id, given to providers as OutId/SessionContext
    recipient: str
    text: str


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    provider_id: str = ""
    error_code: str = ""
    error_message: str = ""


class BaseSmsBackend:
    name = "base"

    def send(self, sms: OutgoingSms) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError
