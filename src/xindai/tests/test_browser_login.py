"""A real Chromium signs in with a password and with an SMS code read from the locmem backend."""

import re

import pytest

from xindai.messaging.backends import locmem
from xindai.org.tests.factories import PASSWORD, UserFactory, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_password_sign_in_shows_the_home_page(page, live_server):
    UserFactory(username="liu", real_name="刘信贷", role=role("信贷员"))
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "liu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert "业务概览" in page.content()
    assert "刘信贷" in page.inner_text("[data-testid=current-user]")


def test_sms_code_sign_in_shows_the_home_page(page, live_server):
    UserFactory(username="ma", real_name="马信贷", mobile="13987654321", role=role("信贷员"))
    page.goto(live_server.url + "/login/")
    page.click("[data-testid=sms-tab]")
    page.fill("#id_phone", "13987654321")
    page.click("[data-testid=send-code]")
    page.wait_for_selector("[data-testid=code-status]")
    code = re.search(r"\d{6}", locmem.outbox[-1].text).group()
    page.fill("#id_code", code)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert "马信贷" in page.inner_text("[data-testid=current-user]")
