"""Tencent Cloud voice messages (腾讯云语音消息, 语音通知) through the official SDK
``tencentcloud-sdk-python-vms``, API 2020-09-02.

Calling is ``SendTtsVoice`` (https://cloud.tencent.com/document/api/1128/51558): TemplateId (the
approved voice template), TemplateParamSet (the values in the template's order; an empty list for
a template without variables), CalledNumber in E.164 (+86...), VoiceSdkAppid, PlayTimes (1-3,
Tencent's default 2) and SessionContext (our message id). The answer is
``{"Response": {"SendStatus": {"CallId": ..., "SessionContext": ...}, "RequestId": ...}}``; a
refusal comes back as ``Response.Error`` and the SDK raises it as a ``TencentCloudSDKException``
with that code (error codes: tencentcloud/vms/v20200902/errorcodes.py in the SDK), as it does for
network failures (ClientNetworkError) and non-200 answers (ServerNetworkError).

Call results come by the event callback (事件回调, set in the voice console), one JSON object per
POST, answered with ``{"result": 0, "errmsg": "OK"}``:

- ``voiceprompt_callback`` (语音通知状态通知, https://cloud.tencent.com/document/product/1128/51534):
  callid, mobile, nationcode, call_from, start_calltime, accept_time, end_calltime (Unix seconds,
  as strings), fee (billed minutes) and result: "0" answered, "1" not answered, "2" call error.
- ``voice_failure_callback`` (语音送达失败原因通知, https://cloud.tencent.com/document/product/1128/51536):
  callid, mobile, nationcode, call_from, failure_code (a number) and failure_reason — the precise
  reason (关机, 空号 ...) of a call that was not answered; it may come besides the status callback.
- ``voicekey_callback`` (按键通知) reports a key pressed: not a call result, so no report.

Neither callback echoes the SessionContext: reports are matched by the callid, which is the
CallId that ``SendTtsVoice`` answered.
"""

import json
import logging
from dataclasses import dataclass, field

from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.vms.v20200902 import models as vms_models
from tencentcloud.vms.v20200902.vms_client import VmsClient

from xindai.messaging.backends import SendResult
from xindai.messaging.backends.config import ConfigError, provider_time
from xindai.messaging.backends.config import voice_config as read_voice_config
from xindai.messaging.backends.tencent import e164, sdk_client, sdk_failure
from xindai.messaging.voice import BaseVoiceBackend, CallOutcome, CallReport, OutgoingCall

logger = logging.getLogger(__name__)

SETTING, PREFIX = "VOICE_TENCENT", "TENCENT_VOICE_"


@dataclass(frozen=True)
class TencentVoiceConfig:
    secret_id: str
    secret_key: str = field(repr=False)
    sdk_app_id: str  # VoiceSdkAppid from the voice console, e.g. 1400006666 (not the SMS app's)
    region: str = "ap-guangzhou"
    endpoint: str = "vms.tencentcloudapi.com"
    protocol: str = "https"
    timeout_ms: int = 5000
    play_times: int = 0  # 1-3; 0 leaves Tencent's default (2)


def voice_config() -> TencentVoiceConfig:
    """settings.VOICE_TENCENT, read at call time; a ConfigError names the variable to fix."""
    return read_voice_config(TencentVoiceConfig, SETTING, PREFIX, {"TIMEOUT_MS": (1, 10**6), "PLAY_TIMES": (0, 3)})


# Temporary: frequency limits (LimitExceeded.DeliveryFrequencyLimit), API throttling, Tencent's
# upstream timeouts and errors, and answers that never arrived. Three InternalError codes are our
# own fault and fail again until fixed: the server clock is off, the signature or the API is wrong.
# FailedOperation.* (template, sensitive word, balance), InvalidParameterValue.* (a wrong number)
# and UnauthorizedOperation.* are permanent.
RETRY_PREFIXES = ("LimitExceeded", "RequestLimitExceeded", "InternalError")
NOT_TEMPORARY = frozenset(
    {
        "InternalError.RequestTimeException",
        "InternalError.SigVerificationFail",
        "InternalError.RestApiInterfaceNotExist",
    }
)
RETRY_CODES = frozenset({"FailedOperation.AccessUpstreamTimeout", "ClientNetworkError", "ServerNetworkError"})


def is_temporary(code: str) -> bool:
    return code in RETRY_CODES or (code.startswith(RETRY_PREFIXES) and code not in NOT_TEMPORARY)


class VoiceBackend(BaseVoiceBackend):
    name = "tencent"

    def call(self, call: OutgoingCall) -> SendResult:
        if not call.template_code:
            return SendResult(ok=False, error_code="no_template", error_message="Tencent calls only approved templates")
        try:
            config = voice_config()
        except ConfigError as error:
            return SendResult(ok=False, error_code="not_configured", error_message=str(error))
        request = vms_models.SendTtsVoiceRequest()
        request.TemplateId = call.template_code
        request.TemplateParamSet = [str(value) for _, value in call.params]  # [] for a template without variables
        request.CalledNumber = e164(call.recipient)
        request.VoiceSdkAppid = config.sdk_app_id
        if config.play_times:
            request.PlayTimes = config.play_times
        request.SessionContext = str(call.message_id)
        try:
            response = sdk_client(VmsClient, config).SendTtsVoice(request)
        except TencentCloudSDKException as error:
            return sdk_failure(error, is_temporary)
        except Exception as error:  # the seam's promise: a result, never an exception
            logger.exception("Tencent voice SDK failed unexpectedly")
            return SendResult(ok=False, error_code="sdk_error", error_message=repr(error)[:300])
        status = response.SendStatus
        if status is None or not status.CallId:
            return SendResult(ok=False, error_code="bad_response", error_message="no SendStatus.CallId", retry=True)
        return SendResult(ok=True, provider_id=status.CallId)

    @classmethod
    def parse_reports(cls, body: bytes, content_type: str) -> list[CallReport]:
        """The call result in an event callback (one object, or a list of them); ValueError for anything else."""
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"a Tencent voice callback is JSON: {error}") from None
        events = document if isinstance(document, list) else [document]
        reports = [_report(event) for event in events]
        return [report for report in reports if report is not None]

    @classmethod
    def report_response(cls) -> tuple[int, str, str]:
        return 200, "application/json", '{"result": 0, "errmsg": "OK"}'


