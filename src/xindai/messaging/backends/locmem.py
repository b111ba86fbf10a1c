from xindai.messaging.backends import BaseSmsBackend, OutgoingSms, SendResult

outbox: list[OutgoingSms] = []  # read by tests, like django.core.mail.outbox


class SmsBackend(BaseSmsBackend):
    """Keeps messages in memory for tests."""

    name = "locmem"

    def send(self, sms: OutgoingSms) -> SendResult:
        outbox.append(sms)
        return SendResult(ok=True, provider_id=f"locmem-{sms.message_id}")
