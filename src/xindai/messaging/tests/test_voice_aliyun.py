"""The Aliyun voice backend, through the real SDK, against a stand-in Aliyun on 127.0.0.1.

Canned answers follow Aliyun's documentation: SingleCallByTts (help.aliyun.com/document_detail/114035),
the API error codes (document_detail/178344), the VoiceReport push (/zh/vms/developer-reference/
voicereport-1), the carriers' status codes (document_detail/55085) and the smart status codes.
"""

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from xindai.messaging.backends import SendResult
from xindai.messaging.tests.standins.server import CannedAnswer, StandinServer, closed_port_url
from xindai.messaging.voice import CallOutcome, CallReport, OutgoingCall
from xindai.messaging.voice.aliyun import VoiceBackend, mainland_number, voice_config

# The SDK signs requests with datetime.utcnow(), deprecated since Python 3.12: its problem, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:datetime.datetime.utcnow:DeprecationWarning")

BEIJING = ZoneInfo("Asia/Shanghai")
REMINDER = OutgoingCall(
    message_id=42,
    recipient="13800138000",
    text="张三您好，您在张掖银行的贷款本期应还1200元，到期日3月20日，请按时还款。",
    template_code="TTS_287520070",
    params=(("name", "张三"), ("amount", "1200"), ("due_date", "3月20日")),
)
REQUEST_ID = "D9CB3933-9FE3-4870-BA8E-2BEE91B69D23"


def voice_settings(endpoint: str, **overrides: object) -> dict[str, object]:
    return {
        "ACCESS_KEY_ID": "LTAI5tTestKeyId",
        "ACCESS_KEY_SECRET": "test-secret-never-sent",
        "ENDPOINT": endpoint,
        "PROTOCOL": "http",
        "TIMEOUT_MS": 500,
        **overrides,
    }


@pytest.fixture
def aliyun(settings):
    with StandinServer() as server:
        settings.VOICE_ALIYUN = voice_settings(server.host_port)
        yield server


def answer(code: str, message: str, **more: str) -> dict[str, str]:
    return {"Code": code, "Message": message, "RequestId": REQUEST_ID, **more}


def test_calls_the_template_with_its_variables_and_our_id_as_out_id(aliyun):
    aliyun.answer_json(answer("OK", "OK", CallId="116012354148^104351810012"))

    result = VoiceBackend().call(REMINDER)

    assert result == SendResult(ok=True, provider_id="116012354148^104351810012")
    request = aliyun.last
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["x-acs-action"] == "SingleCallByTts"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert request.query["CalledNumber"] == "13800138000"
    assert request.query["TtsCode"] == "TTS_287520070"
    assert request.query["OutId"] == "42"
    assert json.loads(request.query["TtsParam"]) == {"name": "张三", "amount": "1200", "due_date": "3月20日"}
    assert list(json.loads(request.query["TtsParam"])) == ["name", "amount", "due_date"]
    # The public-pool mode: no caller id, and Aliyun's own defaults for the plays and the speed.
    assert not {"CalledShowNumber", "PlayTimes", "Speed"} & request.query.keys()
    assert request.headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI5tTestKeyId,")
    assert "test-secret-never-sent" not in json.dumps([request.query, request.headers]) + request.body.decode()


def test_dedicated_number_plays_and_speed_come_from_settings(aliyun, settings):
    settings.VOICE_ALIYUN = voice_settings(aliyun.host_port, CALLED_SHOW_NUMBER="09368881234", PLAY_TIMES=2, SPEED=-100)
    aliyun.answer_json(answer("OK", "OK", CallId="1^1"))

    VoiceBackend().call(OutgoingCall(message_id=7, recipient="+86 138-0013-8000", text="", template_code="TTS_1"))

    query = aliyun.last.query
    assert (query["CalledShowNumber"], query["PlayTimes"], query["Speed"]) == ("09368881234", "2", "-100")
    assert query["CalledNumber"] == "13800138000"
    assert "TtsParam" not in query  # a template without variables


@pytest.mark.parametrize(
    ("recipient", "number"),
    [
        ("13800138000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("0086 138 0013 8000", "13800138000"),
        ("0936-8881234", "09368881234"),
    ],
)
def test_called_number_is_the_bare_mainland_number(recipient, number):
    assert mainland_number(recipient) == number


def test_call_without_template_code_fails_without_a_request(aliyun):
    result = VoiceBackend().call(OutgoingCall(message_id=1, recipient="13800138000", text="free text"))

    assert (result.ok, result.error_code, result.retry) == (False, "no_template", False)
    assert aliyun.requests == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", "触发流控"),  # the callee's 1/min, 5/h, 20/day
        ("isp.SYSTEM_ERROR", "系统错误"),
        ("isp.GATEWAY_ERROR", "系统异常"),
    ],
)
def test_flow_control_and_provider_errors_are_temporary(aliyun, code, message):
    aliyun.answer_json(answer(code, message))

    assert VoiceBackend().call(REMINDER) == SendResult(ok=False, error_code=code, error_message=message, retry=True)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("isv.MOBILE_NUMBER_ILLEGAL", "号码格式非法"),
        ("isv.TTS_TEMPLATE_ILLEGAL", "TTS模板不合法"),
        ("isv.TEMPLATE_PARAMS_ILLEGAL", "模板变量非法"),
        ("isv.DISPLAY_NUMBER_ILLEGAL", "号显不合法"),
        ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"),
        ("isv.OUT_OF_SERVICE", "业务停机"),
    ],
)
def test_refusals_that_would_fail_again_are_permanent(aliyun, code, message):
    aliyun.answer_json(answer(code, message))

    assert VoiceBackend().call(REMINDER) == SendResult(ok=False, error_code=code, error_message=message, retry=False)


