import sys

from xindai.messaging.backends import SendResult
from xindai.messaging.voice import BaseVoiceBackend, OutgoingCall


class VoiceBackend(BaseVoiceBackend):
    """Prints each call's text: the default, for development and demos."""

    name = "console"

    def call(self, call: OutgoingCall) -> SendResult:
        sys.stdout.write(f"[CALL to {call.recipient}] {call.text}\n")
        sys.stdout.flush()
        return SendResult(ok=True, provider_id=f"console-call-{call.message_id}")
