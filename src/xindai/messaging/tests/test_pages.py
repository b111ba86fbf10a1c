"""Mass sending from filtered lists, numbers and users; manual collection; templates; the switch;
the message log (scope and totals); delivery-report pushes."""

import json

import pytest
from django.urls import reverse

from xindai.customers.models import Contact
from xindai.messaging import mass_sending
from xindai.messaging.models import AutoSwitch, MassSending, Message, MessageStatus, OptOut, Purpose, SmsTemplate
from xindai.messaging.outbox import deliver_all


def compose(client, **data):
    return client.post(reverse("messaging:compose"), data)


def test_numbers_typed_in_are_validated_deduplicated_and_opt_outs_skipped(world, login, sms_outbox, run_jobs):
    OptOut.objects.create(number="13800000002")
    client = login(world.officer_a)
    data = {"source": "numbers", "numbers": "13800000001, 13800000002\n13800000001 12345", "text": "通知：明天开会"}
    page = compose(client, **data, action="preview")
    assert "12345" in page.content.decode()  # the invalid entry is named
    preview = page.context["preview"]
    assert (preview.recipients, preview.duplicates, preview.opted_out, preview.messages) == (3, 1, 1, 1)
    compose(client, **data, action="send")
    run_jobs()
    deliver_all()
    batch = MassSending.objects.system("tests").get()
    assert (batch.messages_count, batch.skipped_opted_out) == (1, 1)
    assert [s.recipient for s in sms_outbox] == ["13800000001"]


def test_a_filtered_customer_list_gets_one_message_each_with_its_name(world, login, due_book, sms_outbox, run_jobs):
    client = login(world.officer_a)
    data = {"source": "customers", "query": "", "text": "{客户姓名}您好", "action": "send"}
    response = compose(client, **data)
    assert response.status_code == 302
    run_jobs()
    deliver_all()
    assert [s.text for s in sms_outbox] == ["马建国您好"]  # officer_a's scope: not 赵天佑


def test_manual_collection_from_the_overdue_list_is_recorded_as_contacts(world, login, due_book, sms_outbox, run_jobs):
    client = login(world.admin)
    ids = [due_book["ma"].installments.get().pk]
    data = {
        "source": "due",
        "ids": ids,
        "query": "as_of=2026-05-01",
        "text": "{客户姓名}，已逾期{逾期天数}天，应还{应还合计}元",
    }
    compose(client, **data, action="send")
    run_jobs()
    message = Message.objects.system("tests").get()
    assert message.purpose == Purpose.MANUAL_COLLECTION and message.installment_id == ids[0]
    assert message.text.startswith("马建国，已逾期")
    contact = Contact.objects.system("tests").get()
    assert (contact.customer, contact.subject, contact.channel.name) == (due_book["ma"].customer, "人工催缴", "短信")


def test_an_unknown_parameter_is_refused(world, login):
    client = login(world.admin)
    page = compose(client, source="numbers", numbers="13800000001", text="{客户名}您好", action="preview")
    assert "客户名" in page.content.decode() and "preview" not in page.context
    form = client.post(
        reverse("messaging:template_create"),
        {"name": "x", "kind": "general", "channel": "sms", "retry_times": 2, "retry_minutes": 30, "text": "{余额}"},
    )
    assert form.status_code == 200 and not SmsTemplate.objects.exists()


def test_a_template_is_saved_with_its_rules_and_previewed_on_a_real_installment(world, login, due_book):
    client = login(world.admin)
    data = {
        "name": "逾期催缴",
        "kind": "scheduled",
        "channel": "sms",
        "retry_times": 2,
        "retry_minutes": 30,
        "text": "{客户姓名}，借据{借据编号}逾期{逾期天数}天",
        "send_times": "09:00，16:00",
        "overdue_from": 1,
        "overdue_to": 90,
        "every_days": 3,
        "is_active": "on",
    }
    assert client.post(reverse("messaging:template_create"), data).status_code == 302
    template = SmsTemplate.objects.get()
    assert template.times() == ["09:00", "16:00"]
    page = client.get(reverse("messaging:template_edit", args=[template.pk]))
    assert "借据M-" in page.context["preview"]
    bad = client.post(reverse("messaging:template_create"), {**data, "send_times": "9点"})
    assert bad.status_code == 200


