"""The outbox and its worker: claimed once, sent after the commit, retried with backoff, a dead
worker's claims retried after a timeout, delivery reports applied, secrets not kept."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from xindai.core.models import AuditLog
from xindai.messaging import outbox
from xindai.messaging.backends import DeliveryReport, SendResult, locmem
from xindai.messaging.gateway import send_secret, send_sms
from xindai.messaging.models import Message, MessageStatus, Purpose


class Flaky(locmem.SmsBackend):
    """Answers what the test sets in `answers`, in turn."""

    answers: list[SendResult] = []

    def send(self, sms):
        locmem.outbox.append(sms)
        return self.answers.pop(0) if self.answers else SendResult(ok=True, provider_id="x")


@pytest.fixture
def flaky(settings):
    settings.SMS_BACKEND = "xindai.messaging.tests.test_outbox.Flaky"
    Flaky.answers = []
    return Flaky


def test_a_message_is_a_row_first_and_goes_out_after_the_commit(db, committed, sms_outbox):
    with committed():
        message = send_sms("13800000009", "您好")
        assert Message.objects.system("tests").get(pk=message.pk).status == MessageStatus.QUEUED and not sms_outbox
    message.refresh_from_db()
    assert message.status == MessageStatus.SUBMITTED and message.backend == "locmem"
    assert [(s.message_id, s.recipient, s.text) for s in sms_outbox] == [(message.pk, "13800000009", "您好")]


def test_a_rolled_back_transaction_sends_nothing(db, sms_outbox):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send_sms("13800000009", "您好")
        raise RuntimeError
    outbox.deliver_all()
    assert not sms_outbox and not Message.objects.system("tests").exists()


def test_a_temporary_failure_is_retried_with_backoff_then_fails(db, flaky, sms_outbox):
    flaky.answers = [SendResult(ok=False, error_code="isv.BUSINESS_LIMIT_CONTROL", retry=True)] * 5
    message = Message.objects.create(recipient="13800000009", text="x")
    now = timezone.now()
    outbox.deliver_all(now=now)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert message.next_attempt_at == message.sent_at + outbox.BACKOFF[0]
    outbox.deliver_all(now=now + timedelta(seconds=30))
    assert len(sms_outbox) == 1  # not yet due again
    for minutes in (2, 10, 60, 300):
        outbox.deliver_all(now=now + timedelta(minutes=minutes * 2))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == outbox.MAX_ATTEMPTS
    assert message.error_code == "isv.BUSINESS_LIMIT_CONTROL"


def test_a_permanent_failure_fails_at_once_and_can_be_sent_again(db, flaky, sms_outbox, world):
    flaky.answers = [SendResult(ok=False, error_code="isv.BLACK_KEY_CONTROL_LIMIT", error_message="黑名单")]
    message = Message.objects.create(recipient="13800000009", text="x")
    outbox.deliver_all()
    message.refresh_from_db()
    assert (message.status, message.error_message) == (MessageStatus.FAILED, "黑名单")
    copy = outbox.resend(message, actor=world.admin)
    assert AuditLog.objects.system("tests").filter(action="messaging.message.resent", target_id=str(copy.pk)).exists()
    outbox.deliver_all()
    assert Message.objects.system("tests").get(pk=copy.pk).status == MessageStatus.SUBMITTED


def test_a_claim_never_confirmed_is_retried_only_after_the_timeout(db, sms_outbox, settings):
    message = Message.objects.create(recipient="13800000009", text="x")
    claimed_at = timezone.now()
    Message.objects.system("tests").filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=claimed_at, attempts=1
    )
    outbox.deliver_all(now=claimed_at + settings.OUTBOX_CLAIM_TIMEOUT - timedelta(seconds=1))
    assert not sms_outbox  # the worker that claimed it may still be sending
    outbox.deliver_all(now=claimed_at + settings.OUTBOX_CLAIM_TIMEOUT + timedelta(seconds=1))
    assert [s.message_id for s in sms_outbox] == [message.pk]
    assert Message.objects.system("tests").get(pk=message.pk).attempts == 2


def test_a_sign_in_code_is_sent_but_not_kept(db, committed, sms_outbox):
    with committed():
        message = send_secret(
            "13800000009",
            "验证码123456",
            purpose=Purpose.LOGIN_CODE,
            stored_text="验证码******",
            template_params=[("code", "123456")],
        )
        stored = Message.objects.system("tests").values_list("text", "params").get(pk=message.pk)
        assert stored == ("验证码******", [])  # not even until it is sent
    message.refresh_from_db()
    assert sms_outbox[0].text == "验证码123456" and sms_outbox[0].params == (("code", "123456"),)
    assert message.text == "验证码******" and message.params == [] and message.status == MessageStatus.SUBMITTED


def test_delivery_reports_mark_messages_delivered_or_failed(db):
    ok = Message.objects.create(recipient="1", text="a", status=MessageStatus.SUBMITTED, provider_id="P1")
    bad = Message.objects.create(recipient="2", text="b", status=MessageStatus.SUBMITTED)
    outbox.apply_reports(
        [
            DeliveryReport(message_id=None, provider_id="P1", recipient="1", delivered=True),
            DeliveryReport(message_id=bad.pk, provider_id="", recipient="2", delivered=False, error_code="MK:0001"),
        ]
    )
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.status == MessageStatus.DELIVERED and ok.delivered_at
    assert bad.status == MessageStatus.FAILED and bad.error_code == "MK:0001"


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_message(settings):
    settings.SMS_BACKEND = "locmem"
    locmem.outbox.clear()
    Message.objects.bulk_create([Message(recipient=f"1380000{n:04d}", text="x") for n in range(600)])
    barrier = threading.Barrier(2)

    def work():
        barrier.wait()
        try:
            outbox.deliver_all()
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [s.message_id for s in locmem.outbox]
    assert len(sent) == len(set(sent)) == 600


@pytest.mark.django_db(transaction=True)
def test_two_engines_at_once_queue_one_message_per_slot(world, settings):
    from datetime import date, datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from xindai.customers.tests.factories import CustomerFactory
    from xindai.loans.tests.factories import loan_type, make_loan
    from xindai.messaging import reminders
    from xindai.messaging.models import AutoSwitch, SmsTemplate

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    AutoSwitch.objects.update_or_create(pk=1, defaults={"enabled": True})
    kind = loan_type("短期周转贷款")
    for n in range(30):
        customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
        make_loan(
            world.admin,
            customer,
            world.officer_a,
            iou_number=f"E{n}",
            amount=Decimal("1000.00"),
            method="bullet",
            loan_type=kind,
            start_date=date(2026, 1, 1),
            end_date=date(2026, 4, 1),
        )
    SmsTemplate.objects.create(
        name="t", kind="scheduled", text="{客户姓名}", overdue_from=1, every_days=1, send_times="09:00"
    )
    moment = datetime(2026, 4, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            reminders.run(moment)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Message.objects.system("tests").count() == 30


def test_a_push_of_many_delivered_reports_is_one_statement(db, django_assert_num_queries):
    messages = Message.objects.bulk_create(
        [Message(recipient=f"1380000{n:04d}", text="x", status=MessageStatus.SUBMITTED) for n in range(50)]
    )
    reports = [DeliveryReport(message_id=m.pk, provider_id="", recipient=m.recipient, delivered=True) for m in messages]
    with django_assert_num_queries(1):
        assert outbox.apply_reports(reports) == 50
    assert Message.objects.system("tests").filter(status=MessageStatus.DELIVERED).count() == 50
