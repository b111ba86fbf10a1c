"""Inbound SMS end to end: stored once, matched to customers, answered by intent or sent to the
inbox; opt-out and opt-in; shared and unknown numbers; the officer's inbox and its scope."""

import json

import pytest
from django.urls import reverse

from xindai.customers.models import Contact
from xindai.messaging import inbound
from xindai.messaging.models import AutoSwitch, Message, OptOut, Purpose
from xindai.messaging.outbox import deliver_all


@pytest.fixture(autouse=True)
def secret(settings):
    settings.SMS_REPORT_SECRET = "s3cret"
    settings.SMS_HTTP_INBOUND_FIELDS = {"sender": "mobile", "text": "content", "id": "id", "time": "time"}


def push(client, sender, text, msg_id="1"):
    url = reverse("messaging:inbound", args=["http", "s3cret"])
    body = json.dumps({"mobile": sender, "content": text, "id": msg_id})
    return client.post(url, data=body, content_type="application/json")


def replies_to(number):
    deliver_all()
    return [
        m.text for m in Message.objects.system("tests").filter(recipient=number, purpose=Purpose.REPLY).order_by("id")
    ]


def test_a_balance_question_is_answered_with_the_borrowers_own_loans(client, due_book, sms_outbox):
    assert push(client, "13800000001", "余额查询").status_code == 200
    [reply] = replies_to("13800000001")
    assert reply.startswith("马建国：借据M-MA余额10,000.00元")
    received = Message.objects.system("tests").get(direction="in")
    assert received.intent == "balance" and received.handled_at and received.customer == due_book["ma"].customer


def test_a_repayment_question_gets_the_overdue_amount_with_penalty(client, due_book):
    push(client, "13800000001", "我还要还多少钱？什么时候还")
    [reply] = replies_to("13800000001")
    assert "借据M-MA" in reply and ("逾期" in reply or "下次还款日" in reply)


def test_a_push_delivered_twice_stores_and_answers_once(client, due_book):
    push(client, "13800000001", "余额", msg_id="A1")
    push(client, "13800000001", "余额", msg_id="A1")
    assert Message.objects.system("tests").filter(direction="in").count() == 1
    assert len(replies_to("13800000001")) == 1


def test_opt_out_then_opt_in_end_to_end(client, due_book, sms_outbox):
    push(client, "13800000001", "TD", msg_id="o1")
    assert OptOut.objects.filter(number="13800000001").exists()
    assert "退订" in replies_to("13800000001")[0]
    push(client, "13800000001", "订阅", msg_id="o2")
    assert not OptOut.objects.filter(number="13800000001").exists()
    assert "恢复" in replies_to("13800000001")[-1]


def test_an_unknown_number_is_told_nothing_and_waits_in_the_inbox(client, due_book):
    push(client, "13999999999", "余额查询")
    assert replies_to("13999999999") == []
    message = Message.objects.system("tests").get(direction="in")
    assert message.handled_at is None and message.customer is None


def test_a_shared_number_gets_each_customers_part_by_name(client, due_book, world):
    zhao = due_book["zhao"].customer
    zhao.spouse_mobile = "13800000001"
    zhao.save()
    push(client, "13800000001", "余额")
    replies = replies_to("13800000001")  # one each: each logged with its own customer and loan
    assert len(replies) == 2
    assert any(r.startswith("马建国：借据M-MA") for r in replies)
    assert any(r.startswith("赵天佑：借据M-ZHAO") for r in replies)
    assert set(Message.objects.system("tests").get(direction="in").matched_customers.system("tests").all()) == {
        due_book["ma"].customer,
        zhao,
    }


def test_asking_for_a_person_notifies_the_officer(client, due_book, world):
    world.officer_a.mobile = "13700000009"
    world.officer_a.save()
    push(client, "13800000001", "转人工")
    [reply] = replies_to("13800000001")
    assert "王信贷" in reply
    notice = Message.objects.system("tests").get(purpose=Purpose.NOTICE)
    assert notice.recipient == "13700000009" and "马建国" in notice.text


def test_unknown_text_and_any_text_while_replies_are_off_go_to_the_inbox(client, due_book):
    push(client, "13800000001", "今年羊价怎么样", msg_id="u1")
    AutoSwitch.objects.update_or_create(pk=1, defaults={"replies_enabled": False})
    push(client, "13800000001", "余额", msg_id="u2")
    assert replies_to("13800000001") == []
    assert Message.objects.system("tests").filter(direction="in", handled_at__isnull=True).count() == 2


def test_the_wrong_secret_is_not_found(client, due_book):
    url = reverse("messaging:inbound", args=["http", "wrong"])
    assert client.post(url, data="{}", content_type="application/json").status_code == 404


@pytest.mark.parametrize("user_kind, sees", [("officer_a", 1), ("officer_b", 0), ("admin", 2), ("manager_a", 1)])
def test_the_inbox_is_scoped_like_the_customers(client, login, due_book, world, user_kind, sees):
    push(client, "13800000001", "羊价", msg_id="s1")  # 马建国, branch A
    push(client, "13999999999", "你好", msg_id="s2")  # unknown number: all-data users only
    response = login(getattr(world, user_kind)).get(reverse("messaging:inbox"))
    assert len(response.context["page"].object_list) == sees


def test_the_officer_answers_from_the_inbox_and_a_contact_is_recorded(client, login, due_book, world):
    push(client, "13800000001", "羊价怎么样")
    message = Message.objects.system("tests").get(direction="in")
    officer = login(world.officer_a)
    home = officer.get(reverse("home"))
    assert any(c["key"] == "inbox" and c["value"] == "1" for c in home.context["overview"]["cards"])
    officer.post(reverse("messaging:answer", args=[message.pk]), {"text": "最近价格平稳", "action": "answer"})
    message.refresh_from_db()
    assert message.handled_by == world.officer_a
    deliver_all()
    answer = Message.objects.system("tests").get(purpose=Purpose.ANSWER)
    assert (answer.recipient, answer.text, answer.reply_to) == ("13800000001", "最近价格平稳", message)
    assert Contact.objects.system("tests").filter(customer=due_book["ma"].customer, subject="短信回复").exists()


def test_an_ivr_call_per_menu_key(client, due_book, world):
    url = reverse("messaging:ivr", args=["s3cret"])

    def step(digits, caller="13800000001", call="c1"):
        body = json.dumps({"call_id": call, "caller": caller, "digits": digits})
        return client.post(url, data=body, content_type="application/json").json()

    assert "请按1" in step("")["say"]
    assert "余额10,000.00" in step("1")["say"]
    assert "借据M-MA" in step("2")["say"]
    world.officer_a.mobile = "13700000009"
    world.officer_a.save()
    answer = step("3")
    assert "王信贷" in answer["say"] and answer["hangup"]
    assert Message.objects.system("tests").filter(purpose=Purpose.NOTICE, recipient="13700000009").exists()
    assert "请按1" in step("9")["say"]
    unknown = step("1", caller="+8613999999999", call="c2")
    assert "未登记" in unknown["say"] and "10,000" not in unknown["say"]


def test_reply_values_use_only_the_customers_own_loans(due_book):
    values = inbound.reply_values(due_book["ma"].customer, due_book["ma"].start_date)
    assert "M-ZHAO" not in values["余额明细"]
