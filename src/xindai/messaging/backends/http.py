"""A generic HTTP SMS gateway: "a URL with parameters", as many Chinese SMS platforms and banks'
own message platforms (短信平台) offer.

Everything about the platform is configuration (``settings.SMS_HTTP``, see config.HttpConfig):
the URL; whether our fields go out as a GET query, a POST form or a POST JSON object; the
platform's names for the mobile number, the text, our message id, the template code and the
template parameters; constant parameters such as the account and password; the rule that tells
an accepted message from a refused one; where the platform's message id and error sit in its
answer; and which error codes mean "busy, try later". Delivery report pushes, as a form or JSON,
are read with configured field names the same way.

The platform's answer is judged thus: no answer, a timeout, HTTP 5xx or 429 → temporary
failure; another non-2xx → refusal; 2xx → the success rule (json:<path>=<value>,
contains:<text>, regex:<pattern>, or nothing: 2xx is enough).

Uses ``urllib.request`` from the standard library: one request per message needs no pool.
"""

import json
import logging
import re
import urllib.error
import urllib.request
from email.message import Message as HeaderParser
from http.client import HTTPException
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.utils import timezone

from xindai.messaging.backends import BaseSmsBackend, DeliveryReport, OutgoingSms, SendResult
from xindai.messaging.backends.config import ConfigError, HttpConfig, http_config, provider_time

logger = logging.getLogger(__name__)

_MISSING = object()


class SmsBackend(BaseSmsBackend):
    name = "http"

    def send(self, sms: OutgoingSms) -> SendResult:
        try:
            config = http_config()
        except ConfigError as error:
            return SendResult(ok=False, error_code="not_configured", error_message=str(error))
        try:
            body = _post(config, _parameters(config, sms))
        except urllib.error.HTTPError as error:
            return _http_error(config, error)
        except (urllib.error.URLError, TimeoutError, ConnectionError, HTTPException) as error:
            reason = getattr(error, "reason", error)
            return SendResult(ok=False, error_code="network", error_message=str(reason)[:300], retry=True)
        return judge(config, body)

    @classmethod
    def parse_reports(cls, body: bytes, content_type: str) -> list[DeliveryReport]:
        config = http_config()  # a ConfigError is a ValueError: the push is refused, the platform pushes again
        if not config.report_fields:
            raise ConfigError("SMS_HTTP_REPORT_FIELDS is not set: delivery reports cannot be read.")
        return [_report(config, item) for item in _report_items(config, body, content_type)]

    @classmethod
    def report_response(cls) -> tuple[int, str, str]:
        answer = http_config().report_answer
        kind = "application/json" if answer.lstrip().startswith(("{", "[")) else "text/plain"
        return 200, f"{kind}; charset=utf-8", answer


def _parameters(config: HttpConfig, sms: OutgoingSms) -> list[tuple[str, str]]:
    ours = {
        "mobile": sms.recipient.strip(),
        "text": sms.text,
        "message_id": str(sms.message_id),
        "template_code": sms.template_code,
        "params": json.dumps(dict(sms.params), ensure_ascii=False) if sms.params else "",
    }
    sent = [(theirs, ours[name]) for name, theirs in config.fields if ours[name]]
    return list(config.extra) + sent


