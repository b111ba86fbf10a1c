"""The generic HTTP gateway against a stand-in SMS platform on 127.0.0.1.

The platforms imitated are the common kinds: a JSON API with a result code, an old-style
GET URL answering plain text such as "0,<id>", and a bank's own platform taking a form.
"""

import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest

from xindai.messaging.backends import DeliveryReport, OutgoingSms, SendResult
from xindai.messaging.backends.http import SmsBackend
from xindai.messaging.tests.standins.server import CannedAnswer, StandinServer, closed_port_url

REMINDER = OutgoingSms(
    message_id=42,
    recipient="13800138000",
    text="【张掖银行】张三您好，您的贷款本期应还1,200.00元，到期日2026-03-20。",
    template_code="T0001",
    params=(("name", "张三"), ("amount", "1,200.00")),
)

JSON_PLATFORM = {
    "FORMAT": "json",
    "FIELDS": "mobile=phone&text=content&message_id=clientMsgId",
    "EXTRA": "account=zyyh01&password=p%26ss+word",  # an & in the password is written %26; the + stays
    "HEADERS": "X-Api-Key=abc123",
    "SUCCESS": "json:code=0",
    "PROVIDER_ID": "data.msgId",
    "ERROR_CODE": "code",
    "ERROR_MESSAGE": "msg",
    "RETRY_CODES": "1013,1014",
    "TIMEOUT_MS": 500,
}


@pytest.fixture
def platform(settings):
    with StandinServer() as server:
        settings.SMS_HTTP = {"URL": f"{server.url}/sms/send", **JSON_PLATFORM}
        yield server


def configure(settings, server: StandinServer, **overrides: object) -> None:
    settings.SMS_HTTP = {"URL": f"{server.url}/sms/send", **JSON_PLATFORM, **overrides}


def test_json_post_carries_our_fields_under_the_platforms_names_and_the_constants(platform):
    platform.answer_json({"code": 0, "msg": "success", "data": {"msgId": "MSG-20260318-0001"}})

    result = SmsBackend().send(REMINDER)

    assert result == SendResult(ok=True, provider_id="MSG-20260318-0001")
    request = platform.last
    assert (request.method, request.path) == ("POST", "/sms/send")
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.headers["x-api-key"] == "abc123"
    assert request.json() == {
        "account": "zyyh01",
        "password": "p&ss+word",
        "phone": "13800138000",
        "content": REMINDER.text,
        "clientMsgId": "42",
    }


def test_form_post_and_gbk_for_an_older_platform(platform, settings):
    configure(settings, platform, FORMAT="form", CHARSET="gbk")
    platform.answer_json({"code": 0, "data": {"msgId": "7"}})

    assert SmsBackend().send(REMINDER).ok

    request = platform.last
    assert request.headers["content-type"] == "application/x-www-form-urlencoded; charset=gbk"
    form = dict(parse_qsl(request.body.decode("ascii"), encoding="gbk"))
    assert form == {
        "account": "zyyh01",
        "password": "p&ss+word",
        "phone": "13800138000",
        "content": REMINDER.text,
        "clientMsgId": "42",
    }


def test_get_query_with_a_plain_text_answer(platform, settings):
    configure(
        settings,
        platform,
        FORMAT="query",
        FIELDS="mobile=mobile&text=msg",
        SUCCESS="regex:^0,",
        PROVIDER_ID=r"regex:^0,(\d+)",
        ERROR_CODE=r"regex:^(-?\d+)",
        ERROR_MESSAGE="",
        RETRY_CODES="-9",
    )
    platform.answer("0,1832021000000123", content_type="text/plain")

    assert SmsBackend().send(REMINDER) == SendResult(ok=True, provider_id="1832021000000123")
    request = platform.last
    assert (request.method, request.path, request.body) == ("GET", "/sms/send", b"")
    assert request.query == {
        "account": "zyyh01",
        "password": "p&ss+word",
        "mobile": "13800138000",
        "msg": REMINDER.text,
    }

    platform.answer("-4,余额不足", content_type="text/plain; charset=utf-8")
    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code="-4", error_message="-4,余额不足")

    platform.answer("-9,提交过快", content_type="text/plain")
    assert SmsBackend().send(REMINDER).retry