def test_the_switch_keeps_who_and_when(world, login):
    client = login(world.admin)
    client.post(reverse("messaging:auto"), {"enabled": "on", "allowed_from": "08:00", "allowed_to": "20:00"})
    switch = AutoSwitch.objects.get()
    assert switch.enabled and switch.changed_by == world.admin and switch.changed_at


def test_segments_count_the_signature(world, login, settings):
    settings.SMS_SIGN_NAME = "张掖城商行"
    preview = mass_sending.preview([mass_sending.Recipient("13800000001")], "字" * 63)
    assert (preview.characters, preview.segments) == (70, 1)
    preview = mass_sending.preview([mass_sending.Recipient("13800000001")], "字" * 64)
    assert (preview.characters, preview.segments) == (71, 2)


@pytest.mark.parametrize("user_kind, expected", [("admin", 3), ("officer_a", 2), ("officer_b", 1), ("leader", 3)])
def test_the_log_lists_and_totals_only_the_scope(world, login, due_book, user_kind, expected):
    Message.objects.create(recipient="13800000001", text="a", customer=due_book["ma"].customer, segments=2)
    Message.objects.create(recipient="13800000003", text="b", customer=due_book["zhao"].customer)
    Message.objects.create(recipient="13900000000", text="c", created_by=world.officer_a)  # a typed number
    response = login(getattr(world, user_kind)).get(reverse("messaging:log"))
    assert response.status_code == 200
    assert response.context["totals"]["count"] == expected


def test_resend_a_failed_message(world, login, due_book, sms_outbox):
    failed = Message.objects.create(
        recipient="13800000001", text="a", customer=due_book["ma"].customer, status=MessageStatus.FAILED
    )
    client = login(world.officer_a)
    assert client.post(reverse("messaging:resend", args=[failed.pk])).status_code == 302
    deliver_all()
    assert Message.objects.system("tests").count() == 2 and [s.text for s in sms_outbox] == ["a"]
    other = Message.objects.create(recipient="1", text="b", customer=due_book["zhao"].customer, status="failed")
    assert client.post(reverse("messaging:resend", args=[other.pk])).status_code == 404


def test_report_pushes_need_the_secret(db, client, settings):
    settings.SMS_REPORT_SECRET = "s3cret"
    message = Message.objects.create(recipient="1", text="a", status=MessageStatus.SUBMITTED)
    url = reverse("messaging:report", args=["locmem", "wrong"])
    assert client.post(url, data="[]", content_type="application/json").status_code == 404
    from xindai.messaging.backends import DeliveryReport, locmem

    def parse(cls, body, content_type):
        return [
            DeliveryReport(message_id=item["id"], provider_id="", recipient="", delivered=True)
            for item in json.loads(body)
        ]

    locmem.SmsBackend.parse_reports = classmethod(parse)
    try:
        url = reverse("messaging:report", args=["locmem", "s3cret"])
        response = client.post(url, data=json.dumps([{"id": message.pk}]), content_type="application/json")
    finally:
        del locmem.SmsBackend.parse_reports
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_users_by_role_are_recipients(world, login, sms_outbox, run_jobs):
    world.officer_b.mobile = "13700000001"
    world.officer_b.save()
    client = login(world.admin)
    compose(client, source="users", branch=world.branch_b.pk, text="{客户姓名}：请参加培训", action="send")
    run_jobs()
    deliver_all()
    assert [(s.recipient, s.text) for s in sms_outbox] == [("13700000001", "赵信贷：请参加培训")]


def test_the_customer_record_shows_its_messages(world, login, due_book):
    Message.objects.create(recipient="13800000001", text="提醒一条", customer=due_book["ma"].customer)
    page = login(world.officer_a).get(reverse("customers:detail", args=[due_book["ma"].customer_id]))
    assert "提醒一条" in page.content.decode()
