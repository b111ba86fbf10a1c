"""The Tencent Cloud backend, through the real SDK, against a stand-in Tencent Cloud on 127.0.0.1.

Canned answers follow Tencent's documentation: SendSms 2021-01-11 (cloud.tencent.com/document/
api/382/55981), its error codes (api/382/59177) and the status callback (product/382/43547).
"""

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from xindai.messaging.backends import DeliveryReport, OutgoingSms, SendResult
from xindai.messaging.backends.tencent import SmsBackend, e164
from xindai.messaging.tests.standins.server import CannedAnswer, StandinServer, closed_port_url

# The SDK signs requests with datetime.utcfromtimestamp(), deprecated since Python 3.12.
pytestmark = pytest.mark.filterwarnings("ignore:datetime.datetime.utcfromtimestamp:DeprecationWarning")

REMINDER = OutgoingSms(
    message_id=42,
    recipient="13800138000",
    text="【张掖银行】张三您好，您的贷款本期应还1,200.00元，到期日2026-03-20。",
    template_code="1110",
    params=(("name", "张三"), ("amount", "1,200.00"), ("due_date", "2026-03-20")),
)
REQUEST_ID = "a0aabda6-cf91-4f3e-a81f-9198114a2279"


def tencent_settings(endpoint: str, **overrides: object) -> dict[str, object]:
    return {
        "SECRET_ID": "AKIDTestSecretId",
        "SECRET_KEY": "test-key-never-sent",
        "SDK_APP_ID": "1400006666",
        "SIGN_NAME": "张掖银行",
        "REGION": "ap-guangzhou",
        "ENDPOINT": endpoint,
        "PROTOCOL": "http",
        "TIMEOUT_MS": 500,
        **overrides,
    }


@pytest.fixture
def tencent(settings):
    with StandinServer() as server:
        settings.SMS_TENCENT = tencent_settings(server.host_port)
        yield server


def send_status(code: str, message: str, serial_no: str = "") -> dict[str, object]:
    status = {"SerialNo": serial_no, "PhoneNumber": "+8613800138000", "Fee": 1 if code == "Ok" else 0}
    status |= {"SessionContext": "42", "Code": code, "Message": message, "IsoCode": "CN"}
    return {"Response": {"SendStatusSet": [status], "RequestId": REQUEST_ID}}


def request_error(code: str, message: str) -> dict[str, object]:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": REQUEST_ID}}


def test_sends_the_template_to_the_e164_number_with_app_sign_values_and_session_context(tencent):
    tencent.answer_json(send_status("Ok", "send success", "5000:1045710669157053657849499619"))

    result = SmsBackend().send(REMINDER)

    assert result == SendResult(ok=True, provider_id="5000:1045710669157053657849499619")
    request = tencent.last
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == "2021-01-11"
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    assert request.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDTestSecretId/")
    assert request.json() == {
        "PhoneNumberSet": ["+8613800138000"],
        "SmsSdkAppId": "1400006666",
        "SignName": "张掖银行",
        "TemplateId": "1110",
        "TemplateParamSet": ["张三", "1,200.00", "2026-03-20"],
        "SessionContext": "42",
    }
    assert "test-key-never-sent" not in json.dumps(request.headers) + request.body.decode()


def test_template_without_variables_sends_no_parameter_set(tencent):
    tencent.answer_json(send_status("Ok", "send success", "5000:1"))

    SmsBackend().send(OutgoingSms(message_id=7, recipient="13800138000", text="", template_code="1111"))

    assert "TemplateParamSet" not in tencent.last.json()


@pytest.mark.parametrize(
    ("recipient", "number"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
    ],
)
def test_mainland_numbers_get_the_86_prefix(recipient, number):
    assert e164(recipient) == number


def test_message_without_template_code_fails_without_a_request(tencent):
    result = SmsBackend().send(OutgoingSms(message_id=1, recipient="13800138000", text="free text"))

    assert (result.ok, result.error_code, result.retry) == (False, "no_template", False)
    assert tencent.requests == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "LimitExceeded.PhoneNumberDailyLimit",
            "the number of sms messages sent from a single mobile number every day exceeds the upper limit",
        ),  # noqa: E501
        ("LimitExceeded.DeliveryFrequencyLimit", "the frequency limit policy is triggered"),
        ("InternalError.Timeout", "the request timed out"),
    ],
)
def test_limits_and_internal_errors_in_the_send_status_are_temporary(tencent, code, message):
    tencent.answer_json(send_status(code, message))

    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code=code, error_message=message, retry=True)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("FailedOperation.PhoneNumberInBlacklist", "the mobile number is in the blocklist"),
        ("InvalidParameterValue.IncorrectPhoneNumber", "invalid mobile number"),
        ("InvalidParameterValue.TemplateParameterFormatError", "the template parameter format is incorrect"),
        ("FailedOperation.TemplateIncorrectOrUnapproved", "the template is unapproved or not exist"),
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify fail"),
    ],
)
def test_refusals_in_the_send_status_are_permanent_with_code_and_message(tencent, code, message):
    tencent.answer_json(send_status(code, message))

    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code=code, error_message=message, retry=False)


