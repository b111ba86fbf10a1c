"""Signing in through the pages: password, SMS code, SMS as a second step, lock-out, audit."""

import re

import pytest
from django.urls import reverse

from xindai.core.models import AuditLog
from xindai.core.system_settings import system_settings_update
from xindai.messaging.backends import locmem
from xindai.org.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(username="wang", mobile="13912345678")


def code_sent() -> str:
    return re.search(r"\d{6}", locmem.outbox[-1].text).group()


def test_password_sign_in_reaches_home_and_is_logged(client, officer):
    response = client.post(reverse("login"), {"username": "wang", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert AuditLog.objects.system("tests").filter(action="org.auth.signed_in", actor=officer).exists()


def test_wrong_password_is_refused_in_chinese_and_logged(client, officer):
    response = client.post(reverse("login"), {"username": "wang", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AuditLog.objects.system("tests").filter(action="org.auth.failed", target_repr="wang").exists()


def test_five_wrong_passwords_lock_the_account(client, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "wang", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "wang", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert AuditLog.objects.system("tests").filter(action="org.auth.locked_out").exists()


def test_pages_need_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_sms_code_sign_in(client, officer, committed):
    with committed():
        response = client.post(reverse("login_sms_send"), {"phone": "139 1234 5678"})
    assert "验证码" in response.content.decode()
    response = client.post(reverse("login_sms"), {"phone": "13912345678", "code": code_sent()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert AuditLog.objects.system("tests").get(action="org.auth.signed_in").changes == {"method": "sms"}


def test_sms_send_answers_the_same_for_unknown_numbers(client, officer, committed):
    with committed():
        known = client.post(reverse("login_sms_send"), {"phone": "13912345678"}).content
        unknown = client.post(reverse("login_sms_send"), {"phone": "13700000000"}).content
    assert known == unknown
    assert len(locmem.outbox) == 1


def test_sms_send_rejects_a_malformed_number_in_chinese(client):
    response = client.post(reverse("login_sms_send"), {"phone": "12345"})
    assert "手机号" in response.content.decode()


def test_wrong_sms_code_is_refused(client, officer, committed):
    with committed():
        client.post(reverse("login_sms_send"), {"phone": "13912345678"})
    response = client.post(
        reverse("login_sms"), {"phone": "13912345678", "code": "000000" if code_sent() != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "验证码错误或已失效" in response.content.decode()


def test_required_second_step_asks_for_the_code_after_the_password(client, officer, committed):
    system_settings_update(actor=None, login_sms_required=True)
    with committed():
        response = client.post(reverse("login"), {"username": "wang", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("login_second")
    assert client.get(reverse("home")).status_code == 302  # not signed in yet
    response = client.post(reverse("login_second"), {"code": code_sent()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_second_step_is_off_by_default(client, officer):
    response = client.post(reverse("login"), {"username": "wang", "password": PASSWORD})
    assert response.url == reverse("home")
    assert locmem.outbox == []


def test_interface_is_chinese_by_default_and_english_on_request(client, officer):
    # An English browser still gets Chinese: the bank's default.
    assert "登录" in client.get(reverse("login"), headers={"accept-language": "en"}).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get(reverse("login")).content.decode()
