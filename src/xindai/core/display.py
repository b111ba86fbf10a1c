"""Figures in words on every screen, message and SMS the one way ux.md shows them — pure Python.

Amounts 12,345.60 (money.format_amount), rates 4.35%, dates 2026-03-20, times 2026-03-20 09:00.
The template filters (`money`, `rate`) and every message built with %-parameters (BusinessError,
the pure modules' errors, the views' success messages) go through here.
"""

from datetime import date, datetime
from decimal import Decimal

from xindai.core.money import format_amount

RATE_KEYS = ("rate", "spread", "lpr", "markup")


def format_rate(value: Decimal) -> str:
    """4.35% — two decimals at least, up to the four a rate is stored with."""
    number = Decimal(str(value))
    two = number.quantize(Decimal("0.01"))
    return f"{two}%" if two == number else f"{number.normalize():f}%"


NOT_COUNT_KEYS = ("year", "id", "pk", "period", "number", "code")


def format_count(value) -> str:
    """A count with thousands separators: 60,037."""
    return f"{int(value):,}"


def shown(value, key: str = ""):
    """One parameter of a message as it is shown: a Decimal is an amount (or, for a key naming a
    rate, the rate's number without its %), an int a count with thousands separators (unless its key
    names a year, an id or a number), a date ISO, a time to the minute; anything else as is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):  # a count (共60,037期) — not a year, an id or a period's number
        if -1000 < value < 1000 or any(word in NOT_COUNT_KEYS for word in key.split("_")):
            return value  # as is: the same figure, and a %d in a message still takes it
        return format_count(value)
    if isinstance(value, Decimal):
        if any(part in key for part in RATE_KEYS):
            return format_rate(value).removesuffix("%")
        return format_amount(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def shown_params(params: dict) -> dict:
    return {key: shown(value, key) for key, value in params.items()}