def test_throttled_request_is_temporary(aliyun):
    aliyun.answer_json(answer("Throttling.User", "Request was denied due to user flow control."), status=400)

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "Throttling.User", True)
    assert result.error_message == "Request was denied due to user flow control."


def test_refusal_as_an_http_400_keeps_its_code_and_is_permanent(aliyun):
    aliyun.answer_json(answer("isv.MOBILE_NUMBER_ILLEGAL", "号码格式非法"), status=400)

    assert VoiceBackend().call(REMINDER) == SendResult(
        ok=False, error_code="isv.MOBILE_NUMBER_ILLEGAL", error_message="号码格式非法", retry=False
    )


def test_provider_server_errors_are_temporary(aliyun):
    aliyun.answer_json(answer("ServiceUnavailable", "The request has failed due to a temporary failure."), status=503)
    assert VoiceBackend().call(REMINDER).retry

    aliyun.answer("<html><body>502 Bad Gateway</body></html>", status=502, content_type="text/html")
    result = VoiceBackend().call(REMINDER)
    assert (result.ok, result.error_code, result.retry) == (False, "bad_response", True)


def test_answer_without_code_is_a_temporary_bad_response(aliyun):
    aliyun.answer_json({"RequestId": REQUEST_ID})

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "bad_response", True)


def test_connection_refused_is_a_temporary_network_failure(settings):
    settings.VOICE_ALIYUN = voice_settings(closed_port_url().removeprefix("http://"))

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_timeout_is_a_temporary_network_failure(aliyun, settings):
    settings.VOICE_ALIYUN = voice_settings(aliyun.host_port, TIMEOUT_MS=200)
    aliyun.answers = [CannedAnswer(body=b'{"Code": "OK", "CallId": "1^1"}', delay=5)]

    started = time.monotonic()
    result = VoiceBackend().call(REMINDER)

    assert time.monotonic() - started < 1
    assert (result.ok, result.error_code, result.retry) == (False, "network", True)


def test_missing_access_key_names_the_variable_and_calls_nobody(aliyun, settings):
    settings.VOICE_ALIYUN = voice_settings(aliyun.host_port, ACCESS_KEY_ID="")

    result = VoiceBackend().call(REMINDER)

    assert (result.ok, result.error_code, result.retry) == (False, "not_configured", False)
    assert "ALIYUN_VOICE_ACCESS_KEY_ID" in result.error_message
    assert aliyun.requests == []


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"PLAY_TIMES": 4}, "ALIYUN_VOICE_PLAY_TIMES"),
        ({"SPEED": 900}, "ALIYUN_VOICE_SPEED"),
        ({"TIMEOUT_MS": "5s"}, "ALIYUN_VOICE_TIMEOUT_MS"),
        ({"PROTOCOL": "ftp"}, "ALIYUN_VOICE_PROTOCOL"),
        ({"SIGN_NAME": "x"}, "SIGN_NAME"),
    ],
)
def test_malformed_settings_name_what_to_fix(settings, override, variable):
    settings.VOICE_ALIYUN = voice_settings("127.0.0.1:9", **override)

    with pytest.raises(ValueError, match=variable):
        voice_config()
    assert VoiceBackend().call(REMINDER).error_code == "not_configured"


def test_secret_stays_out_of_the_settings_repr(settings):
    settings.VOICE_ALIYUN = voice_settings("127.0.0.1:9")

    assert "test-secret-never-sent" not in repr(voice_config())


# VoiceReport call records as Aliyun pushes them (a JSON array; one push may hold several).
def record(status: str, **more: object) -> dict[str, object]:
    answered = status in ("200000", "200001")
    return {
        "call_id": "116012354148^104351810012",
        "out_id": "42",
        "status_code": status,
        "status_msg": "执行完成",
        "callee": "13800138000",
        "caller": "09368881234",
        "duration": "21" if answered else "0",
        "originate_time": "2026-03-18 09:00:01",
        "ring_time": "2026-03-18 09:00:04",
        "start_time": "2026-03-18 09:00:09" if answered else "",
        "end_time": "2026-03-18 09:00:30" if answered else "",
        "hangup_direction": "用户",
        "toll_type": "UNKNOWN",
        "voice_type": "voice",
        **more,
    }


