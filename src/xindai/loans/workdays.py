"""Working days of the bank calendar (pure: no Django): a due date on a holiday is payable on
the next working day when the loan's terms say 顺延.

A day works when it is a weekday that is not a holiday, or a weekend day that is a 调休
working day.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

POSTPONE = "postpone"
_MAX_WALK = 60  # no holiday run is this long; a calendar that says so is wrong


@dataclass(frozen=True, slots=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def works(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """`day` itself when it works, else the first working day after it."""
        for offset in range(_MAX_WALK):
            candidate = day + timedelta(days=offset)
            if self.works(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_WALK} days of {day}")


def payable_on(due_date: date, holiday_rule: str, calendar: Calendar) -> date:
    """The day an installment due on `due_date` is payable: the next working day under 顺延."""
    if holiday_rule != POSTPONE:
        return due_date
    return calendar.next_working_day(due_date)
