"""Reading one spreadsheet cell the way people really fill them in (pure: no Django).

Each reader takes what openpyxl gives for a cell (str, int, float, datetime, None) and returns
a clean value or raises ``CellError`` with a message saying what is wrong and what is expected.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from xindai.core import idnumber, money, phone
from xindai.core.pure import PureError, _

FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SPACES = re.compile(r"[\s\u200b\ufeff]+")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
MSG_DATE = _("Not a date. Enter it as 2024-03-05, 2024/3/5, 2024年3月5日 or 20240305.")
MSG_REQUIRED = _("This cell is required.")
MSG_WHOLE = _("Enter a whole number of at least 0, for example 3.")


class CellError(PureError):
    """A cell whose value cannot be accepted."""


def text(value: object) -> str:
    """Cell text with full-width characters made half-width and stray spaces removed at the ends
    (inner runs of spaces become one)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return " ".join(_SPACES.split(str(value).translate(FULLWIDTH))).strip()


def compact(value: object) -> str:
    """Cell text with every space removed (names, codes, labels)."""
    return _SPACES.sub("", text(value))


def required(value: object) -> str:
    result = compact(value)
    if not result:
        raise CellError("required", MSG_REQUIRED)
    return result


def a_date(value: object) -> date:
    """An Excel date or a text date in one of the forms people use."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = compact(value)
    if not raw:
        raise CellError("required", MSG_REQUIRED)
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(raw):
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError("date", MSG_DATE)


def amount(value: object) -> Decimal:
    return _pure(lambda: money.parse_amount(_number_or_text(value)))


def rate(value: object) -> Decimal:
    return _pure(lambda: money.parse_rate(_number_or_text(value)))


def whole(value: object) -> int:
    raw = compact(value)
    if not raw:
        return 0
    if not raw.isdigit():
        raise CellError("whole", MSG_WHOLE)
    return int(raw)


def id_number(value: object) -> str:
    """An ID number; a number cell is accepted only when it still holds all 18 digits intact
    (a whole int whose check character is right) — otherwise the "format as text" error."""
    if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) == 18:
        value = str(value)
    if isinstance(value, str):
        value = value.translate(FULLWIDTH)
    return _pure(lambda: idnumber.parse_id_number(value).number)


def mobile(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _pure(lambda: phone.parse_mobile(value))


def optional_mobile(value: object) -> str:
    return mobile(value) if compact(value) else ""


def landline(value: object) -> str:
    return _pure(lambda: phone.parse_landline(value)) if compact(value) else ""


def _number_or_text(value: object) -> object:
    return value.translate(FULLWIDTH) if isinstance(value, str) else value


def _pure(call):
    try:
        return call()
    except PureError as err:
        raise CellError(err.code, err.message, err.params) from None