def parse(*records: dict[str, object]) -> list[CallReport]:
    return VoiceBackend.parse_reports(json.dumps(list(records), ensure_ascii=False).encode(), "application/json")


def test_answered_call_reports_its_duration_and_end():
    (report,) = parse(record("200000"))

    assert report == CallReport(
        message_id=42,
        provider_id="116012354148^104351810012",
        recipient="13800138000",
        outcome=CallOutcome.ANSWERED,
        duration_s=21,
        reported_at=datetime(2026, 3, 18, 9, 0, 30, tzinfo=BEIJING),
    )


@pytest.mark.parametrize(
    ("status", "outcome", "message"),
    [
        ("200001", CallOutcome.ANSWERED, ""),  # hung up before the end: still heard
        ("200002", CallOutcome.BUSY, "用户占线"),
        ("200003", CallOutcome.NO_ANSWER, "用户收到呼叫但未接听"),
        ("200004", CallOutcome.VACANT, "空号"),
        ("200005", CallOutcome.NO_ANSWER, "被叫用户无法接通（拒接或运营商原因）"),
        ("200007", CallOutcome.POWER_OFF, "用户无法接通（不在服务区）"),
        ("200010", CallOutcome.POWER_OFF, "关机"),
        ("200011", CallOutcome.FAILED, "停机"),  # not 空号: the mobile is not flagged
        ("200121", CallOutcome.FAILED, "执行完成"),  # not in the table: a failure with Aliyun's own text
        ("999999", CallOutcome.FAILED, "执行完成"),
    ],
)
def test_each_status_code_maps_to_its_outcome(status, outcome, message):
    (report,) = parse(record(status))

    assert report.outcome == outcome
    assert report.error_message == message
    assert report.error_code == ("" if outcome == CallOutcome.ANSWERED else status)
    if outcome != CallOutcome.ANSWERED:
        assert report.duration_s == 0
        assert report.reported_at == datetime(2026, 3, 18, 9, 0, 4, tzinfo=BEIJING)  # rang, never answered


@pytest.mark.parametrize(
    ("smart", "outcome"),
    [
        ("POWERED_OFF", CallOutcome.POWER_OFF),
        ("INVALID_NUMBER", CallOutcome.VACANT),
        ("USER_BUSY", CallOutcome.BUSY),
        ("CALL_REJECTED", CallOutcome.BUSY),
        ("NO_ANSWER", CallOutcome.NO_ANSWER),
        ("SUSPEND", CallOutcome.FAILED),
        ("UNAVAILABLE", CallOutcome.POWER_OFF),
        ("OTHER", CallOutcome.NO_ANSWER),  # no better word: the carrier's 200005 counts
    ],
)
def test_the_smart_status_code_wins_over_the_carriers(smart, outcome):
    (report,) = parse(record("200005", smart_status_code=smart))

    assert report.outcome == outcome


def test_a_push_holds_several_records_and_an_out_id_that_is_not_ours_is_no_message_id():
    reports = parse(record("200000"), record("200010", call_id="116012354148^104351810099", out_id=""))

    assert [(r.message_id, r.provider_id, r.outcome) for r in reports] == [
        (42, "116012354148^104351810012", CallOutcome.ANSWERED),
        (None, "116012354148^104351810099", CallOutcome.POWER_OFF),
    ]


def test_call_ended_counts_as_answered_only_with_a_duration():
    assert parse(record("200100", duration="12"))[0].outcome == CallOutcome.ANSWERED
    assert parse(record("200100", duration="0"))[0].outcome == CallOutcome.NO_ANSWER


def test_progress_states_of_the_call_state_push_are_not_results():
    progress = [
        {"call_id": "1^1", "out_id": "42", "status_code": code, "status_time": "2026-03-18 09:00:02"}
        for code in ("200101", "200201", "200102", "200100", "300000")
    ]

    assert parse(*progress) == []


def test_an_empty_push_has_no_reports():
    assert VoiceBackend.parse_reports(b"[]", "application/json") == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe garbage",
        b'{"call_id": "1^1", "status_code": "200000"}',  # an object, not an array
        b'[{"call_id": "1^1"}]',  # no status_code
        b'[{"status_code": "200000"}]',  # no call_id
        b'[{"call_id": "", "status_code": "200000"}]',
        b'["200000"]',
    ],
)
def test_malformed_push_is_refused(body):
    with pytest.raises(ValueError):
        VoiceBackend.parse_reports(body, "application/json")


def test_report_answer_is_what_aliyun_expects():
    status, content_type, body = VoiceBackend.report_response()

    assert (status, content_type) == (200, "application/json; charset=utf-8")
    assert json.loads(body)["code"] == 0
