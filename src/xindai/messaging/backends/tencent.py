"""Tencent Cloud SMS (腾讯云短信) through the official SDK ``tencentcloud-sdk-python-sms``, API 2021-01-11.

Sending is ``SendSms``: https://cloud.tencent.com/document/api/382/55981 — PhoneNumberSet in
E.164 (+86...), SmsSdkAppId, SignName, TemplateId, TemplateParamSet (the values in the
template's order) and SessionContext (echoed back; our message id). The answer's
``SendStatusSet[0].Code`` is "Ok" with a SerialNo, or an error code such as
LimitExceeded.PhoneNumberDailyLimit (error codes: https://cloud.tencent.com/document/api/382/59177).
A refusal of the whole request comes back as ``Response.Error`` and the SDK raises it as a
``TencentCloudSDKException`` with that code, as it does for network failures
(ClientNetworkError) and non-200 answers (ServerNetworkError).

Delivery reports are the status callback (短信下发状态通知, set in the SMS console):
https://cloud.tencent.com/document/product/382/43547 (also /document/api/382/5807) — a POST of a
JSON array of objects with user_receive_time, nationcode, mobile, report_status ("SUCCESS" or
"FAIL"), errmsg (the receipt code, e.g. DELIVRD), description and sid (the SerialNo), answered
with ``{"result": 0, "errmsg": "OK"}``. The documentation does not list the SessionContext in
the callback; integrations report it as ``ext`` (e.g. ruoyi-vue-pro's TencentSmsClient), so it is
read when present and the report is otherwise matched by its sid.
"""

import json
import logging

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from xindai.messaging.backends import BaseSmsBackend, DeliveryReport, OutgoingSms, SendResult
from xindai.messaging.backends.config import ConfigError, cached_client, provider_time, tencent_config

logger = logging.getLogger(__name__)

# Temporary: frequency and quota limits, Tencent's internal errors, and answers that never
# arrived or could not be read. FailedOperation.*, InvalidParameterValue.* (a wrong number, a
# bad template parameter), UnauthorizedOperation.* and the rest fail again the same way.
RETRY_PREFIXES = ("LimitExceeded", "RequestLimitExceeded", "InternalError")
NETWORK_CODES = frozenset({"ClientNetworkError", "ServerNetworkError"})  # raised by the SDK itself


def is_temporary(code: str) -> bool:
    return code.startswith(RETRY_PREFIXES) or code in NETWORK_CODES


class SmsBackend(BaseSmsBackend):
    name = "tencent"

    def send(self, sms: OutgoingSms) -> SendResult:
        if not sms.template_code:
            return SendResult(ok=False, error_code="no_template", error_message="Tencent sends only approved templates")
        try:
            config = tencent_config()
        except ConfigError as error:
            return SendResult(ok=False, error_code="not_configured", error_message=str(error))
        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [e164(sms.recipient)]
        request.SmsSdkAppId = config.sdk_app_id
        request.SignName = config.sign_name
        request.TemplateId = sms.template_code
        if sms.params:
            request.TemplateParamSet = [str(value) for _, value in sms.params]
        request.SessionContext = str(sms.message_id)
        try:
            response = sdk_client(SmsClient, config).SendSms(request)
        except TencentCloudSDKException as error:
            return sdk_failure(error, is_temporary)
        except Exception as error:  # the seam's promise: a result, never an exception
            logger.exception("Tencent SMS SDK failed unexpectedly")
            return SendResult(ok=False, error_code="sdk_error", error_message=repr(error)[:300])
        return _result(response)

    @classmethod
    def parse_reports(cls, body: bytes, content_type: str) -> list[DeliveryReport]:
        try:
            items = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"a Tencent status callback is a JSON array: {error}") from None
        if not isinstance(items, list):
            raise ValueError("a Tencent status callback is a JSON array of reports")
        return [_report(item) for item in items]

    @classmethod
    def report_response(cls) -> tuple[int, str, str]:
        return 200, "application/json", '{"result": 0, "errmsg": "OK"}'


def e164(recipient: str) -> str:
    """A mainland number as Tencent wants it: +8613800138000 from 13800138000, 8613800138000 or 0086..."""
    number = "".join(ch for ch in recipient if ch.isdigit() or ch == "+")
    if number.startswith("+"):
        return number
    if number.startswith("00"):
        return "+" + number[2:]
    if number.startswith("86") and len(number) == 13:
        return "+" + number
    return "+86" + number


def sdk_client(client_class, config):
    """A Tencent Cloud client (SMS or voice) for `config`, cached per configuration and thread."""

    def build():
        http = HttpProfile(protocol=config.protocol, endpoint=config.endpoint, reqTimeout=config.timeout_ms / 1000)
        return client_class(
            Credential(config.secret_id, config.secret_key), config.region, ClientProfile(httpProfile=http)
        )

    return cached_client((client_class, config), build)


def _result(response: sms_models.SendSmsResponse) -> SendResult:
    statuses = response.SendStatusSet or []
    if not statuses:
        return SendResult(ok=False, error_code="bad_response", error_message="no SendStatusSet", retry=True)
    status = statuses[0]
    code = status.Code or ""
    if code == "Ok":
        return SendResult(ok=True, provider_id=status.SerialNo or "")
    return SendResult(
        ok=False, error_code=code or "bad_response", error_message=status.Message or "", retry=is_temporary(code)
    )


def sdk_failure(error: TencentCloudSDKException, temporary) -> SendResult:
    """What a Tencent SDK exception means (SMS or voice), `temporary` judging the provider's codes."""
    code = error.get_code() or "sdk_error"
    message = error.get_message()
    if isinstance(message, bytes):  # ServerNetworkError carries the raw body of the non-200 answer
        message = message.decode("utf-8", "replace")
    message = str(message or "")[:500]
    if code == "ClientNetworkError":
        return SendResult(ok=False, error_code="network", error_message=message, retry=True)
    if code == "JSONDecodeError":  # a 200 answer that is not JSON: see aliyun.sdk_failure
        return SendResult(ok=False, error_code="bad_response", error_message=message, retry=True)
    return SendResult(ok=False, error_code=code, error_message=message, retry=temporary(code))


def _report(item: object) -> DeliveryReport:
    if not isinstance(item, dict) or not {"mobile", "report_status", "sid"} <= item.keys():
        raise ValueError(f"not a Tencent status report: {str(item)[:200]}")
    status = item["report_status"]
    if status not in ("SUCCESS", "FAIL"):
        raise ValueError(f"report_status={status!r} is neither SUCCESS nor FAIL")
    delivered = status == "SUCCESS"
    return DeliveryReport(
        message_id=_session_message_id(item.get("ext")),
        provider_id=str(item["sid"]),
        recipient=str(item["mobile"]),
        delivered=delivered,
        error_code="" if delivered else str(item.get("errmsg") or ""),
        error_message="" if delivered else str(item.get("description") or ""),
        reported_at=provider_time(item.get("user_receive_time")),
    )


def _session_message_id(ext: object) -> int | None:
    """Our message id from the echoed SessionContext, which we send as the bare id."""
    if isinstance(ext, int) and not isinstance(ext, bool):
        return ext
    if isinstance(ext, str) and ext.strip().isdigit():
        return int(ext.strip())
    return None
