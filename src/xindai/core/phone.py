"""Mainland China mobile and landline numbers, masking and SMS segment counting.

Pure Python, no Django. Error messages are English sentences marked with the no-op ``_`` so
that Django's makemessages extracts them; the Django layer translates ``err.message`` and
formats it with ``err.params``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xindai.core.pure import PureError, _


class PhoneError(PureError):
    """A phone number that cannot be accepted."""


SMS_SINGLE_LIMIT = 70
SMS_PART_LIMIT = 67
CALL_CHARACTERS_PER_SECOND = 4  # text-to-speech reads Chinese at about 240 characters a minute

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SEPARATORS = re.compile(r"[\s\u200b\ufeff\-\u2010-\u2015\u2212()\[\].]+")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_SPREADSHEET_FLOAT = re.compile(r"^([0-9]+)\.0*$")

MSG_MOBILE_EMPTY = _("Enter the 11-digit mobile number.")
MSG_MOBILE_INVALID = _(
    "The mobile number is not valid: it must be 11 digits starting with 13 to 19, for example "
    "13812345678. Check it for missing, extra or mistyped digits."
)
MSG_LANDLINE_EMPTY = _("Enter the landline number.")
MSG_LANDLINE_INVALID = _(
    "The landline number is not valid: enter 7 to 8 digits, with the area code in front if "
    "needed, for example 0936-8212345."
)


def normalize_mobile(raw: str) -> str:
    """Full-width → half-width, drop spaces, hyphens, dots and parentheses, then drop a leading
    +86 / 0086 / 86 country code when 11 digits remain. Does not validate."""
    text = raw.translate(_FULLWIDTH).strip()
    if match := _SPREADSHEET_FLOAT.match(text):
        text = match.group(1)  # "13812345678.0" from a spreadsheet cell
    text = _SEPARATORS.sub("", text)
    text = text.removeprefix("+")
    if len(text) == 15 and text.startswith("0086"):
        return text[4:]
    if len(text) == 13 and text.startswith("86"):
        return text[2:]
    return text


def parse_mobile(value: object) -> str:
    """Return the 11-digit mobile number (``1[3-9]`` + 9 digits) or raise ``PhoneError``
    (codes ``empty``, ``invalid``). Accepts text and whole numbers from spreadsheet cells."""
    number = normalize_mobile(_to_text(value))
    if not number:
        raise PhoneError("empty", MSG_MOBILE_EMPTY)
    if not _MOBILE.match(number):
        raise PhoneError("invalid", MSG_MOBILE_INVALID)
    return number


def parse_landline(value: object) -> str:
    """Leniently accept a landline: 7–12 digits in all, with an optional area code.

    With an area code (3–4 digits starting with 0, written in front with a hyphen, a space or
    parentheses, or run together with the number) the result is ``"0936-8212345"``; without
    one it is the bare digits. After an area code the local number must have 7–8 digits.
    Run-together numbers take a 3-digit area code for 010 and
    02x and a 4-digit one otherwise, as mainland area codes do. Raises ``PhoneError``
    (codes ``empty``, ``invalid``).
    """
    text = _to_text(value).translate(_FULLWIDTH).strip()
    if not text:
        raise PhoneError("empty", MSG_LANDLINE_EMPTY)
    if match := _SPREADSHEET_FLOAT.match(text):
        text = match.group(1)
    text = _SEPARATORS.sub(lambda m: "-" if "-" in m.group() or " " in m.group() else "", text)
    text = text.strip("-")
    area, local = _split_area(text)
    if not local.isascii() or not local.isdigit() or not 7 <= len(area + local) <= 12:
        raise PhoneError("invalid", MSG_LANDLINE_INVALID)
    if area and not 7 <= len(local) <= 8:
        raise PhoneError("invalid", MSG_LANDLINE_INVALID)
    return f"{area}-{local}" if area else local


def _split_area(text: str) -> tuple[str, str]:
    head, sep, tail = text.partition("-")
    if sep and re.fullmatch(r"0[0-9]{2,3}", head, re.ASCII):
        return head, tail.replace("-", "")
    digits = text.replace("-", "")
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        size = 3 if digits[1] in "12" else 4
        return digits[:size], digits[size:]
    return "", digits


def _to_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a whole number from a spreadsheet cell: 11 digits are exact
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def mask_mobile(number: object) -> str:
    """Mask for display/export: ``138****5678`` (first 3 and last 4 of 11 digits).

    Other lengths keep at most a third at each end; None or empty gives "". Never raises.
    """
    if number is None:
        return ""
    text = normalize_mobile(str(number))
    head, tail = (3, 4) if len(text) >= 11 else (len(text) // 3, len(text) // 3)
    if head == 0:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def call_seconds(text: str) -> int:
    """Seconds a text-to-speech call takes to read ``text`` out, estimated at 4 characters a
    second and rounded up (0 for empty text). A call reads the text alone, without the SMS
    signature."""
    return -(-len(text) // CALL_CHARACTERS_PER_SECOND)


def sms_segments(text: str) -> int:
    """Number of SMS messages ``text`` is sent as, by the Chinese rule (domain.md).

    Up to 70 characters is one message; a longer text is split into parts of 67; empty text
    is 0. Characters are counted in UTF-16 code units as the carriers do: a character
    outside the Basic Multilingual Plane (most emoji, rare CJK Extension B characters such
    as some names' characters) counts as 2 and is never split across two parts. The
    caller must include the signature (【银行名】) in ``text``.
    """
    units = [2 if ord(c) > 0xFFFF else 1 for c in text]
    if sum(units) <= SMS_SINGLE_LIMIT:
        return 1 if units else 0
    parts, used = 1, 0
    for size in units:
        if used + size > SMS_PART_LIMIT:
            parts, used = parts + 1, 0
        used += size
    return parts
