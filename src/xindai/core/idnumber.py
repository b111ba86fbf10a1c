"""Resident ID numbers (居民身份证号码, GB 11643-1999).

Pure Python, no Django. Error messages are English sentences marked with the no-op ``_`` so
that Django's makemessages extracts them; the Django layer translates ``err.message`` and
formats it with ``err.params``. Messages never contain the ID number itself (personal data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum

from xindai.core.pure import PureError, _


class IdNumberError(PureError):
    """An ID number that cannot be accepted."""


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: Gender
    region_code: str


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_MAP = "10X98765432"
CHINA_TZ = timezone(timedelta(hours=8))  # no DST in China; avoids a tzdata dependency

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_REMOVE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2015\u2212]+")
_SCIENTIFIC = re.compile(r"^[+]?\d+(\.\d*)?E[+]?\d+$", re.IGNORECASE | re.ASCII)
_FLOAT_RENDERING = re.compile(r"^\d{15,18}\.\d*$", re.ASCII)
_VALID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)

MSG_EMPTY = _("Enter the customer's 18-digit resident ID number.")
MSG_STORED_AS_NUMBER = _(
    "The spreadsheet stored the ID number as a number, which keeps only 15 digits and loses "
    "the last ones. Format the ID number column as text, re-enter the numbers from the ID "
    "cards and import the file again."
)
MSG_OLD_FORMAT = _(
    "This is an old 15-digit ID number. The 18-digit resident ID number is required: take it "
    "from the customer's current ID card."
)
MSG_WRONG_LENGTH = _(
    "The ID number has %(length)d characters, but a resident ID number has exactly 18. "
    "Check it against the ID card for missing or extra digits."
)
MSG_INVALID_CHARACTERS = _(
    "The ID number contains characters that are not allowed (%(characters)s). It must be 17 "
    "digits followed by a digit or X; check for letters such as O or I typed instead of 0 or 1."
)
MSG_X_NOT_LAST = _("The letter X may only be the last character of an ID number. Check the number against the ID card.")
MSG_INVALID_BIRTH_DATE = _(
    "The birth date in the ID number (digits 7 to 14: %(date)s) is not a real date. Check "
    "those digits against the ID card."
)
MSG_FUTURE_BIRTH_DATE = _(
    "The birth date in the ID number (%(date)s) is in the future. Check digits 7 to 14 against the ID card."
)
MSG_EARLY_BIRTH_DATE = _(
    "The birth date in the ID number (%(date)s) is before 1900. Check digits 7 to 14 against the ID card."
)
MSG_CHECK_CHARACTER = _(
    "The last character of the ID number does not match the first 17 digits, so the number "
    "contains a typing error. Compare every digit with the ID card and correct it."
)
MSG_CHECK_CHARACTER_000 = _(
    "The last character of the ID number does not match the first 17 digits. The number ends "
    "in 000, which often means a spreadsheet stored it as a number and lost the last digits: "
    "format that column as text and re-enter the number. Otherwise compare every digit with "
    "the ID card."
)
MSG_GENDER_MISMATCH_MALE = _(
    "The ID number belongs to a man, but the gender is female. Check the gender and the ID number."
)
MSG_GENDER_MISMATCH_FEMALE = _(
    "The ID number belongs to a woman, but the gender is male. Check the gender and the ID number."
)


def normalize_id_number(raw: str) -> str:
    """Full-width → half-width, drop all whitespace, zero-width characters and hyphens, a
    leading apostrophe (Excel's "treat as text" prefix), and upper-case x. Does not validate."""
    text = _REMOVE.sub("", raw.translate(_FULLWIDTH))
    return text.removeprefix("'").replace("x", "X")


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character ("0"–"9" or "X") for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdNumberError("wrong_length", MSG_WRONG_LENGTH, length=len(first17))
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_MAP[total % 11]


def gender_from_id(number: str) -> Gender:
    """Gender from the 17th digit of a (possibly unnormalised) 18-digit number: odd = male."""
    digits = normalize_id_number(number)
    if len(digits) != 18:
        raise IdNumberError("wrong_length", MSG_WRONG_LENGTH, length=len(digits))
    if not digits[16].isdigit():
        raise IdNumberError("invalid_characters", MSG_INVALID_CHARACTERS, characters=digits[16])
    return Gender.MALE if int(digits[16]) % 2 else Gender.FEMALE


def check_gender(number: str, gender: Gender | str | None) -> None:
    """Raise ``gender_mismatch`` if a given gender disagrees with the ID number; None skips."""
    if gender is None or gender == "":
        return
    expected = gender_from_id(number)
    if Gender(gender) != expected:
        message = MSG_GENDER_MISMATCH_MALE if expected is Gender.MALE else MSG_GENDER_MISMATCH_FEMALE
        raise IdNumberError("gender_mismatch", message, gender=str(gender), id_gender=str(expected))


def parse_id_number(value: object, *, today: date | None = None) -> IdNumber:
    """Normalise and fully validate an 18-digit ID number (text or a spreadsheet cell).

    Numbers (int, float, Decimal) and their string renderings ("6.20702E+17",
    "620702199001011000.0") are refused with ``stored_as_number``: the spreadsheet has
    already lost the last digits, and we never guess them.
    """
    number = _to_text(value)
    _check_shape(number)
    birth = _birth_date(number, today or datetime.now(CHINA_TZ).date())
    if check_character(number[:17]) != number[17]:
        message = MSG_CHECK_CHARACTER_000 if number.endswith("000") else MSG_CHECK_CHARACTER
        raise IdNumberError("check_character", message)
    return IdNumber(number, birth, gender_from_id(number), number[:6])


def _to_text(value: object) -> str:
    if value is None:
        raise IdNumberError("empty", MSG_EMPTY)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise IdNumberError("stored_as_number", MSG_STORED_AS_NUMBER)
    number = normalize_id_number(value if isinstance(value, str) else str(value))
    if not number:
        raise IdNumberError("empty", MSG_EMPTY)
    if _SCIENTIFIC.match(number) or _FLOAT_RENDERING.match(number):
        raise IdNumberError("stored_as_number", MSG_STORED_AS_NUMBER)
    return number


def _check_shape(number: str) -> None:
    bad = sorted({c for c in number if not ("0" <= c <= "9" or c == "X")})
    if bad:
        raise IdNumberError("invalid_characters", MSG_INVALID_CHARACTERS, characters=" ".join(bad))
    if len(number) == 15:
        raise IdNumberError("old_format", MSG_OLD_FORMAT)
    if len(number) != 18:
        raise IdNumberError("wrong_length", MSG_WRONG_LENGTH, length=len(number))
    if not _VALID_SHAPE.match(number):
        raise IdNumberError("invalid_characters", MSG_X_NOT_LAST)


def _birth_date(number: str, today: date) -> date:
    text = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError("invalid_birth_date", MSG_INVALID_BIRTH_DATE, date=text) from None
    if birth > today:
        raise IdNumberError("birth_date_in_future", MSG_FUTURE_BIRTH_DATE, date=text)
    if birth.year < 1900:
        raise IdNumberError("birth_date_too_early", MSG_EARLY_BIRTH_DATE, date=text)
    return birth


def mask_id_number(number: object) -> str:
    """Mask for display/export: first 4 and last 4 kept (``6207**********123X``).

    Shorter input keeps at most a third at each end, so nothing short is shown in full;
    None or empty gives "". Never raises.
    """
    if number is None:
        return ""
    text = normalize_id_number(str(number))
    keep = min(4, len(text) // 3)
    if keep == 0:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]
