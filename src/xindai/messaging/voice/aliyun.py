"""Aliyun voice notifications (阿里云语音服务, 语音通知) through the official SDK ``alibabacloud-dyvmsapi20170525``.

Calling is ``SingleCallByTts`` (API 2017-05-25, https://help.aliyun.com/document_detail/114035.html):
CalledNumber (one mainland number, without +86), CalledShowNumber (the caller id: left out in the
public-pool mode 公共模式, a purchased number in the dedicated mode 专属模式), TtsCode (the approved
TTS template), TtsParam (a JSON object of the template's variables), PlayTimes (1-3), Speed and
OutId (echoed in the call result; our message id — at most 15 bytes). The answer is
``{"Code": "OK", "CallId": ...}`` or another Code with a Message (API error codes:
https://help.aliyun.com/document_detail/178344.html). Aliyun limits calls to one number to
1/minute, 5/hour and 20/day (isv.BUSINESS_LIMIT_CONTROL): a temporary refusal.

Call results are the VoiceReport "HTTP batch push" (呼叫记录消息, configured in the voice console:
https://help.aliyun.com/zh/vms/developer-reference/voicereport-1 and /zh/vms/voicereport-6) — a
POST of a JSON array of call records with call_id, out_id, status_code, status_msg,
smart_status_code (only when enabled in the console), duration (seconds, "0" when not answered),
start_time / end_time (empty when not answered), originate_time, ring_time, callee, caller ... It is
answered with ``{"code": 0, "msg": ...}``; anything else makes Aliyun push again after 1, 5 and 10
minutes (https://help.aliyun.com/zh/vms/developer-reference/http-batch-delivery-mode-1).
"""

import json
import logging
from dataclasses import dataclass, field

from alibabacloud_dyvmsapi20170525 import models as vms_models
from alibabacloud_dyvmsapi20170525.client import Client

from xindai.messaging.backends import SendResult
from xindai.messaging.backends.aliyun import answer, sdk_client, sdk_failure, template_param
from xindai.messaging.backends.config import ConfigError, provider_time
from xindai.messaging.backends.config import voice_config as read_voice_config
from xindai.messaging.voice import BaseVoiceBackend, CallOutcome, CallReport, OutgoingCall

logger = logging.getLogger(__name__)

SETTING, PREFIX = "VOICE_ALIYUN", "ALIYUN_VOICE_"


@dataclass(frozen=True)
class AliyunVoiceConfig:
    access_key_id: str
    access_key_secret: str = field(repr=False)  # kept out of logs and tracebacks
    called_show_number: str = ""  # 主叫显号: empty in the public-pool mode, the purchased number otherwise
    endpoint: str = "dyvmsapi.aliyuncs.com"
    protocol: str = "https"
    region_id: str = "cn-hangzhou"
    timeout_ms: int = 5000  # connect and read, each
    play_times: int = 0  # 1-3; 0 leaves Aliyun's default (3)
    speed: int = 0  # -500..500; 0 is the normal speed


def voice_config() -> AliyunVoiceConfig:
    """settings.VOICE_ALIYUN, read at call time; a ConfigError names the variable to fix."""
    return read_voice_config(
        AliyunVoiceConfig, SETTING, PREFIX, {"TIMEOUT_MS": (1, 10**6), "PLAY_TIMES": (0, 3), "SPEED": (-500, 500)}
    )


# Temporary refusals: the per-number flow control (1/min, 5/h, 20/day), Aliyun's own errors
# (isp.SYSTEM_ERROR, isp.GATEWAY_ERROR, InternalError) and API throttling (Throttling.*).
# Everything else — isv.MOBILE_NUMBER_ILLEGAL, isv.TTS_TEMPLATE_ILLEGAL, isv.TEMPLATE_PARAMS_ILLEGAL,
# isv.DISPLAY_NUMBER_ILLEGAL, isv.AMOUNT_NOT_ENOUGH, isv.OUT_OF_SERVICE ... — fails again the same way.
RETRY_CODES = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "InternalError"})


