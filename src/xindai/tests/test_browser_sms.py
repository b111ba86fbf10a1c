"""In a real Chromium a loan officer sends an SMS to a filtered customer list and sees the
messages in the log."""

import pytest

from xindai.customers.tests.factories import CustomerFactory
from xindai.messaging.backends import locmem
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mass_sms_to_a_filtered_list_shows_in_the_log(page, live_server, world, settings):
    settings.SMS_BACKEND = "locmem"
    locmem.outbox.clear()
    CustomerFactory(name="马建国", mobile="13800000001", village=world.village_a1, registered_by=world.officer_a)
    CustomerFactory(name="马秀兰", mobile="13800000002", village=world.village_a1, registered_by=world.officer_a)
    CustomerFactory(name="李明辉", mobile="13800000003", village=world.village_a1, registered_by=world.officer_a)
    sign_in(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/customers/?name=马")
    page.click("[data-testid=sms-list]")
    page.wait_for_selector("[data-testid=compose-form]")
    assert "2" in page.inner_text("[data-testid=recipient-count]")
    page.fill("#id_text", "{客户姓名}您好，本周五乡镇开展养殖培训。")
    page.click("[data-testid=compose-preview]")
    page.wait_for_selector("[data-testid=sms-preview]")
    preview = page.inner_text("[data-testid=sms-preview]")
    assert "马" in preview and "您好，本周五乡镇开展养殖培训。" in preview
    page.click("[data-testid=compose-send]")
    page.click("[data-testid=sending-link]")  # the batch is made by a background job: its page links the record
    page.wait_for_selector("[data-testid=sending-counts]")
    assert sorted(s.text for s in locmem.outbox) == [
        "马建国您好，本周五乡镇开展养殖培训。",
        "马秀兰您好，本周五乡镇开展养殖培训。",
    ]
    page.goto(f"{live_server.url}/messaging/")
    log = page.inner_text("[data-testid=log-table]")
    assert "马建国您好" in log and "马秀兰您好" in log and "李明辉" not in log
