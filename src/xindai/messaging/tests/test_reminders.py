"""The automatic engine: which installment gets which message at which moment, exactly once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from xindai.loans.models import LoanType
from xindai.messaging import reminders
from xindai.messaging.models import Message, MessageStatus, OptOut, Purpose, SmsTemplate
from xindai.messaging.outbox import deliver_all
from xindai.repayments.services import repayment_confirm

CST = ZoneInfo("Asia/Shanghai")


def at(day: str, hm: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=CST)


def advance(**extra) -> SmsTemplate:
    values = {
        "name": "提前3天",
        "kind": SmsTemplate.Kind.ADVANCE,
        "text": "{客户姓名}您好，您的借据{借据编号}将于{到期日}到期，应还{应还合计}元。",
        "days_before": 3,
        "send_times": "09:00",
    }
    return SmsTemplate.objects.create(**{**values, **extra})


def scheduled(**extra) -> SmsTemplate:
    values = {
        "name": "逾期催缴",
        "kind": SmsTemplate.Kind.SCHEDULED,
        "text": "{客户姓名}，借据{借据编号}已逾期{逾期天数}天，应还{应还合计}元（含罚息{罚息}元）。",
        "overdue_from": 1,
        "overdue_to": 30,
        "every_days": 7,
        "send_times": "09:00,16:00",
    }
    return SmsTemplate.objects.create(**{**values, **extra})


def queued(**filters) -> list[Message]:
    return list(Message.objects.system("tests").filter(**filters).order_by("id"))


@pytest.mark.parametrize(
    "day, expected",
    [("2026-03-28", 0), ("2026-03-29", 2), ("2026-03-30", 0), ("2026-04-01", 0)],
)
def test_advance_reminders_go_the_set_number_of_days_before_the_due_date(due_book, switched_on, day, expected):
    advance()
    assert reminders.run(at(day)).queued == expected


def test_the_reminder_text_carries_the_installments_figures(due_book, switched_on):
    advance(days_before=0)
    reminders.run(at("2026-04-01"))
    message = queued(loan=due_book["ma"])[0]
    assert message.text == "马建国您好，您的借据M-MA将于2026年4月1日到期，应还10,108.75元。"
    assert message.purpose == Purpose.REMINDER and message.recipient == "13800000001"
    assert dict(message.params)["应还合计"] == "10,108.75"


def test_nothing_before_the_send_time_and_nothing_when_switched_off(due_book, switched_on):
    advance()
    assert reminders.run(at("2026-03-29", "08:59")).queued == 0
    switched_on.enabled = False
    switched_on.save()
    result = reminders.run(at("2026-03-29", "09:30"))
    assert result.switched_off and result.queued == 0


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-04-01", 0),  # the due date: not overdue yet
        ("2026-04-02", 2),  # day 1
        ("2026-04-03", 0),  # day 2: every 7 days
        ("2026-04-09", 2),  # day 8
        ("2026-04-30", 2),  # day 29
        ("2026-05-01", 0),  # day 30, not a 7-day step
        ("2026-05-07", 0),  # day 36: past the last day
    ],
)
def test_scheduled_collection_follows_its_day_limits_and_rhythm(due_book, switched_on, day, expected):
    scheduled(send_times="09:00")
    assert reminders.run(at(day)).queued == expected


def test_each_slot_of_the_day_sends_once_even_when_the_engine_runs_again(due_book, switched_on):
    scheduled()
    assert reminders.run(at("2026-04-02", "09:05")).queued == 2
    assert reminders.run(at("2026-04-02", "09:06")).queued == 0
    assert reminders.run(at("2026-04-02", "16:00")).queued == 2  # the afternoon slot
    assert reminders.run(at("2026-04-02", "18:00")).queued == 0
    assert Message.objects.system("tests").count() == 4


def test_the_database_refuses_a_second_message_for_the_same_slot(due_book, switched_on):
    from django.db import IntegrityError, transaction

    scheduled()
    reminders.run(at("2026-04-02", "09:05"))
    first = Message.objects.system("tests").filter(loan=due_book["ma"]).get()
    first.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_settled_installments_and_opted_out_numbers_get_nothing(due_book, switched_on):
    scheduled(send_times="09:00")
    repayment_confirm(
        actor=due_book["ma"].officer,
        installment_id=due_book["ma"].installments.get().pk,
        amount=None,
        paid_on=at("2026-04-01").date(),
    )
    OptOut.objects.create(number="13800000003")
    assert reminders.run(at("2026-04-02")).queued == 0


def test_a_template_for_a_loan_type_takes_its_loans_from_the_general_one(due_book, switched_on):
    general = scheduled(send_times="09:00", every_days=1)
    livestock = scheduled(
        name="畜牧业催缴", send_times="09:00", every_days=1, loan_type=LoanType.objects.get(name="短期周转贷款")
    )
    reminders.run(at("2026-04-02"))
    assert {m.loan.iou_number for m in queued(template=general)} == {"M-MA"}
    assert {m.loan.iou_number for m in queued(template=livestock)} == {"M-ZHAO"}


def test_outside_the_allowed_hours_messages_are_held_until_they_begin(due_book, switched_on, sms_outbox):
    scheduled(send_times="07:00", every_days=1)
    result = reminders.run(at("2026-04-02", "07:30"))
    assert result.queued == 2 and result.held_until == at("2026-04-02", "08:00")
    deliver_all(now=at("2026-04-02", "07:31"))
    assert not sms_outbox
    assert set(Message.objects.system("tests").values_list("status", flat=True)) == {MessageStatus.QUEUED}
    deliver_all(now=at("2026-04-02", "08:00"))
    assert len(sms_outbox) == 2


def test_a_settled_installment_is_cancelled_at_the_moment_of_sending(due_book, switched_on, sms_outbox):
    scheduled(send_times="09:00", every_days=1)
    reminders.run(at("2026-04-02", "09:00"))
    repayment_confirm(
        actor=due_book["ma"].officer,
        installment_id=due_book["ma"].installments.get().pk,
        amount=None,
        paid_on=at("2026-04-02").date(),
    )
    deliver_all(now=at("2026-04-02", "09:01"))
    assert [sms.recipient for sms in sms_outbox] == ["13800000003"]
    assert Message.objects.system("tests").get(loan=due_book["ma"]).status == MessageStatus.CANCELLED


def test_the_command_runs_and_dry_runs(due_book, switched_on, capsys):
    from django.core.management import call_command

    advance()
    call_command("reminders", "run", "--at", "2026-03-29T09:30", "--dry-run")
    assert "would queue 2" in capsys.readouterr().out and not Message.objects.system("tests").exists()
    call_command("reminders", "run", "--at", "2026-03-29T09:30")
    assert Message.objects.system("tests").count() == 2
