"""Voice reminders: the engine calls borrowers who prefer calls, the worker places calls, call
results are applied (answered, retried when unanswered, 空号 flagged)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from xindai.messaging import outbox, reminders
from xindai.messaging.models import Message, MessageStatus, SmsTemplate
from xindai.messaging.voice import CallReport, locmem

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def voice(settings):
    settings.VOICE_BACKEND = "locmem"
    locmem.calls.clear()
    return locmem.calls


def collection(channel):
    return SmsTemplate.objects.create(
        name=f"催缴{channel}",
        kind="scheduled",
        channel=channel,
        text="{客户姓名}您好，您的贷款已逾期{逾期天数}天，应还{应还合计}，请尽快归还。",
        overdue_from=1,
        every_days=1,
        send_times="09:00",
        retry_times=2,
        retry_minutes=30,
    )


def test_preferences_choose_sms_or_voice(due_book, switched_on, voice, sms_outbox):
    collection("sms")
    collection("voice")
    ma = due_book["ma"].customer
    ma.contact_preference = "voice"
    ma.save()
    zhao = due_book["zhao"].customer
    zhao.contact_preference = "both"
    zhao.save()
    reminders.run(datetime(2026, 4, 2, 9, 30, tzinfo=CST))
    outbox.deliver_all(now=datetime(2026, 4, 2, 9, 31, tzinfo=CST))
    assert sorted(c.recipient for c in voice) == ["13800000001", "13800000003"]
    assert [s.recipient for s in sms_outbox] == ["13800000003"]
    call = next(c for c in voice if c.recipient == "13800000001")
    assert "人民币壹万零壹佰" in call.text  # amounts written for the ear


def test_an_unanswered_call_is_tried_again_then_given_up(due_book, switched_on, voice):
    collection("voice")
    ma = due_book["ma"].customer
    ma.contact_preference = "voice"
    ma.save()
    reminders.run(datetime(2026, 4, 2, 9, 30, tzinfo=CST))
    outbox.deliver_all(now=datetime(2026, 4, 2, 9, 31, tzinfo=CST))
    message = Message.objects.system("tests").get(channel="voice")
    for _attempt in range(3):
        outbox.apply_call_reports([CallReport(message.pk, "", message.recipient, "no_answer")])
        message.refresh_from_db()
        if message.status != MessageStatus.QUEUED:
            break
        Message.objects.system("tests").filter(pk=message.pk).update(next_attempt_at=None)
        outbox.deliver_all(now=datetime(2026, 4, 2, 10, 30, tzinfo=CST))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 3 and len(voice) == 3


def test_a_vacant_number_is_flagged_and_never_called_again(due_book, switched_on, voice):
    collection("voice")
    ma = due_book["ma"].customer
    ma.contact_preference = "voice"
    ma.save()
    reminders.run(datetime(2026, 4, 2, 9, 30, tzinfo=CST))
    outbox.deliver_all(now=datetime(2026, 4, 2, 9, 31, tzinfo=CST))
    message = Message.objects.system("tests").get(channel="voice")
    outbox.apply_call_reports([CallReport(message.pk, "", message.recipient, "vacant")])
    ma.refresh_from_db()
    assert ma.mobile_vacant
    assert reminders.run(datetime(2026, 4, 3, 9, 30, tzinfo=CST)).queued == 0


def test_an_answered_call_is_delivered_with_its_duration(due_book, switched_on, voice):
    message = Message.objects.create(channel="voice", recipient="13800000001", text="x", status="submitted")
    outbox.apply_call_reports([CallReport(message.pk, "", "13800000001", "answered", duration_s=34)])
    message.refresh_from_db()
    assert (message.status, message.call_outcome, message.duration_s) == (MessageStatus.DELIVERED, "answered", 34)


def test_a_failed_sms_is_followed_by_a_call_when_the_template_says_so(due_book, switched_on, voice, sms_outbox):
    from xindai.messaging.backends import DeliveryReport

    template = collection("sms")
    template.voice_fallback = True
    template.save()
    reminders.run(datetime(2026, 4, 2, 9, 30, tzinfo=CST))
    outbox.deliver_all(now=datetime(2026, 4, 2, 9, 31, tzinfo=CST))
    sms = Message.objects.system("tests").get(loan=due_book["ma"], channel="sms")
    outbox.apply_reports([DeliveryReport(sms.pk, "", sms.recipient, delivered=False, error_code="MK:0004")])
    outbox.apply_reports([DeliveryReport(sms.pk, "", sms.recipient, delivered=False, error_code="MK:0004")])
    calls = Message.objects.system("tests").filter(loan=due_book["ma"], channel="voice")
    assert calls.count() == 1 and "人民币" in calls.get().text