def is_temporary(code: str) -> bool:
    return code in RETRY_CODES or code.startswith("Throttling")


class VoiceBackend(BaseVoiceBackend):
    name = "aliyun"

    def call(self, call: OutgoingCall) -> SendResult:
        if not call.template_code:
            return SendResult(
                ok=False, error_code="no_template", error_message="Aliyun calls only approved TTS templates"
            )
        try:
            config = voice_config()
        except ConfigError as error:
            return SendResult(ok=False, error_code="not_configured", error_message=str(error))
        request = vms_models.SingleCallByTtsRequest(
            called_number=mainland_number(call.recipient),
            called_show_number=config.called_show_number or None,
            tts_code=call.template_code,
            tts_param=template_param(call.params),
            play_times=config.play_times or None,
            speed=config.speed or None,
            out_id=str(call.message_id),
        )
        try:
            response = sdk_client(Client, config).single_call_by_tts(request)
        except Exception as error:  # the seam's promise: a result, never an exception
            return sdk_failure(error, is_temporary, "voice")
        body = response.body
        return answer(body and body.code, body and body.message, body and body.call_id, is_temporary)

    @classmethod
    def parse_reports(cls, body: bytes, content_type: str) -> list[CallReport]:
        """The final call records in a VoiceReport push (a JSON array); ValueError for anything else."""
        try:
            items = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"a VoiceReport push is a JSON array: {error}") from None
        if not isinstance(items, list):
            raise ValueError("a VoiceReport push is a JSON array of call records")
        reports = [_report(item) for item in items]
        return [report for report in reports if report is not None]

    @classmethod
    def report_response(cls) -> tuple[int, str, str]:
        return 200, "application/json; charset=utf-8", json.dumps({"code": 0, "msg": "成功"}, ensure_ascii=False)


