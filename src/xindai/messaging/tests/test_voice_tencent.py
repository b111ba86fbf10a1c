"""The Tencent Cloud voice backend, through the real SDK, against a stand-in Tencent Cloud on 127.0.0.1.

Canned answers follow Tencent's documentation: SendTtsVoice 2020-09-02 (cloud.tencent.com/document/
api/1128/51558), the SDK's error codes, and the event callbacks: 语音通知状态通知 (product/1128/51534),
语音送达失败原因通知 (product/1128/51536) and their failure codes (api/1128/37531).
"""

import json
import time
from datetime import UTC, datetime

import pytest

from xindai.messaging.backends import SendResult
from xindai.messaging.tests.standins.server import CannedAnswer, StandinServer, closed_port_url
from xindai.messaging.voice import CallOutcome, CallReport, OutgoingCall
from xindai.messaging.voice.tencent import VoiceBackend, voice_config

# The SDK signs requests with datetime.utcfromtimestamp(), deprecated since Python 3.12.
pytestmark = pytest.mark.filterwarnings("ignore:datetime.datetime.utcfromtimestamp:DeprecationWarning")

REMINDER = OutgoingCall(
    message_id=42,
    recipient="13800138000",
    text="张三您好，您在张掖银行的贷款本期应还1200元，到期日3月20日，请按时还款。",
    template_code="4356",
    params=(("name", "张三"), ("amount", "1200"), ("due_date", "3月20日")),
)
REQUEST_ID = "a0aabda6-cf91-4f3e-a81f-9198114a2279"
CALL_ID = "12582bce-4ddb-4e4b-97d9-6a1b5ae72ef5"


def voice_settings(endpoint: str, **overrides: object) -> dict[str, object]:
    return {
        "SECRET_ID": "AKIDTestSecretId",
        "SECRET_KEY": "test-key-never-sent",
        "SDK_APP_ID": "1400006666",
        "ENDPOINT": endpoint,
        "PROTOCOL": "http",
        "TIMEOUT_MS": 500,
        **overrides,
    }


@pytest.fixture
def tencent(settings):
    with StandinServer() as server:
        settings.VOICE_TENCENT = voice_settings(server.host_port)
        yield server


def sent(call_id: str = CALL_ID) -> dict[str, object]:
    return {"Response": {"SendStatus": {"CallId": call_id, "SessionContext": "42"}, "RequestId": REQUEST_ID}}


def refused(code: str, message: str) -> dict[str, object]:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": REQUEST_ID}}


def test_calls_the_e164_number_with_template_values_app_and_session_context(tencent):
    tencent.answer_json(sent())

    result = VoiceBackend().call(REMINDER)

    assert result == SendResult(ok=True, provider_id=CALL_ID)
    request = tencent.last
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["x-tc-action"] == "SendTtsVoice"
    assert request.headers["x-tc-version"] == "2020-09-02"
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    assert request.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDTestSecretId/")
    assert request.json() == {
        "TemplateId": "4356",
        "TemplateParamSet": ["张三", "1200", "3月20日"],
        "CalledNumber": "+8613800138000",
        "VoiceSdkAppid": "1400006666",
        "SessionContext": "42",
    }  # no PlayTimes: Tencent's default (2)
    assert "test-key-never-sent" not in json.dumps(request.headers) + request.body.decode()


def test_template_without_variables_sends_an_empty_set_and_play_times_come_from_settings(tencent, settings):
    settings.VOICE_TENCENT = voice_settings(tencent.host_port, PLAY_TIMES=3)
    tencent.answer_json(sent())

    VoiceBackend().call(OutgoingCall(message_id=7, recipient="+86 138 0013 8000", text="", template_code="4357"))

    body = tencent.last.json()
    assert (body["TemplateParamSet"], body["PlayTimes"], body["CalledNumber"]) == ([], 3, "+8613800138000")


