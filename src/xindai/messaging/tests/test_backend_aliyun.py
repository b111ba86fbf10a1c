"""The Aliyun backend, through the real SDK, against a stand-in Aliyun on 127.0.0.1.

Canned answers follow Aliyun's documentation: SendSms (help.aliyun.com/document_detail/55284),
its error codes (document_detail/101347) and the SmsReport push (document_detail/101867).
"""

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from xindai.messaging.backends import DeliveryReport, OutgoingSms, SendResult
from xindai.messaging.backends.aliyun import SmsBackend
from xindai.messaging.tests.standins.server import CannedAnswer, StandinServer, closed_port_url

# The SDK signs requests with datetime.utcnow(), deprecated since Python 3.12: its problem, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:datetime.datetime.utcnow:DeprecationWarning")

REMINDER = OutgoingSms(
    message_id=42,
    recipient="13800138000",
    text="【张掖银行】张三您好，您的贷款本期应还1,200.00元，到期日2026-03-20。",
    template_code="SMS_154950909",
    params=(("name", "张三"), ("amount", "1,200.00"), ("due_date", "2026-03-20")),
)


def aliyun_settings(endpoint: str, **overrides: object) -> dict[str, object]:
    return {
        "ACCESS_KEY_ID": "LTAI5tTestKeyId",
        "ACCESS_KEY_SECRET": "test-secret-never-sent",
        "SIGN_NAME": "张掖银行",
        "ENDPOINT": endpoint,
        "PROTOCOL": "http",
        "TIMEOUT_MS": 500,
        **overrides,
    }


@pytest.fixture
def aliyun(settings):
    with StandinServer() as server:
        settings.SMS_ALIYUN = aliyun_settings(server.host_port)
        yield server


def refusal(code: str, message: str) -> dict[str, str]:
    return {"Code": code, "Message": message, "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}


def test_sends_the_template_with_sign_name_parameters_and_our_id_as_out_id(aliyun):
    aliyun.answer_json({**refusal("OK", "OK"), "BizId": "900619746936498440^0"})

    result = SmsBackend().send(REMINDER)

    assert result == SendResult(ok=True, provider_id="900619746936498440^0")
    request = aliyun.last
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert request.query["PhoneNumbers"] == "13800138000"
    assert request.query["SignName"] == "张掖银行"
    assert request.query["TemplateCode"] == "SMS_154950909"
    assert request.query["OutId"] == "42"
    assert json.loads(request.query["TemplateParam"]) == {
        "name": "张三",
        "amount": "1,200.00",
        "due_date": "2026-03-20",
    }
    assert request.headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI5tTestKeyId,")
    assert "test-secret-never-sent" not in json.dumps([request.query, request.headers]) + request.body.decode()


def test_template_param_keeps_the_template_order_and_is_left_out_without_variables(aliyun):
    aliyun.answer_json({**refusal("OK", "OK"), "BizId": "1^0"})

    SmsBackend().send(REMINDER)
    assert list(json.loads(aliyun.last.query["TemplateParam"])) == ["name", "amount", "due_date"]

    SmsBackend().send(OutgoingSms(message_id=7, recipient="13800138000", text="", template_code="SMS_1"))
    assert "TemplateParam" not in aliyun.last.query


def test_message_without_template_code_fails_without_a_request(aliyun):
    result = SmsBackend().send(OutgoingSms(message_id=1, recipient="13800138000", text="free text"))

    assert (result.ok, result.error_code, result.retry) == (False, "no_template", False)
    assert aliyun.requests == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"),
        ("isv.DAY_LIMIT_CONTROL", "触发日发送限额"),
        ("isv.MONTH_LIMIT_CONTROL", "触发月发送限额"),
        ("isp.SYSTEM_ERROR", "系统错误"),
    ],
)
def test_flow_control_and_provider_errors_are_temporary(aliyun, code, message):
    aliyun.answer_json(refusal(code, message))

    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code=code, error_message=message, retry=True)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("isv.BLACK_KEY_CONTROL_LIMIT", "黑名单管控"),
        ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
        ("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"),
        ("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名"),
        ("isv.TEMPLATE_MISSING_PARAMETERS", "模板变量中存在未赋值变量"),
        ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"),
    ],
)
def test_refusals_that_would_fail_again_are_permanent_with_code_and_message(aliyun, code, message):
    aliyun.answer_json(refusal(code, message))

    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code=code, error_message=message, retry=False)


def test_throttled_request_is_temporary(aliyun):
    aliyun.answer_json(refusal("Throttling.User", "Request was denied due to user flow control."), status=400)

    result = SmsBackend().send(REMINDER)

    assert result == SendResult(
        ok=False, error_code="Throttling.User", error_message="Request was denied due to user flow control.", retry=True
    )


def test_wrong_access_key_is_permanent(aliyun):
    aliyun.answer_json(refusal("InvalidAccessKeyId.NotFound", "Specified access key is not found."), status=404)

    result = SmsBackend().send(REMINDER)

    assert (result.error_code, result.error_message, result.retry) == (
        "InvalidAccessKeyId.NotFound",
        "Specified access key is not found.",
        False,
    )