def _post(config: HttpConfig, parameters: list[tuple[str, str]]) -> str:
    """The platform's answer to a 2xx; urllib raises HTTPError for the others."""
    url, data = config.url, None
    headers = {"Accept": "application/json, text/plain, */*", **dict(config.headers)}
    if config.format == "query":
        url += ("&" if "?" in url else "?") + urlencode(parameters, encoding=config.charset)
    elif config.format == "form":
        data = urlencode(parameters, encoding=config.charset).encode("ascii")
        headers["Content-Type"] = f"application/x-www-form-urlencoded; charset={config.charset}"
    else:
        data = json.dumps(dict(parameters), ensure_ascii=False).encode(config.charset)
        headers["Content-Type"] = f"application/json; charset={config.charset}"
    # S310: the URL is the bank's own setting, and config.http_config admits only http:// and https://.
    request = urllib.request.Request(url, data=data, headers=headers, method="GET" if data is None else "POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=config.timeout_ms / 1000) as response:  # noqa: S310
        return _decode(response.read(), response.headers.get("Content-Type"), config.charset)


def _decode(raw: bytes, content_type: str | None, charset: str) -> str:
    header = HeaderParser()
    header["Content-Type"] = content_type or ""
    try:
        return raw.decode(header.get_content_charset() or charset, "replace")
    except LookupError:  # a charset Python does not know: fall back to the configured one
        return raw.decode(charset, "replace")


def _http_error(config: HttpConfig, error: urllib.error.HTTPError) -> SendResult:
    try:
        body = _decode(error.read(), error.headers.get("Content-Type"), config.charset)
    except (OSError, HTTPException):
        body = ""
    temporary = error.code >= 500 or error.code == 429
    code, message = _error_details(config, body)
    return SendResult(
        ok=False, error_code=code or f"http_{error.code}", error_message=message or body[:300], retry=temporary
    )


def judge(config: HttpConfig, body: str) -> SendResult:
    """The result of a 2xx answer, by the configured success rule."""
    rule = config.success
    document: Any = _MISSING
    if rule.kind == "json" or _needs_json(config):
        document = _json_or_missing(body)
    if rule.kind == "json":
        if document is _MISSING:
            return SendResult(ok=False, error_code="bad_response", error_message=body[:300], retry=True)
        ok = _text(dig(document, rule.path)) == rule.value
    elif rule.kind == "contains":
        ok = rule.value in body
    elif rule.kind == "regex":
        ok = re.search(rule.value, body) is not None
    else:
        ok = True
    if ok:
        return SendResult(ok=True, provider_id=_extract(config.provider_id, body, document) or "")
    code, message = _error_details(config, body, document)
    code = code or "rejected"
    return SendResult(ok=False, error_code=code, error_message=message or body[:300], retry=code in config.retry_codes)


def _needs_json(config: HttpConfig) -> bool:
    specs = (config.provider_id, config.error_code, config.error_message)
    return any(spec and not spec.startswith("regex:") for spec in specs)


def _error_details(config: HttpConfig, body: str, document: Any = _MISSING) -> tuple[str, str]:
    if document is _MISSING and _needs_json(config):
        document = _json_or_missing(body)
    return _extract(config.error_code, body, document), _extract(config.error_message, body, document)


def _extract(spec: str, body: str, document: Any) -> str:
    """The value at a json path, or the first group of `regex:<pattern>`, or "" when absent."""
    if not spec:
        return ""
    if spec.startswith("regex:"):
        match = re.search(spec.removeprefix("regex:"), body)
        if match is None:
            return ""
        return (match.group(1) if match.groups() else match.group(0)) or ""
    return "" if document is _MISSING else _text(dig(document, spec))


def dig(document: Any, path: str) -> Any:
    """document["a"]["b"][0] for the path "a.b.0"; None where the path leads nowhere."""
    for step in filter(None, path.split(".")):
        if isinstance(document, dict):
            document = document.get(step)
        elif isinstance(document, list) and step.lstrip("-").isdigit() and -len(document) <= int(step) < len(document):
            document = document[int(step)]
        else:
            return None
    return document


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_or_missing(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return _MISSING


def _report_items(config: HttpConfig, body: bytes, content_type: str) -> list[dict[str, Any]]:
    text = _decode(body, content_type, config.charset)
    path = config.report_list
    if "json" in content_type.lower() or text.lstrip().startswith(("[", "{")):
        document = _json_or_missing(text)
        if document is _MISSING:
            raise ValueError("the report push is not valid JSON")
    else:
        document = dict(parse_qsl(text, keep_blank_values=True, encoding=config.charset))
        if path:  # a form field that holds the reports as JSON (e.g. sms_status=[...])
            field, _, path = path.partition(".")
            document = _json_or_missing(document.get(field, ""))
            if document is _MISSING:
                raise ValueError(f"the form field {field!r} does not hold JSON reports")
    if path:
        document = dig(document, path)
    items = document if isinstance(document, list) else [document]
    if not all(isinstance(item, dict) for item in items):
        raise ValueError("a report push holds objects (JSON) or fields (a form)")
    return items


def _report(config: HttpConfig, item: dict[str, Any]) -> DeliveryReport:
    names = dict(config.report_fields)

    def value(ours: str) -> str:
        return _text(dig(item, names[ours])) if ours in names else ""

    status = value("status")
    if not status:
        raise ValueError(f"a report without its status field {names.get('status')!r}: {str(item)[:200]}")
    message_id, provider_id = value("message_id"), value("provider_id")
    if not (message_id.isdigit() or provider_id):
        raise ValueError(f"a report that names no message: {str(item)[:200]}")
    delivered = status in config.report_success
    return DeliveryReport(
        message_id=int(message_id) if message_id.isdigit() else None,
        provider_id=provider_id,
        recipient=value("mobile"),
        delivered=delivered,
        error_code="" if delivered else value("error") or status,
        error_message="" if delivered else value("error_message"),
        reported_at=provider_time(value("time") or None, timezone.get_default_timezone()),
    )
