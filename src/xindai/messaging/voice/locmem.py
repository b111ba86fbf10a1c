from xindai.messaging.backends import SendResult
from xindai.messaging.voice import BaseVoiceBackend, OutgoingCall

calls: list[OutgoingCall] = []  # read by tests


class VoiceBackend(BaseVoiceBackend):
    """Keeps calls in memory for tests."""

    name = "locmem"

    def call(self, call: OutgoingCall) -> SendResult:
        calls.append(call)
        return SendResult(ok=True, provider_id=f"locmem-call-{call.message_id}")