def test_call_without_template_code_fails_without_a_request(tencent):
    result = VoiceBackend().call(OutgoingCall(message_id=1, recipient="13800138000", text="free text"))

    assert (result.ok, result.error_code, result.retry) == (False, "no_template", False)
    assert tencent.requests == []


@pytest.mark.parametrize(
    "code",
    [
        "LimitExceeded.DeliveryFrequencyLimit",
        "RequestLimitExceeded",
        "InternalError.AccessUpstreamTimeout",
        "InternalError.UpstreamError",
        "FailedOperation.AccessUpstreamTimeout",
    ],
)
def test_limits_and_upstream_errors_are_temporary(tencent, code):
    tencent.answer_json(refused(code, "canned message"))

    assert VoiceBackend().call(REMINDER) == SendResult(
        ok=False, error_code=code, error_message="canned message", retry=True
    )


@pytest.mark.parametrize(
    "code",
    [
        "InvalidParameterValue.CalledNumberVerifyFail",  # a wrong number
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "FailedOperation.ContainSensitiveWord",
        "FailedOperation.InsufficientBalanceInVoicePackage",
        "UnauthorizedOperation.VoiceSdkAppidVerifyFail",
        "InternalError.RequestTimeException",  # our clock is off: fails until fixed
        "AuthFailure.SignatureFailure",
    ],
)
def test_refusals_that_would_fail_again_are_permanent(tencent, code):
    tencent.answer_json(refused(code, "canned message"))

    assert VoiceBackend().call(REMINDER) == SendResult(
        ok=False, error_code=code, error_message="canned message", retry=False
    )


def test_provider_server_error_is_temporary(tencent):
    tencent.answer("upstream failed", status=502, content_type="text/plain")

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "ServerNetworkError", True)


def test_answer_that_is_not_json_is_a_temporary_bad_response(tencent):
    tencent.answer("<html>Proxy login</html>", content_type="text/html")

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "bad_response", True)


def test_answer_without_call_id_is_a_bad_response(tencent):
    tencent.answer_json({"Response": {"RequestId": REQUEST_ID}})

    assert VoiceBackend().call(REMINDER).error_code == "bad_response"


def test_connection_refused_is_a_temporary_network_failure(settings):
    settings.VOICE_TENCENT = voice_settings(closed_port_url().removeprefix("http://"))

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_timeout_is_a_temporary_network_failure(tencent, settings):
    settings.VOICE_TENCENT = voice_settings(tencent.host_port, TIMEOUT_MS=200)
    tencent.answers = [CannedAnswer(body=json.dumps(sent()).encode(), delay=5)]

    started = time.monotonic()
    result = VoiceBackend().call(REMINDER)

    assert time.monotonic() - started < 1
    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_missing_app_id_names_the_variable_and_calls_nobody(tencent, settings):
    settings.VOICE_TENCENT = voice_settings(tencent.host_port, SDK_APP_ID="")

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code) == (False, "not_configured")
    assert "TENCENT_VOICE_SDK_APP_ID" in result.error_message
    assert tencent.requests == []


@pytest.mark.parametrize(
    ("override", "variable"),
    [({"PLAY_TIMES": 5}, "TENCENT_VOICE_PLAY_TIMES"), ({"TIMEOUT_MS": 0}, "TENCENT_VOICE_TIMEOUT_MS")],
)
def test_malformed_settings_name_what_to_fix(settings, override, variable):
    settings.VOICE_TENCENT = voice_settings("127.0.0.1:9", **override)

    with pytest.raises(ValueError, match=variable):
        voice_config()


# The event callbacks as documented: one JSON object per POST, times in Unix seconds as strings.
def prompt(result: str, **more: str) -> dict[str, object]:
    answered = result == "0"
    return {
        "voiceprompt_callback": {
            "result": result,
            "accept_time": "1773795609" if answered else "0",
            "call_from": "",
            "callid": CALL_ID,
            "end_calltime": "1773795630",
            "fee": "1" if answered else "0",
            "mobile": "13800138000",
            "nationcode": "86",
            "start_calltime": "1773795601",
            **more,
        }
    }


