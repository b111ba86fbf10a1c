"""Borrowers' replies (短信上行) as the providers push them, read into ``InboundSms``.

- Aliyun SmsUp, "HTTP batch push" (HTTP批量推送, https://help.aliyun.com/zh/sms/developer-reference/smsup-http,
  also document_detail/101847): a POST of a JSON array of replies with phone_number, content,
  send_time ("2017-09-01 00:00:00", Beijing time), dest_code (the extension number), sequence_id
  (a number in older pages, a string in newer ones) and, in older pages, sign_name. Answered with
  ``{"code": 0, "msg": ...}``; otherwise Aliyun pushes again after 1, 5 and 10 minutes.
- Tencent Cloud SMS reply callback (短信回复, https://cloud.tencent.com/document/product/382/59179,
  also /document/api/382/5809): a POST of one JSON object with mobile, nationcode, text, sign,
  extend and time (Unix seconds); answered with ``{"result": 0, "errmsg": "OK"}``. The documented
  callback carries no id of the reply: a ``sid`` is used if one ever comes.
- A generic platform (a bank's own 短信平台): a JSON object, a JSON array, or a form; the field
  names are configuration (``fields``: ours=theirs for sender, text, id, time; ``list``, the dotted
  path of the array in a JSON push or the form field holding it as JSON). Answered with "OK".

Each reply gets a ``provider_id`` that is the same when a push is delivered again (the database
keeps one message per provider and id): the provider's own id (Aliyun's sequence_id, a sid, the
configured id field), else a digest of the sender, time and text ("h:" and 32 hex digits), and
for a generic push without a time, a digest of the whole item. The text is kept exactly as sent:
full-width letters and punctuation (１、ＴＤ、，) are for intent recognition to read, not for us to change.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message as HeaderParser
from typing import Any
from urllib.parse import parse_qsl

from django.utils import timezone

from xindai.messaging.backends.config import ConfigError, provider_time
from xindai.messaging.backends.http import dig


@dataclass(frozen=True, slots=True)
class InboundSms:
    provider_id: str  # the provider's id of this reply, or a digest stable across redeliveries
    sender: str  # 11-digit mainland mobile (+86 / 86 / 0086 / spaces removed); +<code><number> elsewhere
    text: str  # exactly as sent
    received_at: datetime | None
    extra: dict = field(default_factory=dict)  # sign name, extension code, nation code ...


ANSWERS = {
    "aliyun": (200, "application/json", '{"code": 0, "msg": "成功"}'),
    "tencent": (200, "application/json", '{"result": 0, "errmsg": "OK"}'),
    "http": (200, "text/plain", "OK"),
}

HTTP_FIELDS = frozenset({"sender", "text", "id", "time", "list"})


def parse_aliyun(body: bytes, content_type: str) -> list[InboundSms]:
    """An Aliyun SmsUp push: a JSON array of replies."""
    items = _json(body, "an Aliyun SmsUp push")
    if not isinstance(items, list):
        raise ValueError("an Aliyun SmsUp push is a JSON array of replies")
    replies = []
    for item in items:
        if not isinstance(item, dict) or not {"phone_number", "content"} <= item.keys():
            raise ValueError(f"not an SmsUp reply: {str(item)[:200]}")
        sender, text = normalise_sender(item["phone_number"]), _text(item["content"], "content")
        sent = _scalar(item.get("send_time"))
        sequence = _scalar(item.get("sequence_id"))
        replies.append(
            InboundSms(
                provider_id=sequence or digest(sender, sent, text),
                sender=sender,
                text=text,
                received_at=provider_time(sent or None),
                extra=_extra(item, "phone_number", "content", "send_time"),
            )
        )
    return replies


def parse_tencent(body: bytes, content_type: str) -> list[InboundSms]:
    """A Tencent SMS reply callback: one JSON object (a list of them is read too)."""
    document = _json(body, "a Tencent SMS reply callback")
    items = document if isinstance(document, list) else [document]
    replies = []
    for item in items:
        if not isinstance(item, dict) or not {"mobile", "text"} <= item.keys():
            raise ValueError(f"not a Tencent SMS reply: {str(item)[:200]}")
        nation = _scalar(item.get("nationcode")) or "86"
        mobile = _scalar(item["mobile"])
        sender = normalise_sender(mobile if nation == "86" else f"+{nation}{mobile.lstrip('+')}")
        text, sent = _text(item["text"], "text"), _scalar(item.get("time"))
        replies.append(
            InboundSms(
                provider_id=_scalar(item.get("sid")) or digest(sender, sent, text),
                sender=sender,
                text=text,
                received_at=provider_time(sent or None),
                extra=_extra(item, "mobile", "text", "time", "sid"),
            )
        )
    return replies


def parse_http(body: bytes, content_type: str, fields: Mapping[str, str]) -> list[InboundSms]:
    """A generic platform's push: a JSON object or array, or a form, with configured field names.

    `fields` maps ours to theirs: sender and text are required, id and time optional (a dotted
    path reaches into nested JSON: "from.mobile"); list is where the replies sit in a JSON push
    ("data.replies"), or for a form the field that holds them as JSON. Times without a zone are
    in the bank's time zone (settings.TIME_ZONE), like the platform's delivery reports.
    """
    names = {ours: theirs.strip() for ours, theirs in fields.items() if theirs and theirs.strip()}
    unknown = sorted(set(names) - HTTP_FIELDS)
    if unknown:
        allowed = ", ".join(sorted(HTTP_FIELDS))
        raise ConfigError(f"SMS_HTTP_INBOUND_FIELDS: unknown names {', '.join(unknown)} (use {allowed}).")
    if not {"sender", "text"} <= names.keys():
        raise ConfigError("SMS_HTTP_INBOUND_FIELDS must name the platform's fields for the sender and the text.")
    replies = []
    for item in _http_items(body, content_type, names.get("list", "")):
        sender_value, text_value = dig(item, names["sender"]), dig(item, names["text"])
        if sender_value is None or text_value is None:
            raise ValueError(f"a reply without {names['sender']!r} or {names['text']!r}: {str(item)[:200]}")
        sender, text = normalise_sender(sender_value), _text(text_value, names["text"])
        sent = _scalar(dig(item, names["time"])) if "time" in names else ""
        own_id = _scalar(dig(item, names["id"])) if "id" in names else ""
        if own_id:
            provider_id = own_id
        elif sent:
            provider_id = digest(sender, sent, text)
        else:  # nothing but the item itself tells two equal replies apart
            provider_id = digest(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str))
        used = {names[key].split(".")[0] for key in ("sender", "text", "id", "time") if key in names}
        replies.append(
            InboundSms(
                provider_id=provider_id,
                sender=sender,
                text=text,
                received_at=provider_time(sent or None, timezone.get_default_timezone()),
                extra=_extra(item, *used),
            )
        )
    return replies


def normalise_sender(value: object) -> str:
    """13800138000 from "+86 138-0013-8000", "8613800138000", "0086 13800138000"; ValueError for no number.

    A number of another country keeps its code as +<code><number>; a landline keeps its 0.
    """
    raw = _scalar(value)
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not digits or len(digits) > 20 or any(not (ch.isdigit() or ch in "+-() ") for ch in raw):
        raise ValueError(f"{raw!r} is not a phone number")
    international = raw.startswith(("+", "00"))
    if raw.startswith("00"):
        digits = digits[2:]
    if digits.startswith("86") and (international or len(digits) == 13):
        return digits[2:]
    return f"+{digits}" if international else digits


def digest(*parts: str) -> str:
    """A stable id for a reply the provider gave none: the same parts, the same id."""
    return "h:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{what} is JSON: {error}") from None


def _scalar(value: object) -> str:
    """A string, number or nothing as text; ValueError for an object or a list where a value belongs."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{str(value)[:100]!r} is not a single value")
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def _text(value: object, name: str) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"{name}={str(value)[:100]!r} is not text")
    return str(value)