def test_template_code_and_parameters_go_out_when_the_platform_names_them(platform, settings):
    configure(settings, platform, FIELDS="mobile=phone&text=content&template_code=tplId&params=tplParams")
    platform.answer_json({"code": 0, "data": {"msgId": "1"}})

    SmsBackend().send(REMINDER)

    sent = platform.last.json()
    assert sent["tplId"] == "T0001"
    assert json.loads(sent["tplParams"]) == {"name": "张三", "amount": "1,200.00"}


def test_refusal_carries_the_platforms_code_and_message(platform):
    platform.answer_json({"code": 1005, "msg": "手机号码格式错误"})

    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code="1005", error_message="手机号码格式错误")


def test_refusal_with_a_flow_control_code_is_temporary(platform):
    platform.answer_json({"code": 1013, "msg": "发送频率过快"})

    assert SmsBackend().send(REMINDER) == SendResult(
        ok=False, error_code="1013", error_message="发送频率过快", retry=True
    )


def test_contains_rule_for_a_platform_answering_words(platform, settings):
    configure(settings, platform, SUCCESS="contains:提交成功", PROVIDER_ID="", ERROR_CODE="", ERROR_MESSAGE="")
    platform.answer("提交成功", content_type="text/plain; charset=utf-8")
    assert SmsBackend().send(REMINDER) == SendResult(ok=True)

    platform.answer("账号或密码错误", content_type="text/plain; charset=utf-8")
    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code="rejected", error_message="账号或密码错误")


def test_json_rule_with_an_answer_that_is_not_json_is_a_temporary_bad_response(platform):
    platform.answer("<html>Service Unavailable</html>", content_type="text/html")

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "bad_response", True)


@pytest.mark.parametrize(("status", "retry"), [(500, True), (502, True), (503, True), (429, True), (400, False)])
def test_http_errors_retry_when_the_platform_is_busy(platform, status, retry):
    platform.answer_json({"code": 9999, "msg": "系统繁忙"}, status=status)

    result = SmsBackend().send(REMINDER)

    assert result == SendResult(ok=False, error_code="9999", error_message="系统繁忙", retry=retry)


def test_http_error_without_a_readable_body_is_named_by_its_status(platform):
    platform.answer("", status=504, content_type="text/html")

    assert SmsBackend().send(REMINDER) == SendResult(ok=False, error_code="http_504", retry=True)


def test_connection_refused_is_a_temporary_network_failure(settings):
    settings.SMS_HTTP = {"URL": f"{closed_port_url()}/sms/send", **JSON_PLATFORM}

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_timeout_is_a_temporary_network_failure(platform, settings):
    configure(settings, platform, TIMEOUT_MS=200)
    platform.answers = [CannedAnswer(body=b'{"code": 0}', delay=5)]

    started = time.monotonic()
    result = SmsBackend().send(REMINDER)

    assert time.monotonic() - started < 1
    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"URL": ""}, "SMS_HTTP_URL"),
        ({"URL": "file:///etc/passwd"}, "SMS_HTTP_URL"),
        ({"FORMAT": "xml"}, "SMS_HTTP_FORMAT"),
        ({"FIELDS": "text=content"}, "SMS_HTTP_FIELDS"),
        ({"FIELDS": "mobile=phone&sender=from"}, "SMS_HTTP_FIELDS"),
        ({"SUCCESS": "code==0"}, "SMS_HTTP_SUCCESS"),
        ({"CHARSET": "klingon"}, "SMS_HTTP_CHARSET"),
    ],
)
def test_bad_settings_fail_without_a_request_and_name_the_variable(platform, settings, overrides, variable):
    configure(settings, platform, **overrides)

    result = SmsBackend().send(REMINDER)

    assert (result.ok, result.error_code) == (False, "not_configured")
    assert variable in result.error_message
    assert platform.requests == []


