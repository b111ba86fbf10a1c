"""Money and rates as ``Decimal``: rounding, parsing user/Excel input, display, 大写金额.

Pure Python, no Django, never ``float`` arithmetic. Error messages are English sentences
marked with the no-op ``_`` so that Django's makemessages extracts them; the Django layer
translates ``err.message`` and formats it with ``err.params``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from xindai.core.pure import PureError, _


class MoneyError(PureError):
    """An amount or rate that cannot be accepted."""


CENT = Decimal("0.01")
RATE_QUANTUM = Decimal("0.0001")
MAX_WORDS_AMOUNT = Decimal("9999999999999.99")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFFE5: ord("¥")}
_SPACES = re.compile(r"[\s\u200b\ufeff]+")
_NUMBER = re.compile(r"^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(\.[0-9]*)?$", re.ASCII)

MSG_EMPTY = _("Enter an amount in yuan, for example 12,345.60.")
MSG_INVALID = _(
    "The amount is not a number. Enter it in yuan with digits only, for example 12345.60 "
    "or 12,345.60, without 万 or other words."
)
MSG_NEGATIVE = _("The amount cannot be negative. Enter it without a minus sign.")
MSG_TOO_PRECISE = _(
    "The amount has more than 2 decimal places; amounts are in yuan to the fen (0.01). "
    "Correct the amount (in a spreadsheet, round the cell to 2 decimals) and enter it again."
)
MSG_TOO_LARGE = _("The amount is too large. Check it for extra digits.")
MSG_RATE_EMPTY = _("Enter the annual interest rate in percent, for example 4.35.")
MSG_RATE_INVALID = _("The interest rate is not a number. Enter the annual rate in percent, for example 4.35.")
MSG_RATE_NEGATIVE = _("The interest rate cannot be negative.")
MSG_RATE_TOO_PRECISE = _(
    "The interest rate has more than 4 decimal places. Enter the annual rate in percent "
    "with at most 4 decimals, for example 4.3500."
)
MSG_RATE_TOO_HIGH = _(
    "The annual interest rate of %(rate)s%% is above %(maximum)s%%. Enter the rate in "
    "percent, for example 4.35 for 4.35%%."
)
MSG_RATE_FRACTION = _(
    "The annual interest rate of %(rate)s%% is implausibly small; it looks like a fraction "
    "(0.0435) instead of a percent (4.35). Enter the rate in percent; in a spreadsheet, "
    "format the rate column as a plain number, not as a percentage."
)


def round_money(value: Decimal | int | str) -> Decimal:
    """Round half-up (四舍五入) to 0.01; refuses ``float`` (and ``bool``) with TypeError.

    A result of zero is always ``Decimal("0.00")``, never ``-0.00``.
    """
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"round_money() needs Decimal, int or str, not {type(value).__name__}")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
        rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise MoneyError("invalid", MSG_INVALID) from None
    return rounded if rounded else abs(rounded)


def parse_amount(value: object) -> Decimal:
    """Parse an amount a user typed or a spreadsheet cell gave; returns >= 0 with 2 places.

    Text may carry thousands separators (, or ，, in groups of 3), full-width characters,
    spaces, a leading ¥/￥ and a trailing 元. More than 2 decimals is ``too_precise``: user
    input is never rounded silently. A ``float`` is accepted only because spreadsheet
    readers (openpyxl, xlrd) return every non-integral number cell as one: ``str(value)`` is
    the shortest decimal that reads back as the same double, i.e. what Excel shows for
    amounts of up to 15 significant digits, so 1234.56 becomes Decimal("1234.56") exactly
    and no float arithmetic happens. A float that still has more than 2 decimals (e.g. a
    formula result 1234.5600000000002) is refused as ``too_precise`` rather than rounded.
    Codes: empty, invalid, negative, too_precise, too_large.
    """
    amount = _to_decimal(value, _amount_text, MSG_EMPTY, MSG_INVALID)
    if amount.adjusted() > 15:
        raise MoneyError("too_large", MSG_TOO_LARGE)
    if amount < 0:
        raise MoneyError("negative", MSG_NEGATIVE)
    if amount != amount.quantize(CENT):
        raise MoneyError("too_precise", MSG_TOO_PRECISE)
    return round_money(amount)


def parse_rate(value: object, *, maximum: Decimal = Decimal(100), allow_tiny: bool = False) -> Decimal:
    """Parse an annual rate in percent ("4.35", "4.35%", "４．３５％", Decimal, int or a
    spreadsheet float as in ``parse_amount``); returns it quantized to 0.0001.

    Codes: empty, invalid, negative, too_precise (more than 4 decimals), too_high (above
    ``maximum`` percent) and looks_like_fraction: a rate above 0 and below 0.3 % is
    refused unless ``allow_tiny``, because it is almost always 4.35 % entered as 0.0435 —
    which is exactly what a spreadsheet cell formatted as a percentage holds.
    """
    messages = (MSG_RATE_EMPTY, MSG_RATE_INVALID)
    rate = _to_decimal(value, _rate_text, *messages)
    if rate < 0:
        raise MoneyError("negative", MSG_RATE_NEGATIVE)
    if rate > maximum:
        raise MoneyError("too_high", MSG_RATE_TOO_HIGH, rate=f"{rate:f}", maximum=f"{maximum:f}")
    if rate != rate.quantize(RATE_QUANTUM):
        raise MoneyError("too_precise", MSG_RATE_TOO_PRECISE)
    if 0 < rate < Decimal("0.3") and not allow_tiny:
        raise MoneyError("looks_like_fraction", MSG_RATE_FRACTION, rate=f"{rate:f}")
    return rate.quantize(RATE_QUANTUM) + 0  # "+ 0" turns -0 into 0


def _to_decimal(value: object, clean: Callable[[str], str], empty: str, invalid: str) -> Decimal:
    if value is None:
        raise MoneyError("empty", empty)
    if isinstance(value, bool):
        raise MoneyError("invalid", invalid)
    if isinstance(value, float):
        number = Decimal(str(value))  # see parse_amount: shortest round-trip text, no arithmetic
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        text = _SPACES.sub("", value.translate(_FULLWIDTH))
        if not text:
            raise MoneyError("empty", empty)
        number = _text_to_decimal(clean(text), invalid)
    else:
        raise MoneyError("invalid", invalid)
    if not number.is_finite():
        raise MoneyError("invalid", invalid)
    return number


def _amount_text(text: str) -> str:
    text = text.removesuffix("元")
    sign = text[0] if text[:1] in ("-", "+") else ""
    text = text.removeprefix(sign).removeprefix("¥")
    if not sign and text[:1] in ("-", "+"):
        sign, text = text[0], text[1:]
    return sign + text if text else "?"


def _rate_text(text: str) -> str:
    return text.removesuffix("%") or "?"


def _text_to_decimal(text: str, invalid: str) -> Decimal:
    sign, body = (text[0], text[1:]) if text[:1] in ("-", "+") else ("", text)
    if body in ("", ".") or not _NUMBER.match(body):
        raise MoneyError("invalid", invalid)
    return Decimal(sign + body.replace(",", ""))


def format_amount(value: Decimal | int) -> str:
    """``12,345.60`` / ``-12,345.60``: rounded half-up to 0.01, thousands separators."""
    return f"{round_money(value):,.2f}"


def amount_in_words(value: Decimal | int | str) -> str:
    """Chinese capital amount (大写金额) without the 人民币 prefix, per the PBOC rules.

    Rounded half-up to 0.01 first; up to 9,999,999,999,999.99 (above: ``too_large``).
    壹 is always written before 拾 (10 → 壹拾元整); one 零 stands for a run of zeros between
    non-zero digits, also across 万/亿 (10005 → 壹万零伍元整, 100010000 → 壹亿零壹万元整), but
    not for zeros that only end a 万/亿 group (107000 → 壹拾万柒仟元整). 零 is written after
    元 when the 元 digit is 0 and 角 is not (10.50 → 壹拾元零伍角整) and when 角 is 0 and 分
    is not (1.05 → 壹元零伍分); 整 follows 元 or 角 when there is no 分; below one yuan no
    元 is written (0.05 → 伍分, 0.50 → 伍角整); 0 → 零元整; negative → 负 prefix.
    """
    amount = round_money(value)
    if abs(amount) > MAX_WORDS_AMOUNT:
        raise MoneyError("too_large", MSG_TOO_LARGE)
    sign = "负" if amount < 0 else ""
    cents = int(abs(amount) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if jiao == 0 and fen == 0:
        return sign + (_integer_words(yuan) if yuan else "零") + "元整"
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        words += ("零" if yuan and yuan % 10 == 0 else "") + DIGITS[jiao] + "角"
    if fen:
        words += ("零" if yuan and not jiao else "") + DIGITS[fen] + "分"
    return sign + words + ("" if fen else "整")


def _integer_words(n: int) -> str:
    """Capitals for 1 <= n < 10**16: split at 亿, then at 万, then 仟佰拾."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            return _integer_words(high) + unit + _lower_words(low, size)
    return _group_words(n)


def _lower_words(low: int, size: int) -> str:
    if low == 0:
        return ""
    return ("零" if low < size // 10 else "") + _integer_words(low)


def _group_words(n: int) -> str:
    """1..9999 as 仟佰拾 with one 零 per run of inner zeros, none at the end."""
    words, zero = "", False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(words)
            continue
        words += ("零" if zero else "") + DIGITS[digit] + SMALL_UNITS[position]
        zero = False
    return words