def test_provider_server_error_is_temporary(aliyun):
    aliyun.answer_json(refusal("ServiceUnavailable", "The request has failed due to a temporary failure."), status=503)
    assert SmsBackend().send(REMINDER).retry

    aliyun.answer("<html><body>502 Bad Gateway</body></html>", status=502, content_type="text/html")
    result = SmsBackend().send(REMINDER)
    assert (result.ok, result.error_code, result.retry) == (False, "bad_response", True)


def test_answer_that_is_not_json_is_a_temporary_bad_response(aliyun):
    aliyun.answer("<html>Proxy login</html>", content_type="text/html")

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "bad_response", True)
    assert "Proxy login" in result.error_message


def test_answer_without_code_is_a_bad_response(aliyun):
    aliyun.answer_json({"RequestId": "x"})

    assert SmsBackend().send(REMINDER).error_code == "bad_response"


def test_connection_refused_is_a_temporary_network_failure(settings):
    settings.SMS_ALIYUN = aliyun_settings(closed_port_url().removeprefix("http://"))

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_timeout_is_a_temporary_network_failure(aliyun, settings):
    settings.SMS_ALIYUN = aliyun_settings(aliyun.host_port, TIMEOUT_MS=200)
    aliyun.answers = [CannedAnswer(body=b'{"Code": "OK"}', delay=5)]

    started = time.monotonic()
    result = SmsBackend().send(REMINDER)

    assert time.monotonic() - started < 1
    assert (result.ok, result.error_code, result.retry) == (False, "network", True)
    assert "timed out" in result.error_message


def test_missing_access_key_names_the_variable_and_sends_nothing(aliyun, settings):
    settings.SMS_ALIYUN = aliyun_settings(aliyun.host_port, ACCESS_KEY_ID="")

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code) == (False, "not_configured")
    assert "ALIYUN_SMS_ACCESS_KEY_ID" in result.error_message
    assert aliyun.requests == []


def test_a_new_endpoint_in_settings_is_used_at_once(aliyun, settings):
    aliyun.answer_json({**refusal("OK", "OK"), "BizId": "1^0"})
    SmsBackend().send(REMINDER)
    with StandinServer() as other:
        other.answer_json({**refusal("OK", "OK"), "BizId": "2^0"})
        settings.SMS_ALIYUN = aliyun_settings(other.host_port)

        assert SmsBackend().send(REMINDER).provider_id == "2^0"
    assert len(aliyun.requests) == 1


# SmsReport, as documented: a JSON array; one push may carry several reports.
DELIVERED_AND_FAILED = [
    {
        "phone_number": "13800138000",
        "send_time": "2026-03-18 09:00:01",
        "report_time": "2026-03-18 09:00:05",
        "success": True,
        "err_code": "DELIVERED",
        "err_msg": "用户接收成功",
        "sms_size": "1",
        "biz_id": "900619746936498440^0",
        "out_id": "42",
    },
    {
        "phone_number": "13900139000",
        "send_time": "2026-03-18 09:00:01",
        "report_time": "2026-03-18 09:01:10",
        "success": False,
        "err_code": "MK:0001",
        "err_msg": "空号",
        "sms_size": "2",
        "biz_id": "900619746936498441^0",
        "out_id": "",
    },
]


def test_reports_read_delivered_and_failed_messages():
    body = json.dumps(DELIVERED_AND_FAILED, ensure_ascii=False).encode()

    reports = SmsBackend.parse_reports(body, "application/json")

    beijing = ZoneInfo("Asia/Shanghai")
    assert reports == [
        DeliveryReport(
            message_id=42,
            provider_id="900619746936498440^0",
            recipient="13800138000",
            delivered=True,
            reported_at=datetime(2026, 3, 18, 9, 0, 5, tzinfo=beijing),
        ),
        DeliveryReport(
            message_id=None,
            provider_id="900619746936498441^0",
            recipient="13900139000",
            delivered=False,
            error_code="MK:0001",
            error_message="空号",
            reported_at=datetime(2026, 3, 18, 9, 1, 10, tzinfo=beijing),
        ),
    ]


def test_an_empty_push_has_no_reports():
    assert SmsBackend.parse_reports(b"[]", "application/json") == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe garbage",
        b'{"phone_number": "13800138000", "success": true, "biz_id": "1"}',  # an object, not an array
        b'[{"phone_number": "13800138000", "success": true}]',  # no biz_id
        b'[{"phone_number": "13800138000", "success": "maybe", "biz_id": "1"}]',
        b'["13800138000"]',
    ],
)
def test_malformed_push_is_refused(body):
    with pytest.raises(ValueError):
        SmsBackend.parse_reports(body, "application/json")


def test_report_answer_is_what_aliyun_expects():
    status, content_type, body = SmsBackend.report_response()

    assert (status, content_type) == (200, "application/json; charset=utf-8")
    assert json.loads(body) == {"code": 0, "msg": "成功"}
