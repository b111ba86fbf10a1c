"""Seed data of the contract terms: the LPR history and the bank calendar.

The LPR (贷款市场报价利率) as reformed on 2019-08-20, at each announcement that changed it
(an announcement that repeats the previous quotes adds nothing: a loan takes the last quote
published before its date). Administrators add new announcements in 系统设置 → LPR.
"""

from datetime import date
from decimal import Decimal

import chinese_calendar

# announced on, 1-year %, 5-year %
_LPR = [
    ("2019-08-20", "4.25", "4.85"),
    ("2019-09-20", "4.20", "4.85"),
    ("2019-11-20", "4.15", "4.80"),
    ("2020-02-20", "4.05", "4.75"),
    ("2020-04-20", "3.85", "4.65"),
    ("2021-12-20", "3.80", "4.65"),
    ("2022-01-20", "3.70", "4.60"),
    ("2022-05-20", "3.70", "4.45"),
    ("2022-08-22", "3.65", "4.30"),
    ("2023-06-20", "3.55", "4.20"),
    ("2023-08-21", "3.45", "4.20"),
    ("2024-02-20", "3.45", "3.95"),
    ("2024-07-22", "3.35", "3.85"),
    ("2024-10-21", "3.10", "3.60"),
    ("2025-05-20", "3.00", "3.50"),
]


def lpr_history() -> list[tuple[date, Decimal, Decimal]]:
    return [(date.fromisoformat(day), Decimal(one), Decimal(five)) for day, one, five in _LPR]


def bank_calendar_days() -> list[tuple[date, str, str]]:
    """(day, "holiday" | "workday", name) for every day the chinese-calendar package knows that is
    not as the week says: holidays on weekdays, 调休 working days on weekends."""
    days = []
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            days.append((day, "holiday", _label(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            days.append((day, "workday", _label(name)))
    return sorted(days)


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _label(holiday) -> str:
    text = str(getattr(holiday, "value", holiday) or "")
    english = text.split(",")[0]
    return _NAMES.get(english, "")


def seed_bank_calendar(model) -> int:
    """Add the package's days that the calendar does not have yet (edits made by hand stay)."""
    have = set(model.objects.values_list("day", flat=True))
    rows = [model(day=day, kind=kind, name=name) for day, kind, name in bank_calendar_days() if day not in have]
    model.objects.bulk_create(rows)
    return len(rows)
