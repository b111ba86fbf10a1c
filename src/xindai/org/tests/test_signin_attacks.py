"""Sign-in that cannot be turned against the bank (issue #14, measured):

- five wrong passwords for `admin` from five addresses locked `admin` out for everyone;
- five failures for any users from one address locked every user behind it (one office NAT);
- `/login/sms/?next=https://evil.example/` redirected off-site after a good code;
- ten simultaneous code requests for one number created 9 codes and 9 SMS;
- the code was kept in clear in `messaging_message.params` until sent;
- no user could change their own password.
"""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from xindai.core.models import AuditLog
from xindai.messaging.backends import locmem
from xindai.messaging.models import Message
from xindai.org import lockout, login_codes
from xindai.org.models import LoginCode
from xindai.org.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(username="admin", mobile="13912345678", is_superuser=True)


def _post_login(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failures_from_many_addresses_do_not_lock_the_account_for_everyone(client, admin_user):
    for n in range(5):
        _post_login(client, "admin", "wrong", f"10.0.0.{n + 1}")
    response = _post_login(client, "admin", PASSWORD, "10.0.0.99")
    assert response.status_code == 302


def test_failures_for_many_users_from_one_address_do_not_lock_the_others_behind_it(client, admin_user):
    UserFactory(username="wang")
    for n in range(5):
        _post_login(client, f"nobody{n}", "wrong", "10.1.1.1")
    assert _post_login(client, "wang", PASSWORD, "10.1.1.1").status_code == 302


def test_one_username_from_one_address_is_locked_and_the_delay_grows(client, admin_user, settings):
    for _ in range(5):
        _post_login(client, "admin", "wrong", "10.2.2.2")
    assert _post_login(client, "admin", PASSWORD, "10.2.2.2").status_code == 429
    assert _post_login(client, "admin", PASSWORD, "10.2.2.3").status_code == 302  # another address
    assert AuditLog.objects.system("tests").filter(action="org.auth.locked_out").exists()
    assert lockout.delay_after(4) == timedelta(minutes=settings.AXES_COOLOFF_MINUTES_MAX)  # still counting
    assert [lockout.delay_after(n) for n in (5, 6, 7, 8)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert lockout.delay_after(50) == timedelta(minutes=settings.AXES_COOLOFF_MINUTES_MAX)


def test_the_client_address_comes_from_a_proxy_header_only_behind_a_named_proxy(rf, settings):
    from xindai.core.middleware import client_ip

    forged = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9")
    settings.TRUSTED_PROXIES = []
    assert client_ip(forged) == "203.0.113.7"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(forged) == "203.0.113.7"  # not from the proxy: the header is ignored
    proxied = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4")
    assert client_ip(proxied) == "198.51.100.4"  # the address the proxy saw
    settings.TRUSTED_PROXIES = ["127.0.0.1", "198.51.100.4"]
    assert client_ip(proxied) == "10.9.9.9"


def _code() -> str:
    return re.search(r"\d{6}", locmem.outbox[-1].text).group()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_goes_only_to_our_own_paths(client, admin_user, committed, target):
    with committed():
        client.post(reverse("login_sms_send"), {"phone": admin_user.mobile})
    url = reverse("login_sms") + "?next=" + target
    response = client.post(url, {"phone": admin_user.mobile, "code": _code()})
    assert response.status_code == 302 and response.url == reverse("home")


def test_next_keeps_a_path_of_ours(client, admin_user, committed):
    with committed():
        client.post(reverse("login_sms_send"), {"phone": admin_user.mobile})
    response = client.post(reverse("login_sms") + "?next=/loans/?page=2", {"phone": admin_user.mobile, "code": _code()})
    assert response.url == "/loans/?page=2"


def test_a_code_is_never_stored_in_clear(admin_user, committed):
    with committed():
        login_codes.login_code_request(phone=admin_user.mobile)
    code = _code()
    message = Message.objects.system("tests").get()
    assert code not in message.text and message.params == []
    assert code not in str(Message.objects.system("tests").values_list().get())
    assert LoginCode.objects.get().code_hash != code
    assert message.status == "submitted"  # sent from this process right after the commit


@pytest.mark.django_db(transaction=True)
def test_simultaneous_code_requests_for_one_number_send_one_code():
    UserFactory(username="li", mobile="13900001111")
    barrier = threading.Barrier(10)
    outcomes = []

    def request():
        try:
            barrier.wait()
            login_codes.login_code_request(phone="13900001111")
            outcomes.append("sent")
        except Exception as err:  # noqa: BLE001 - the refusal is the expected outcome
            outcomes.append(type(err).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["BusinessError"] * 9 + ["sent"]
    assert LoginCode.objects.filter(phone="13900001111").count() == 1
    assert len([m for m in locmem.outbox if m.recipient == "13900001111"]) == 1


def test_each_user_changes_their_own_password(client, admin_user, login):
    officer = UserFactory(username="zhao")
    client = login(officer)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    wrong_old = client.post(
        url, {"old_password": "nope", "new_password1": "Nnew-pass-2027", "new_password2": "Nnew-pass-2027"}
    )
    assert wrong_old.status_code == 200 and wrong_old.context["form"].errors["old_password"] == ["当前密码不正确。"]
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"})
    assert weak.status_code == 200 and "密码必须同时包含字母和数字。" in weak.context["form"].errors["new_password2"]
    done = client.post(
        url, {"old_password": PASSWORD, "new_password1": "Nnew-pass-2027", "new_password2": "Nnew-pass-2027"}
    )
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Nnew-pass-2027")
    assert AuditLog.objects.system("tests").filter(action="org.user.password_changed", actor=officer).exists()
    assert client.get(reverse("home")).status_code == 200  # still signed in