REPORT_SETTINGS = {
    "REPORT_FIELDS": "message_id=clientMsgId&provider_id=msgId&mobile=phone&status=stat&error=stat&time=doneTime",
    "REPORT_SUCCESS": "DELIVRD",
    "REPORT_ANSWER": '{"code": 0}',
}


@pytest.fixture
def reports_configured(settings):
    settings.SMS_HTTP = {"URL": "https://sms.example.invalid/send", **JSON_PLATFORM, **REPORT_SETTINGS}


def test_json_push_of_several_reports(reports_configured):
    body = json.dumps(
        [
            {"clientMsgId": "42", "msgId": "M1", "phone": "13800138000", "stat": "DELIVRD", "doneTime": 1773795604},
            {"clientMsgId": "43", "msgId": "M2", "phone": "13900139000", "stat": "UNDELIV", "doneTime": "1773795700"},
        ]
    ).encode()

    assert SmsBackend.parse_reports(body, "application/json") == [
        DeliveryReport(42, "M1", "13800138000", True, reported_at=datetime(2026, 3, 18, 1, 0, 4, tzinfo=UTC)),
        DeliveryReport(
            43,
            "M2",
            "13900139000",
            False,
            error_code="UNDELIV",
            reported_at=datetime(2026, 3, 18, 1, 1, 40, tzinfo=UTC),
        ),
    ]


def test_form_push_of_one_report_in_local_time(reports_configured, settings):
    body = b"clientMsgId=42&msgId=M1&phone=13800138000&stat=DELIVRD&doneTime=2026-03-18+09%3A00%3A04"

    [report] = SmsBackend.parse_reports(body, "application/x-www-form-urlencoded")

    assert (report.message_id, report.provider_id, report.delivered) == (42, "M1", True)
    assert report.reported_at.isoformat() == "2026-03-18T09:00:04+08:00"


def test_form_field_holding_json_reports(reports_configured, settings):
    settings.SMS_HTTP = {**settings.SMS_HTTP, "REPORT_LIST": "sms_status"}
    reports = json.dumps([{"msgId": "M1", "stat": "DELIVRD"}, {"msgId": "M2", "stat": "BLACK"}])
    body = f"sms_status={reports}".replace("{", "%7B").replace("}", "%7D").encode()

    parsed = SmsBackend.parse_reports(body, "application/x-www-form-urlencoded")

    assert [(r.message_id, r.provider_id, r.delivered, r.error_code) for r in parsed] == [
        (None, "M1", True, ""),
        (None, "M2", False, "BLACK"),
    ]


def test_json_push_with_the_reports_under_a_key(reports_configured, settings):
    settings.SMS_HTTP = {**settings.SMS_HTTP, "REPORT_LIST": "items"}
    body = json.dumps({"items": [{"clientMsgId": "42", "stat": "DELIVRD"}]}).encode()

    [report] = SmsBackend.parse_reports(body, "application/json; charset=utf-8")

    assert (report.message_id, report.delivered) == (42, True)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'[{"clientMsgId": "42"}]', "application/json"),  # no status
        (b'[{"stat": "DELIVRD"}]', "application/json"),  # names no message
        (b'["DELIVRD"]', "application/json"),
        (b"stat=DELIVRD", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_push_is_refused(reports_configured, body, content_type):
    with pytest.raises(ValueError):
        SmsBackend.parse_reports(body, content_type)


def test_push_without_configured_report_fields_is_refused(platform):
    with pytest.raises(ValueError, match="SMS_HTTP_REPORT_FIELDS"):
        SmsBackend.parse_reports(b'{"stat": "DELIVRD"}', "application/json")


def test_push_answer_is_the_configured_one(reports_configured, settings):
    assert SmsBackend.report_response() == (200, "application/json; charset=utf-8", '{"code": 0}')

    settings.SMS_HTTP = {**settings.SMS_HTTP, "REPORT_ANSWER": "SUCCESS"}
    assert SmsBackend.report_response() == (200, "text/plain; charset=utf-8", "SUCCESS")
