"""The SMS sign-in code rules, each with its test."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from xindai.core.errors import BusinessError
from xindai.messaging.backends import locmem
from xindai.messaging.models import Message
from xindai.org.login_codes import TOO_MANY_REQUESTS, login_code_request, login_code_verify
from xindai.org.models import LoginCode
from xindai.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_code(committed):
    """Ask for a code the way the sign-in page does: in its own committed transaction."""

    def _request(phone):
        with committed():
            login_code_request(phone=phone)

    return _request


def sent_code() -> str:
    return re.search(r"\d{6}", locmem.outbox[-1].text).group()


@pytest.fixture
def user():
    return UserFactory(mobile="13912345678")


def test_code_is_six_digits_and_only_its_hash_is_stored(user, request_code):
    request_code(user.mobile)
    code = sent_code()
    assert len(code) == 6 and code.isdigit()
    row = LoginCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert code not in Message.objects.system("tests").get().text  # the message log keeps the text without the code


def test_right_code_signs_in_once(user, request_code):
    request_code(user.mobile)
    code = sent_code()
    assert login_code_verify(phone=user.mobile, code=code) == user
    assert login_code_verify(phone=user.mobile, code=code) is None


def test_code_expires_after_five_minutes(user, request_code):
    request_code(user.mobile)
    code = sent_code()
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert login_code_verify(phone=user.mobile, code=code) is None


def test_five_wrong_tries_void_the_code(user, request_code):
    request_code(user.mobile)
    code = sent_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert login_code_verify(phone=user.mobile, code=wrong) is None
    assert login_code_verify(phone=user.mobile, code=code) is None


def test_one_code_a_minute(user, request_code):
    request_code(user.mobile)
    with pytest.raises(BusinessError) as err:
        request_code(user.mobile)
    assert err.value.message == TOO_MANY_REQUESTS


def _age_codes(minutes: int) -> None:
    LoginCode.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_five_codes_an_hour(user, request_code):
    for _ in range(5):
        request_code(user.mobile)
        _age_codes(2)
    with pytest.raises(BusinessError) as refused:
        request_code(user.mobile)
    assert str(refused.value) == "该手机号码获取验证码次数过多，请稍后再试。"


def test_ten_codes_a_day(user, request_code):
    for _ in range(10):
        request_code(user.mobile)
        _age_codes(61)
    with pytest.raises(BusinessError) as refused:
        request_code(user.mobile)
    assert str(refused.value) == "该手机号码获取验证码次数过多，请稍后再试。"
    _age_codes(24 * 60 + 1)
    request_code(user.mobile)


def test_unknown_number_gets_the_same_answer_and_the_same_limits(db, request_code):
    request_code("13800000000")  # no error, nothing sent
    assert locmem.outbox == []
    with pytest.raises(BusinessError) as refused:
        request_code("13800000000")
    assert str(refused.value) == "该手机号码获取验证码次数过多，请稍后再试。"


def test_a_number_shared_by_two_users_signs_nobody_in(user, request_code):
    UserFactory(mobile=user.mobile)
    request_code(user.mobile)
    assert locmem.outbox == []