def mainland_number(recipient: str) -> str:
    """CalledNumber as Aliyun wants it: 13800138000 from +86 138 0013 8000, 8613800138000 or 0086..."""
    number = "".join(ch for ch in recipient if ch.isdigit())
    if number.startswith("0086"):
        number = number[4:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    return number


# The carriers' call status codes (运营商回执错误码, https://help.aliyun.com/document_detail/55085.html,
# with 200004 空号 and the rest per the call status codes, 呼叫状态码,
# https://help.aliyun.com/document_detail/112804.htm). 停机 (200011) is not 空号: the number exists,
# its owner has not paid; a vacant outcome flags the customer's mobile, so it is a plain failure.
# Codes not listed (200006 bad audio, 200104/200105 restricted, 200117-200119/200121 the
# provider's limits, 400/500/999999 ...) are failures with their code kept.
STATUS_CODES: dict[str, tuple[str, str]] = {
    "200000": (CallOutcome.ANSWERED, "用户听完语音"),
    "200001": (CallOutcome.ANSWERED, "用户提前挂机未完整收听"),
    "200002": (CallOutcome.BUSY, "用户占线"),
    "200003": (CallOutcome.NO_ANSWER, "用户收到呼叫但未接听"),
    "200004": (CallOutcome.VACANT, "空号"),
    "200005": (CallOutcome.NO_ANSWER, "被叫用户无法接通（拒接或运营商原因）"),
    "200006": (CallOutcome.FAILED, "语音播放失败"),
    "200007": (CallOutcome.POWER_OFF, "用户无法接通（不在服务区）"),
    "200008": (CallOutcome.ANSWERED, "获取按键超时"),
    "200010": (CallOutcome.POWER_OFF, "关机"),
    "200011": (CallOutcome.FAILED, "停机"),
    "200012": (CallOutcome.FAILED, "呼损（呼叫受限）"),
    "200111": (CallOutcome.NO_ANSWER, "被叫无法接通（拒绝）"),
    "200112": (CallOutcome.BUSY, "被叫占线"),
    "200113": (CallOutcome.NO_ANSWER, "被叫收到呼叫但未接听"),
    "200116": (CallOutcome.VACANT, "被叫号码不合法"),
    "200120": (CallOutcome.POWER_OFF, "被叫无法接通（不在服务区）"),
    "482": (CallOutcome.FAILED, "被叫号码不可用"),
}
# The smart status codes (智能状态码, sent when enabled in the console:
# https://help.aliyun.com/zh/vms/developer-reference/smart-status-code): more precise than the
# carrier's code, so they win when present; OTHER / OTHERS fall back to the status code.
SMART_STATUS_CODES: dict[str, tuple[str, str]] = {
    "ANSWERED": (CallOutcome.ANSWERED, "用户接通"),
    "CANCEL": (CallOutcome.NO_ANSWER, "主叫取消"),
    "CALL_REJECTED": (CallOutcome.BUSY, "拒接"),
    "CALL_FORWARDING": (CallOutcome.NO_ANSWER, "呼转"),
    "INTELLIGENT_ANSWER": (CallOutcome.NO_ANSWER, "智能接听（语音留言、语音助手）"),
    "INCOMING_CALL_BARRED": (CallOutcome.FAILED, "限制呼入"),
    "INVALID_NUMBER": (CallOutcome.VACANT, "空号"),
    "NO_ANSWER": (CallOutcome.NO_ANSWER, "无应答"),
    "NO_USER_RESPONDING": (CallOutcome.POWER_OFF, "不在服务区"),
    "NETWORK_BUSY": (CallOutcome.FAILED, "网络忙"),
    "OPERATOR_BLOCK": (CallOutcome.FAILED, "运营商拦截"),
    "POWERED_OFF": (CallOutcome.POWER_OFF, "关机"),
    "SUSPEND": (CallOutcome.FAILED, "停机"),
    "USER_BUSY": (CallOutcome.BUSY, "被叫忙"),
    "UNAVAILABLE": (CallOutcome.POWER_OFF, "暂时无法接通"),
}
# Progress states of the call-state push (VoiceCallReport: 开始呼叫, 被叫响铃, 被叫接听, DTMF), should it
# be sent to the same address: not a result, so not a report.
PROGRESS_CODES = frozenset({"200101", "200201", "200102", "300000"})
CALL_ENDED = "200100"  # 呼叫结束: answered when the record has a duration


def _report(item: object) -> CallReport | None:
    if not isinstance(item, dict) or not {"call_id", "status_code"} <= item.keys():
        raise ValueError(f"not a VoiceReport call record: {str(item)[:200]}")
    call_id, status = _text(item["call_id"]), _text(item["status_code"])
    if not call_id or not status:
        raise ValueError(f"a call record without call_id or status_code: {str(item)[:200]}")
    if status in PROGRESS_CODES or (status == CALL_ENDED and "duration" not in item):
        return None
    duration = _seconds(item.get("duration"))
    outcome, description = _outcome(status, _text(item.get("smart_status_code")), duration)
    answered = outcome == CallOutcome.ANSWERED
    out_id = _text(item.get("out_id"))
    return CallReport(
        message_id=int(out_id) if out_id.isdigit() else None,
        provider_id=call_id,
        recipient=_text(item.get("callee")),
        outcome=outcome,
        duration_s=duration if answered else 0,
        error_code="" if answered else status,
        error_message="" if answered else description or _text(item.get("status_msg")),
        reported_at=_first_time(item, "end_time", "start_time", "ring_time", "originate_time"),
    )


def _outcome(status: str, smart: str, duration: int) -> tuple[str, str]:
    if smart in SMART_STATUS_CODES:
        return SMART_STATUS_CODES[smart]
    if status == CALL_ENDED:
        return (CallOutcome.ANSWERED, "呼叫结束") if duration > 0 else (CallOutcome.NO_ANSWER, "未接通")
    return STATUS_CODES.get(status, (CallOutcome.FAILED, ""))


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _seconds(value: object) -> int:
    text = _text(value)
    return int(text) if text.isdigit() else 0


def _first_time(item: dict, *keys: str):
    for key in keys:
        moment = provider_time(item.get(key))
        if moment is not None:
            return moment
    return None
