"""In a real Chromium: a borrower's reply arrives at the endpoint and is answered automatically
(seen in the log); an unknown text waits in the inbox and the officer answers it."""

import json

import pytest
from django.test import Client

from xindai.customers.tests.factories import CustomerFactory
from xindai.messaging.backends import locmem
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_automatic_reply_in_the_log_and_an_answer_from_the_inbox(page, live_server, world, settings):
    settings.SMS_BACKEND = "locmem"
    settings.SMS_REPORT_SECRET = "s3cret"
    settings.SMS_HTTP_INBOUND_FIELDS = {"sender": "mobile", "text": "content", "id": "id"}
    locmem.outbox.clear()
    CustomerFactory(name="马建国", mobile="13800000001", village=world.village_a1, registered_by=world.officer_a)
    provider = Client()
    url = "/messaging/inbound/http/s3cret/"
    for msg_id, text in (("1", "退订"), ("2", "今年的补贴什么时候发")):
        body = json.dumps({"mobile": "13800000001", "content": text, "id": msg_id})
        assert provider.post(url, data=body, content_type="application/json").status_code == 200

    sign_in(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/messaging/")
    assert "已退订" in page.inner_text("[data-testid=log-table]")
    page.goto(f"{live_server.url}/messaging/inbox/")
    item = page.locator("[data-testid=inbox-item]")
    assert item.count() == 1 and "补贴" in item.inner_text()
    page.fill("[data-testid=answer-text]", "补贴预计下月发放，请留意村委通知。")
    page.click("[data-testid=answer-send]")
    page.wait_for_selector("[data-testid=inbox-empty]")
    assert any(sms.text == "补贴预计下月发放，请留意村委通知。" for sms in locmem.outbox)