def _extra(item: dict, *used: str) -> dict:
    return {key: value for key, value in item.items() if key not in used}


def _encodings(content_type: str) -> list[str]:
    """The declared charset, then UTF-8, then GB18030 (older platforms send GBK without saying so)."""
    header = HeaderParser()
    header["Content-Type"] = content_type or ""
    return list(dict.fromkeys(filter(None, (header.get_content_charset(), "utf-8", "gb18030"))))


def _decode(body: bytes, encodings: list[str]) -> str:
    for encoding in encodings:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise ValueError("the push is not text in a known encoding")


def _form(text: str, encodings: list[str]) -> dict[str, str]:
    for encoding in encodings:  # the percent-encoded bytes are in the same encoding as a raw body
        try:
            return dict(parse_qsl(text, keep_blank_values=True, encoding=encoding, errors="strict"))
        except (LookupError, UnicodeDecodeError):
            continue
    raise ValueError("the form's values are not text in a known encoding")


def _http_items(body: bytes, content_type: str, path: str) -> list[dict[str, Any]]:
    encodings = _encodings(content_type)
    text = _decode(body, encodings).strip()
    if not text:
        raise ValueError("an empty push")
    if "json" in content_type.lower() or text.startswith(("[", "{")):
        try:
            document: Any = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"the push is not valid JSON: {error}") from None
    else:
        document = _form(text, encodings)
        if not document or any(not name for name in document):
            raise ValueError("the push is neither JSON nor a form")
        if path:  # a form field holding the replies as JSON (e.g. mo=[...])
            field_name, _, path = path.partition(".")
            try:
                document = json.loads(document.get(field_name, ""))
            except json.JSONDecodeError:
                raise ValueError(f"the form field {field_name!r} does not hold JSON replies") from None
    if path:
        document = dig(document, path)
    items = document if isinstance(document, list) else [document]
    if not all(isinstance(item, dict) for item in items):
        raise ValueError("a push holds objects (JSON) or fields (a form)")
    return items
