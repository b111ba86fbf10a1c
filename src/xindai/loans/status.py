"""Statuses derived from stored amounts and a date (pure: no Django)."""

from datetime import date
from enum import StrEnum


class InstallmentStatus(StrEnum):
    NOT_DUE = "not_due"  # 未到期
    DUE = "due"  # 已到期 (due today)
    OVERDUE = "overdue"  # 逾期
    PARTIAL = "partial"  # 部分还款 (paid in part, not yet overdue)
    SETTLED = "settled"  # 已结清


class LoanStatus(StrEnum):
    NORMAL = "normal"  # 正常
    OVERDUE = "overdue"  # 逾期
    SETTLED = "settled"  # 结清


def installment_status(*, due_date: date, settled_on: date | None, paid_any: bool, as_of: date) -> InstallmentStatus:
    """Status of one installment on `as_of`: settled wins, then overdue (from the day after the
    due date), then due (on the due date), partial, not due."""
    if settled_on is not None and settled_on <= as_of:
        return InstallmentStatus.SETTLED
    if due_date < as_of:
        return InstallmentStatus.OVERDUE
    if due_date == as_of:
        return InstallmentStatus.DUE
    return InstallmentStatus.PARTIAL if paid_any else InstallmentStatus.NOT_DUE
