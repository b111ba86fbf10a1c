import sys

from xindai.messaging.backends import BaseSmsBackend, OutgoingSms, SendResult


class SmsBackend(BaseSmsBackend):
    """Prints each message to standard output: the default, for development and demos."""

    name = "console"

    def send(self, sms: OutgoingSms) -> SendResult:
        sys.stdout.write(f"[SMS to {sms.recipient}] {sms.text}\n")
        sys.stdout.flush()
        return SendResult(ok=True, provider_id=f"console-{sms.message_id}")
