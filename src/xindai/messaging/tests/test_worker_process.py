"""The worker as a server room treats it: killed outright, stopped by a process manager.

Real `xindai worker` processes against the test database send to a stand-in provider that
counts what it receives. A kill -9 repeats at most the one message in flight and loses none;
SIGTERM stops within 5 s, giving back the claims not yet begun."""

from collections import Counter

import pytest

from xindai.messaging.models import Message, MessageStatus
from xindai.messaging.tests.standins.server import StandinServer
from xindai.messaging.tests.standins.worker import kill, start_worker, terminate, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]


def _queue(count: int) -> set[int]:
    messages = Message.objects.bulk_create(
        [Message(recipient=f"1390000{n:04d}", text=f"第{n}条") for n in range(count)]
    )
    return {m.pk for m in messages}


def _received(provider) -> Counter:
    return Counter(int(request.form()["mid"]) for request in provider.requests)


def _submitted() -> int:
    return Message.objects.system("tests").filter(status=MessageStatus.SUBMITTED).count()


def test_a_killed_worker_repeats_at_most_the_message_in_flight_and_loses_none():
    queued = _queue(150)
    with StandinServer() as provider:
        provider.answer("OK", content_type="text/plain", delay=0.02)
        kills = 0
        for target in (25, 60, 95):
            worker = start_worker(provider, OUTBOX_CLAIM_SIZE="10", OUTBOX_CLAIM_TIMEOUT_S="2")
            wait_until(lambda t=target: len(provider.requests) >= t, timeout=60, what=f"{target} messages sent")
            kill(worker)
            kills += 1
        worker = start_worker(provider, OUTBOX_CLAIM_SIZE="10", OUTBOX_CLAIM_TIMEOUT_S="2")
        try:
            wait_until(lambda: _submitted() == len(queued), timeout=90, what="every message sent")
        finally:
            terminate(worker)
    received = _received(provider)
    assert set(received) == queued  # none lost
    assert sum(copies - 1 for copies in received.values()) <= kills  # at most the one in flight per kill


def test_sigterm_stops_the_worker_within_5_s_and_gives_back_what_it_had_not_begun():
    queued = _queue(400)
    with StandinServer() as provider:
        provider.answer("OK", content_type="text/plain", delay=0.02)
        worker = start_worker(provider, OUTBOX_CLAIM_SIZE="50")
        wait_until(lambda: len(provider.requests) >= 20, timeout=60, what="20 messages sent")
        assert terminate(worker) < 5
        assert worker.returncode == 0, worker.stderr.read().decode()
        assert not Message.objects.system("tests").filter(status=MessageStatus.SENDING).exists()  # claims given back
        sent_before = set(_received(provider))
        assert Message.objects.system("tests").filter(status=MessageStatus.SUBMITTED).count() == len(sent_before)
        assert set(
            Message.objects.system("tests").filter(status=MessageStatus.QUEUED, attempts=0).values_list("pk", flat=True)
        ) == (queued - sent_before)
        worker = start_worker(provider, OUTBOX_CLAIM_SIZE="50")
        try:
            wait_until(lambda: _submitted() == len(queued), timeout=90, what="every message sent")
        finally:
            terminate(worker)
    received = _received(provider)
    assert set(received) == queued and set(received.values()) == {1}  # a clean stop repeats nothing