def failure(code: int, reason: str) -> dict[str, object]:
    return {
        "voice_failure_callback": {
            "call_from": "075583763333",
            "callid": CALL_ID,
            "failure_code": code,
            "failure_reason": reason,
            "mobile": "13800138000",
            "nationcode": "86",
        }
    }


def parse(document: object) -> list[CallReport]:
    return VoiceBackend.parse_reports(json.dumps(document, ensure_ascii=False).encode(), "application/json")


def test_answered_call_reports_the_seconds_from_answer_to_hang_up():
    assert parse(prompt("0")) == [
        CallReport(
            message_id=None,  # the callback does not echo the SessionContext: matched by callid
            provider_id=CALL_ID,
            recipient="13800138000",
            outcome=CallOutcome.ANSWERED,
            duration_s=21,
            reported_at=datetime(2026, 3, 18, 1, 0, 30, tzinfo=UTC),
        )
    ]


@pytest.mark.parametrize(
    ("result", "outcome", "message"),
    [("1", CallOutcome.NO_ANSWER, "用户未接听"), ("2", CallOutcome.FAILED, "呼叫异常")],
)
def test_unanswered_and_failed_calls(result, outcome, message):
    (report,) = parse(prompt(result))

    assert (report.outcome, report.duration_s, report.error_code, report.error_message) == (
        outcome,
        0,
        f"result_{result}",
        message,
    )


@pytest.mark.parametrize(
    ("code", "reason", "outcome"),
    [
        (1, "关机", CallOutcome.POWER_OFF),
        (2, "通话中", CallOutcome.BUSY),
        (3, "不在服务区", CallOutcome.POWER_OFF),
        (5, "无人接听", CallOutcome.NO_ANSWER),
        (7, "停机", CallOutcome.FAILED),  # not 空号: the mobile is not flagged
        (8, "空号", CallOutcome.VACANT),
        (10, "用户正忙", CallOutcome.BUSY),
        (15, "号码不存在", CallOutcome.VACANT),
        (16, "来电提醒", CallOutcome.POWER_OFF),
        (20, "无应答", CallOutcome.NO_ANSWER),
        (99, "未知", CallOutcome.FAILED),
    ],
)
def test_failure_callback_gives_the_precise_reason(code, reason, outcome):
    assert parse(failure(code, reason)) == [
        CallReport(
            message_id=None,
            provider_id=CALL_ID,
            recipient="13800138000",
            outcome=outcome,
            error_code=str(code),
            error_message=reason,
        )
    ]


def test_failure_code_as_text_is_read_too():
    document = failure(8, "空号")
    document["voice_failure_callback"]["failure_code"] = "8"

    assert parse(document)[0].outcome == CallOutcome.VACANT


def test_key_press_callback_is_no_result_and_a_list_of_callbacks_is_read():
    key = {"voicekey_callback": {"callid": CALL_ID, "keypress": "1", "mobile": "13800138000", "nationcode": "86"}}

    assert parse(key) == []
    assert [r.outcome for r in parse([prompt("1"), failure(1, "关机"), key])] == [
        CallOutcome.NO_ANSWER,
        CallOutcome.POWER_OFF,
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b'{"sms_callback": {"callid": "1"}}',  # not a voice callback
        b'{"voiceprompt_callback": {"result": "0", "mobile": "13800138000"}}',  # no callid
        b'{"voiceprompt_callback": {"result": "9", "callid": "1", "mobile": "13800138000"}}',
        b'{"voice_failure_callback": {"failure_code": "x", "callid": "1", "mobile": "13800138000"}}',
        b'{"voiceprompt_callback": "0"}',
        b"[42]",
    ],
)
def test_malformed_callback_is_refused(body):
    with pytest.raises(ValueError):
        VoiceBackend.parse_reports(body, "application/json")


def test_callback_answer_is_what_tencent_expects():
    status, content_type, body = VoiceBackend.report_response()

    assert (status, content_type, json.loads(body)) == (200, "application/json", {"result": 0, "errmsg": "OK"})
