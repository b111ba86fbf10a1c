"""Masking personal data (个人信息保护法) — the one function every output goes through.

Users without `customers.view_personal` see ID numbers as `6207**********123X`, mobiles as
`138****5678`, a birth date only as an age in years, no house number, and a spouse only as a
surname; on every page, pop-up, export, print, report key, chart, message log and audit log.
The mask cannot be undone by what sits next to it: the birth date (which is inside the ID
number) and the house number go too, and searches by such a user match only what the mask
shows (`searchable`). A "user" is anything with `has_perm` (a system scope sees everything
only where a caller says so: these functions never unmask for it).
"""

import re
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from xindai.core.idnumber import mask_id_number
from xindai.core.phone import mask_mobile

PERSONAL_PERMISSION = "customers.view_personal"

# The kinds of personal value, by the field names the models and the audit log use.
KINDS = {
    "id_number": "id_number",
    "mobile": "mobile",
    "spouse_mobile": "mobile",
    "landline": "mobile",
    "recipient": "mobile",
    "number": "mobile",
    "birth_date": "birth_date",
    "house_number": "house_number",
    "spouse_name": "name",
}

# How many characters at the end of an ID number / mobile the mask shows: the only part a
# user without the permission may search by.
VISIBLE_TAIL = 4

_ID_IN_TEXT = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def sees_personal(user: Any) -> bool:
    """With the permission; and a named system scope (the worker sends to the full number, an
    operator's command reads the whole bank)."""
    if getattr(user, "sees_everything", False):
        return True
    return bool(user is not None and getattr(user, "has_perm", None) and user.has_perm(PERSONAL_PERMISSION))


def mask(kind: str, value: Any, *, today: date | None = None) -> str:
    """`value` as a user without the permission sees it. `kind`: a key or value of KINDS."""
    if value is None or value == "":
        return ""
    kind = KINDS.get(kind, kind)
    if kind == "id_number":
        return mask_id_number(value)
    if kind == "mobile":
        return mask_mobile(value)
    if kind == "birth_date":
        return _age(value, today or date.today())  # noqa: DTZ011 - an age in whole years
    if kind == "house_number":
        return "***"
    if kind == "name":
        text = str(value)
        return text[:1] + "*" * max(len(text) - 1, 1)
    if kind == "text":
        return mask_text(str(value))
    raise ValueError(f"unknown personal kind {kind!r}")


def shown(user: Any, kind: str, value: Any, *, today: date | None = None) -> Any:
    """`value` as `user` may see it: in full with the permission, else masked."""
    if sees_personal(user):
        return value
    return mask(kind, value, today=today)


def mask_text(text: str) -> str:
    """Free text (an audit value, an SMS) with every ID number and mobile in it masked."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group(0)), text)


def mask_changes(changes: dict, *, today: date | None = None) -> dict:
    """An audit row's {field: [old, new]} (or {field: value}) with personal fields masked and
    numbers inside other values masked too."""
    return {key: _mask_value(key, value, today) for key, value in (changes or {}).items()}


def shown_changes(user: Any, changes: dict) -> dict:
    return changes if sees_personal(user) else mask_changes(changes)


def searchable(user: Any, kind: str, fragment: str) -> bool:
    """Whether `user` may search `kind` ("id_number", "mobile") by `fragment`: in full with the
    permission; without it, only by the tail the mask shows (a longer fragment would undo it)."""
    return sees_personal(user) or len(fragment) <= VISIBLE_TAIL


def number_search(user: Any, kind: str, fields: list[str], number: str, partial: str = "endswith") -> Q:
    """The filter for a personal number typed into a search: the whole number matches any of
    `fields`; a fragment matches by `partial` with the permission, and without it only the tail
    the mask shows (at most VISIBLE_TAIL characters: a longer fragment matches nothing)."""
    whole = 18 if KINDS.get(kind, kind) == "id_number" else 11
    full = sees_personal(user)
    if not searchable(user, kind, number):
        return Q(pk__in=[])
    lookup = "exact" if len(number) == whole else partial if full else "endswith"
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__{lookup}": number})
    return query


def _mask_value(key: str, value: Any, today: date | None) -> Any:
    if isinstance(value, list | tuple):
        return [_mask_value(key, item, today) for item in value]
    if isinstance(value, dict):
        return mask_changes(value, today=today)
    if key in KINDS and value not in (None, ""):
        return mask(key, value if KINDS[key] != "birth_date" else _as_date(value), today=today)
    if isinstance(value, str):
        return mask_text(value)
    return value


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _age(value: Any, today: date) -> str:
    if not isinstance(value, date):
        return "**"
    years = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    return gettext("%(years)s years old") % {"years": years}