@pytest.mark.parametrize(
    ("code", "retry"),
    [
        ("RequestLimitExceeded", True),
        ("LimitExceeded", True),
        ("InternalError", True),
        ("AuthFailure.SignatureFailure", False),
        ("InvalidParameterValue.SdkAppIdNotExist", False),
        ("FailedOperation.InsufficientBalanceInSmsPackage", False),
    ],
)
def test_refusals_of_the_whole_request_keep_their_code(tencent, code, retry):
    tencent.answer_json(request_error(code, "canned message"))

    assert SmsBackend().send(REMINDER) == SendResult(
        ok=False, error_code=code, error_message="canned message", retry=retry
    )


def test_provider_server_error_is_temporary(tencent):
    tencent.answer("upstream failed", status=500, content_type="text/plain")

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "ServerNetworkError", True)
    assert result.error_message == "upstream failed"


def test_answer_that_is_not_json_is_a_temporary_bad_response(tencent):
    tencent.answer("<html>Proxy login</html>", content_type="text/html")

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "bad_response", True)


def test_answer_without_send_status_is_a_bad_response(tencent):
    tencent.answer_json({"Response": {"SendStatusSet": [], "RequestId": REQUEST_ID}})

    assert SmsBackend().send(REMINDER).error_code == "bad_response"


def test_connection_refused_is_a_temporary_network_failure(settings):
    settings.SMS_TENCENT = tencent_settings(closed_port_url().removeprefix("http://"))

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_timeout_is_a_temporary_network_failure(tencent, settings):
    settings.SMS_TENCENT = tencent_settings(tencent.host_port, TIMEOUT_MS=200)
    tencent.answers = [CannedAnswer(body=json.dumps(send_status("Ok", "send success", "1")).encode(), delay=5)]

    started = time.monotonic()
    result = SmsBackend().send(REMINDER)

    assert time.monotonic() - started < 1
    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_missing_app_id_names_the_variable_and_sends_nothing(tencent, settings):
    settings.SMS_TENCENT = tencent_settings(tencent.host_port, SDK_APP_ID="")

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code) == (False, "not_configured")
    assert "TENCENT_SMS_SDK_APP_ID" in result.error_message
    assert tencent.requests == []


# The status callback as documented; "ext" (the echoed SessionContext) is not in the
# documentation, so one report carries it and the other does not.
CALLBACK = [
    {
        "user_receive_time": "2026-03-18 09:00:04",
        "nationcode": "86",
        "mobile": "13800138000",
        "report_status": "SUCCESS",
        "errmsg": "DELIVRD",
        "description": "用户短信送达成功",
        "sid": "5000:1045710669157053657849499619",
        "ext": "42",
    },
    {
        "user_receive_time": "2026-03-18 09:02:00",
        "nationcode": "86",
        "mobile": "13900139000",
        "report_status": "FAIL",
        "errmsg": "MK:0001",
        "description": "空号",
        "sid": "5000:1045710669157053657849499620",
    },
]


def test_callback_reads_delivered_and_failed_messages():
    reports = SmsBackend.parse_reports(json.dumps(CALLBACK, ensure_ascii=False).encode(), "application/json")

    beijing = ZoneInfo("Asia/Shanghai")
    assert reports == [
        DeliveryReport(
            message_id=42,
            provider_id="5000:1045710669157053657849499619",
            recipient="13800138000",
            delivered=True,
            reported_at=datetime(2026, 3, 18, 9, 0, 4, tzinfo=beijing),
        ),
        DeliveryReport(
            message_id=None,
            provider_id="5000:1045710669157053657849499620",
            recipient="13900139000",
            delivered=False,
            error_code="MK:0001",
            error_message="空号",
            reported_at=datetime(2026, 3, 18, 9, 2, tzinfo=beijing),
        ),
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b'{"mobile": "13800138000", "report_status": "SUCCESS", "sid": "1"}',  # an object, not an array
        b'[{"mobile": "13800138000", "report_status": "SUCCESS"}]',  # no sid
        b'[{"mobile": "13800138000", "report_status": "DELIVRD", "sid": "1"}]',
        b"[42]",
    ],
)
def test_malformed_callback_is_refused(body):
    with pytest.raises(ValueError):
        SmsBackend.parse_reports(body, "application/json")


def test_callback_answer_is_what_tencent_expects():
    status, content_type, body = SmsBackend.report_response()

    assert (status, content_type, json.loads(body)) == (200, "application/json", {"result": 0, "errmsg": "OK"})