# voiceprompt_callback.result (语音通知状态通知).
PROMPT_RESULTS = {
    "0": (CallOutcome.ANSWERED, "用户正常接听"),
    "1": (CallOutcome.NO_ANSWER, "用户未接听"),
    "2": (CallOutcome.FAILED, "呼叫异常"),
}
# voice_failure_callback.failure_code (推送回执相关错误码, https://cloud.tencent.com/document/api/1128/37531).
# 欠费, 停机, 暂停服务 and 已过期 are not 空号 — the number exists and may work again, while a vacant
# outcome flags the customer's mobile — so they are plain failures; 来电提醒 means the carrier's
# missed-call service took the call of a phone that is off. Codes not listed are failures.
FAILURE_CODES = {
    1: CallOutcome.POWER_OFF,  # 关机
    2: CallOutcome.BUSY,  # 通话中
    3: CallOutcome.POWER_OFF,  # 不在服务区
    4: CallOutcome.FAILED,  # 您拨打的号码已欠费
    5: CallOutcome.NO_ANSWER,  # 无人接听
    6: CallOutcome.POWER_OFF,  # 暂时无法接通
    7: CallOutcome.FAILED,  # 停机
    8: CallOutcome.VACANT,  # 空号
    9: CallOutcome.FAILED,  # 电路正忙
    10: CallOutcome.BUSY,  # 用户正忙
    11: CallOutcome.FAILED,  # 其他原因
    12: CallOutcome.FAILED,  # 呼叫受限
    13: CallOutcome.FAILED,  # 您拨打的号码已暂停服务
    15: CallOutcome.VACANT,  # 号码不存在
    16: CallOutcome.POWER_OFF,  # 来电提醒
    17: CallOutcome.FAILED,  # 您拨打的号码已过期
    18: CallOutcome.FAILED,  # 网络忙
    19: CallOutcome.FAILED,  # 未开通语音通话功能
    20: CallOutcome.NO_ANSWER,  # 无应答
}
STATUS_EVENTS = ("voiceprompt_callback", "voicecode_callback")  # the same fields for notices and codes
IGNORED_EVENTS = ("voicekey_callback",)
KNOWN_EVENTS = frozenset({*STATUS_EVENTS, "voice_failure_callback", *IGNORED_EVENTS})


def _report(event: object) -> CallReport | None:
    kinds = [key for key in event if key in KNOWN_EVENTS] if isinstance(event, dict) else []
    if len(kinds) != 1:
        raise ValueError(f"not a Tencent voice callback: {str(event)[:200]}")
    kind, data = kinds[0], event[kinds[0]]
    if kind in IGNORED_EVENTS:
        return None
    if not isinstance(data, dict) or not _text(data.get("callid")) or not _text(data.get("mobile")):
        raise ValueError(f"a {kind} without callid or mobile: {str(data)[:200]}")
    if kind == "voice_failure_callback":
        return _failure_report(data)
    result = _text(data.get("result"))
    if result not in PROMPT_RESULTS:
        raise ValueError(f"{kind}.result={data.get('result')!r} is not 0, 1 or 2")
    outcome, description = PROMPT_RESULTS[result]
    answered = outcome == CallOutcome.ANSWERED
    return CallReport(
        message_id=None,
        provider_id=_text(data["callid"]),
        recipient=_text(data["mobile"]),
        outcome=outcome,
        duration_s=_duration(data) if answered else 0,
        error_code="" if answered else f"result_{result}",
        error_message="" if answered else description,
        reported_at=provider_time(_timestamp(data.get("end_calltime")) or _timestamp(data.get("start_calltime"))),
    )


def _failure_report(data: dict) -> CallReport:
    code = data.get("failure_code")
    if isinstance(code, str) and code.strip().isdigit():
        code = int(code)
    if not isinstance(code, int) or isinstance(code, bool):
        raise ValueError(f"voice_failure_callback.failure_code={code!r} is not a number")
    return CallReport(
        message_id=None,
        provider_id=_text(data["callid"]),
        recipient=_text(data["mobile"]),
        outcome=FAILURE_CODES.get(code, CallOutcome.FAILED),
        error_code=str(code),
        error_message=_text(data.get("failure_reason")),
    )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _timestamp(value: object) -> str | None:
    """A callback time: Unix seconds as a string; "0" or "" when it did not happen."""
    text = _text(value)
    return text if text.isdigit() and int(text) > 0 else None


def _duration(data: dict) -> int:
    """Seconds from answering to hanging up (fee is billed minutes, not the duration)."""
    accepted, ended = _timestamp(data.get("accept_time")), _timestamp(data.get("end_calltime"))
    if accepted is None or ended is None:
        return 0
    return max(int(ended) - int(accepted), 0)
