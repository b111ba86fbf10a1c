"""Aliyun SMS (阿里云短信服务) through the official SDK ``alibabacloud-dysmsapi20170525``.

Sending is the ``SendSms`` API: https://help.aliyun.com/document_detail/55284.html — query
parameters PhoneNumbers, SignName, TemplateCode, TemplateParam (a JSON object whose values are
strings, else isv.INVALID_JSON_PARAM) and OutId; the answer is ``{"Code": "OK", "BizId": ...}``
or another Code with a Message (error codes: https://help.aliyun.com/document_detail/101347.htm).

Delivery reports are the SmsReport "HTTP batch push" (HTTP批量推送), configured in the SMS
console: https://help.aliyun.com/document_detail/101867.html — a POST of a JSON array of
objects with phone_number, send_time, report_time, success (boolean), err_code, err_msg,
sms_size, biz_id and out_id, answered with ``{"code": 0, "msg": ...}`` (Aliyun only checks that
``code`` is a number; any other answer, or none, makes it push again after 1, 5 and 10 minutes).
"""

import json
import logging

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ServerException, ThrottlingException
from alibabacloud_tea_openapi.models import Config
from darabonba.exceptions import RetryError, UnretryableException

from xindai.messaging.backends import BaseSmsBackend, DeliveryReport, OutgoingSms, SendResult
from xindai.messaging.backends.config import ConfigError, aliyun_config, cached_client, provider_time

logger = logging.getLogger(__name__)

# Temporary refusals: flow control per number (BUSINESS_LIMIT_CONTROL: by default 1/min, 5/h, 10/day
# for verification codes, 50/day per template for notices, developer.aliyun.com/ask/218440), the
# bank's own daily/monthly caps set in the console (DAY_/MONTH_LIMIT_CONTROL), and
# Aliyun's internal errors. Everything else (blacklisted number, bad template, signature or
# parameters, account problems) will fail again the same way.
RETRY_CODES = frozenset(
    {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "isp.SYSTEM_ERROR"}
)


def is_temporary(code: str) -> bool:
    return code in RETRY_CODES or code.startswith("Throttling")


class SmsBackend(BaseSmsBackend):
    name = "aliyun"

    def send(self, sms: OutgoingSms) -> SendResult:
        if not sms.template_code:
            return SendResult(ok=False, error_code="no_template", error_message="Aliyun sends only approved templates")
        try:
            config = aliyun_config()
        except ConfigError as error:
            return SendResult(ok=False, error_code="not_configured", error_message=str(error))
        request = sms_models.SendSmsRequest(
            phone_numbers=sms.recipient.strip(),
            sign_name=config.sign_name,
            template_code=sms.template_code,
            template_param=template_param(sms.params),
            out_id=str(sms.message_id),
        )
        try:
            response = sdk_client(Client, config).send_sms(request)
        except Exception as error:  # the seam's promise: a result, never an exception
            return sdk_failure(error, is_temporary, "SMS")
        body = response.body
        return answer(body and body.code, body and body.message, body and body.biz_id, is_temporary)

    @classmethod
    def parse_reports(cls, body: bytes, content_type: str) -> list[DeliveryReport]:
        """The reports in an SmsReport push (Aliyun sends application/json; the body is what counts)."""
        return _reports(body)

    @classmethod
    def report_response(cls) -> tuple[int, str, str]:
        return 200, "application/json; charset=utf-8", json.dumps({"code": 0, "msg": "成功"}, ensure_ascii=False)


def template_param(params: tuple[tuple[str, str], ...]) -> str | None:
    """TemplateParam: {"name": "value", ...} with string values, or None for a template without variables."""
    if not params:
        return None
    return json.dumps({name: str(value) for name, value in params}, ensure_ascii=False, separators=(",", ":"))


def sdk_client(client_class, config):
    """An Aliyun OpenAPI client (SMS or voice) for `config`, cached per configuration and thread."""

    def build():
        return client_class(
            Config(
                access_key_id=config.access_key_id,
                access_key_secret=config.access_key_secret,
                endpoint=config.endpoint,
                protocol=config.protocol,
                region_id=config.region_id,
                connect_timeout=config.timeout_ms,
                read_timeout=config.timeout_ms,
            )
        )

    return cached_client((client_class, config), build)


def answer(code: str | None, message: str | None, provider_id: str | None, temporary) -> SendResult:
    """What an Aliyun answer body means: Code OK with the provider's id, or its refusal."""
    if not code:
        return SendResult(
            ok=False, error_code="bad_response", error_message="Aliyun answered without a Code", retry=True
        )
    if code == "OK":
        return SendResult(ok=True, provider_id=provider_id or "")
    return SendResult(ok=False, error_code=code, error_message=message or "", retry=temporary(code))


def sdk_failure(error: Exception, temporary, product: str) -> SendResult:
    """What an SDK exception means: Aliyun refused the request itself, or we never got a readable answer."""
    if isinstance(error, AlibabaCloudException):  # an HTTP 4xx/5xx answer with an Error body
        code = error.code or f"http_{error.status_code}"
        message = (error.data or {}).get("Message") or error.message or ""
        retry = isinstance(error, ThrottlingException | ServerException) or temporary(code)
        return SendResult(ok=False, error_code=code, error_message=message, retry=retry)
    if isinstance(error, UnretryableException):  # the SDK wraps what went wrong on the way
        inner = error.inner_exception
        if isinstance(inner, RetryError):  # connection refused, reset, timed out
            return SendResult(ok=False, error_code="network", error_message=str(inner.message), retry=True)
        # An answer that is not JSON comes from something between us and Aliyun (a proxy's error
        # page) far more often than from Aliyun: try again; the delivery report shows a message
        # that did go out.
        return SendResult(ok=False, error_code="bad_response", error_message=str(inner)[:300], retry=True)
    logger.exception("Aliyun %s SDK failed unexpectedly", product)
    return SendResult(ok=False, error_code="sdk_error", error_message=repr(error)[:300])


def _reports(body: bytes) -> list[DeliveryReport]:
    try:
        items = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"an SmsReport push is a JSON array: {error}") from None
    if not isinstance(items, list):
        raise ValueError("an SmsReport push is a JSON array of reports")
    return [_report(item) for item in items]


def _report(item: object) -> DeliveryReport:
    if not isinstance(item, dict) or not {"phone_number", "success", "biz_id"} <= item.keys():
        raise ValueError(f"not an SmsReport: {str(item)[:200]}")
    delivered = _boolean(item["success"])
    out_id = str(item.get("out_id") or "")
    return DeliveryReport(
        message_id=int(out_id) if out_id.isdigit() else None,
        provider_id=str(item["biz_id"]),
        recipient=str(item["phone_number"]),
        delivered=delivered,
        error_code="" if delivered else str(item.get("err_code") or ""),
        error_message="" if delivered else str(item.get("err_msg") or ""),
        reported_at=provider_time(item.get("report_time")),
    )


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):  # the documented type is Boolean; tolerate its text form
        return value == "true"
    raise ValueError(f"success={value!r} is not true or false")
