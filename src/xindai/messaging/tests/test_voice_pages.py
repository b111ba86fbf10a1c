"""电话语音 as its own module: 语音群发 sends calls through the messaging services, 语音模板 are the
voice-channel templates, 呼叫记录 lists each call's result, attempts and retries in the user's scope."""

import pytest
from django.urls import reverse

from xindai.core.menu import MENU
from xindai.messaging.models import MassSending, Message, SmsTemplate
from xindai.messaging.outbox import deliver_all
from xindai.messaging.voice import locmem


@pytest.fixture(autouse=True)
def calls(settings):
    settings.VOICE_BACKEND = "locmem"
    locmem.calls.clear()
    return locmem.calls


def test_the_voice_module_follows_sms_in_the_menu():
    names = [[e.url_name for e in m.entries] for m in MENU]
    sms = next(i for i, entries in enumerate(names) if "messaging:compose" in entries)
    assert names[sms + 1] == ["messaging:voice_compose", "messaging:voice_templates", "messaging:calls"]


def test_a_voice_notice_is_a_call_through_the_same_sending(world, login, calls, sms_outbox, run_jobs):
    client = login(world.officer_a)
    data = {"source": "numbers", "numbers": "13800000001", "text": "通知：明天开会", "channel": "sms"}
    preview = client.post(reverse("messaging:voice_compose"), data | {"action": "preview"})
    assert preview.status_code == 200 and preview.context["voice"] and preview.context["preview"].messages == 1
    response = client.post(reverse("messaging:voice_compose"), data | {"action": "send"})
    batch = MassSending.objects.system("tests").get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[batch.job_id])
    run_jobs()
    deliver_all()
    message = Message.objects.system("tests").get()
    assert message.channel == "voice" and message.sending == batch  # a posted "sms" does not turn it back
    assert [c.recipient for c in calls] == ["13800000001"] and sms_outbox == []


def test_voice_compose_offers_only_voice_templates(world, login):
    SmsTemplate.objects.create(name="短信通知", kind="general", channel="sms", text="a")
    voice = SmsTemplate.objects.create(name="语音通知", kind="general", channel="voice", text="b")
    page = login(world.officer_a).get(reverse("messaging:voice_compose"))
    assert list(page.context["form"].fields["template"].queryset) == [voice]
    assert 'name="channel" value="voice"' in page.content.decode()


def test_voice_templates_lists_the_voice_ones_and_creates_a_voice_template(world, login):
    SmsTemplate.objects.create(name="短信通知", kind="general", channel="sms", text="a")
    SmsTemplate.objects.create(name="语音通知", kind="general", channel="voice", text="b", retry_times=3)
    client = login(world.admin)
    page = client.get(reverse("messaging:voice_templates"))
    assert [t.name for t in page.context["templates"]] == ["语音通知"]
    assert reverse("messaging:template_create") + "?channel=voice" in page.content.decode()
    form = client.get(reverse("messaging:template_create") + "?channel=voice").context["form"]
    assert form["channel"].value() == "voice"
    data = {"name": "语音催缴", "kind": "general", "channel": "voice", "text": "{客户姓名}您好", "retry_times": 2}
    data |= {"retry_minutes": 30, "is_active": "on"}
    response = client.post(reverse("messaging:template_create") + "?channel=voice", data)
    assert response.status_code == 302 and response.url == reverse("messaging:voice_templates")
    assert SmsTemplate.objects.get(name="语音催缴").channel == "voice"


def _call(customer, outcome, attempts=1, **extra):
    return Message.objects.create(
        channel="voice", recipient=customer.mobile or "13800000001", text="x", customer=customer,
        call_outcome=outcome, attempts=attempts, **extra,
    )  # fmt: skip


@pytest.mark.parametrize("user_kind, expected", [("admin", 4), ("officer_a", 3), ("officer_b", 1)])
def test_the_call_log_shows_results_and_retries_in_scope(world, login, due_book, user_kind, expected):
    ma, zhao = due_book["ma"].customer, due_book["zhao"].customer
    _call(ma, "answered", status="delivered", duration_s=42)
    _call(ma, "no_answer", attempts=3, status="failed")
    _call(ma, "busy", attempts=2, status="queued")
    _call(zhao, "vacant", status="failed")
    Message.objects.create(recipient="13800000001", text="an SMS", customer=ma)  # not a call
    client = login(getattr(world, user_kind))
    response = client.get(reverse("messaging:calls"))
    assert response.status_code == 200 and response.context["totals"]["count"] == expected
    if user_kind == "officer_a":
        totals = response.context["totals"]
        assert (totals["answered"], totals["no_answer"], totals["busy"], totals["vacant"]) == (1, 1, 1, 0)
        assert (totals["retried"], totals["calls_made"], totals["waiting"]) == (2, 6, 1)
        assert client.get(reverse("messaging:calls"), {"outcome": "no_answer"}).context["totals"]["count"] == 1
        assert client.get(reverse("messaging:calls"), {"retried": "true"}).context["totals"]["count"] == 2
        assert client.get(reverse("messaging:calls"), {"retried": "false"}).context["totals"]["count"] == 1


def test_the_call_log_is_a_fixed_number_of_queries(world, login, due_book, django_assert_max_num_queries):
    ma = due_book["ma"].customer
    for i in range(30):
        _call(ma, ["answered", "no_answer", "busy", "failed"][i % 4], attempts=1 + i % 3)
    client = login(world.admin)
    client.get(reverse("messaging:calls"))  # warm the session and the menu
    with django_assert_max_num_queries(12):
        response = client.get(reverse("messaging:calls"))
    assert len(response.context["page"]) == 20  # a page of the 30, every row with its customer


def test_the_voice_preview_speaks_of_the_call_not_of_sms_segments(world, login):
    """A call is read out, not split into SMS: the preview gives the characters read and the
    seconds the reading takes (about 4 characters a second), without the SMS signature."""
    text = "通知：" + "贷" * 77  # 80 characters: two SMS with the signature, 20 s of speech
    data = {"source": "numbers", "numbers": "13800000001", "text": text, "action": "preview"}
    page = login(world.officer_a).post(reverse("messaging:voice_compose"), data)
    preview = page.context["preview"]
    assert (preview.spoken_characters, preview.call_seconds) == (80, 20)
    shown = page.content.decode()
    assert "朗读 80 个字，每通电话约 20 秒；共拨打 1 通电话" in shown and "条短信" not in shown


def test_the_sms_preview_still_counts_segments(world, login):
    data = {"source": "numbers", "numbers": "13800000001", "text": "贷" * 80, "action": "preview"}
    data |= {"channel": "sms"}
    shown = login(world.officer_a).post(reverse("messaging:compose"), data).content.decode()
    assert "每条计 2 条短信" in shown and "每通电话" not in shown
