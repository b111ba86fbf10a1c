"""Repayment schedule engine (还款计划): pure Python, ``Decimal`` only, no Django.

Implements docs/domain.md, "Money, rates, dates" and "Repayment methods". Every amount is
rounded half-up to 0.01 where it is produced; intermediate maths runs at ``PRECISION``
significant digits and never touches ``float``. Invalid input raises ``ScheduleError``
(a user-facing problem) or ``TypeError`` (a float, a datetime or another programming error).
"""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from itertools import pairwise

from xindai.core.pure import PureError, _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000.00")
MAX_RATE = Decimal("36")
PRECISION = 60


class Method(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"
    EQUAL_PRINCIPAL = "equal_principal"
    MONTHLY_INTEREST = "monthly_interest"
    QUARTERLY_INTEREST = "quarterly_interest"
    BULLET = "bullet"
    CUSTOM = "custom"


METHOD_LABELS: dict[Method, str] = {
    Method.EQUAL_INSTALLMENT: "等额本息",
    Method.EQUAL_PRINCIPAL: "等额本金",
    Method.MONTHLY_INTEREST: "按月付息到期还本",
    Method.QUARTERLY_INTEREST: "按季付息到期还本",
    Method.BULLET: "利随本清",
    Method.CUSTOM: "自定义",
}
AMORTIZING = frozenset({Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL})
# Months whose settlement day is an interest date (interest-only methods and bullet).
SETTLEMENT_MONTHS: dict[Method, frozenset[int]] = {
    Method.MONTHLY_INTEREST: frozenset(range(1, 13)),
    Method.QUARTERLY_INTEREST: frozenset({3, 6, 9, 12}),
    Method.BULLET: frozenset(),
}


class ScheduleError(PureError):
    """A loan's terms cannot produce a schedule."""


def _fail(code: str, message: str, **params: object) -> ScheduleError:
    return ScheduleError(code, message, {key: str(value) for key, value in params.items()})


@dataclass(frozen=True, slots=True)
class Installment:
    """One row of a schedule; ``balance`` is the principal still owed after it."""

    period: int
    start_date: date
    due_date: date
    principal: Decimal
    interest: Decimal
    balance: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest

    @property
    def days(self) -> int:
        return (self.due_date - self.start_date).days


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not Decimal(value).is_finite():
        raise TypeError(f"{name} must be a finite Decimal, not {value}")
    return Decimal(value)


def _date(value: object, name: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _is_money(value: Decimal) -> bool:
    """True for 0 < value <= MAX_AMOUNT with at most two decimal places."""
    return 0 < value <= MAX_AMOUNT and value == value.quantize(CENT)


def method_from_label(text: object) -> Method:
    """Return the Method named by a Chinese label or a code (surrounding spaces ignored)."""
    if isinstance(text, Method):
        return text
    key = text.strip() if isinstance(text, str) else ""
    for method, label in METHOD_LABELS.items():
        if key == label or key.lower() == method.value:
            return method
    raise _fail(
        "unknown_method",
        _('"%(value)s" is not a repayment method; choose one of: %(choices)s.'),
        value=str(text)[:60],
        choices="、".join(METHOD_LABELS.values()),
    )


def _check_amount(amount: object) -> Decimal:
    value = _decimal(amount, "amount")
    if value <= 0:
        raise _fail(
            "amount_not_positive", _("The loan amount must be greater than zero (got %(amount)s)."), amount=value
        )
    if value > MAX_AMOUNT:
        raise _fail(
            "amount_too_large",
            _("The loan amount %(amount)s yuan is above the limit of %(limit)s yuan; please check the figure."),
            amount=_yuan(value),
            limit=_yuan(MAX_AMOUNT),
        )
    if not _is_money(value):
        raise _fail(
            "amount_too_precise",
            _("The loan amount %(amount)s has more than two decimal places; amounts are in yuan to the fen (0.01)."),
            amount=value,
        )
    return value.quantize(CENT)


def _check_rate(annual_rate: object) -> Decimal:
    rate = _decimal(annual_rate, "annual_rate")
    if rate < 0:
        raise _fail("rate_negative", _("The annual interest rate cannot be negative (got %(rate)s%%)."), rate=rate)
    if rate > MAX_RATE:
        raise _fail(
            "rate_too_high",
            _(
                "The annual interest rate %(rate)s%% is above the limit of %(limit)s%%. "
                "Rates are entered as a percent per year (4.35 means 4.35%%); please "
                "check the figure."
            ),
            rate=rate,
            limit=MAX_RATE,
        )
    return rate


def _check_period(start: date, end: date) -> None:
    if _date(end, "end") <= _date(start, "start"):
        raise _fail(
            "end_not_after_start",
            _("The end date %(end)s must be after the start date %(start)s."),
            start=start,
            end=end,
        )


def _check_settlement_day(day: object) -> int:
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise _fail(
            "settlement_day",
            _("The interest settlement day must be a day of the month from 1 to 28 (got %(day)s)."),
            day=day,
        )
    return day


def add_months(d: date, months: int) -> date:
    """Return ``d`` plus ``months`` calendar months, the day clamped to the month's last day."""
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def monthly_due_dates(start: date, end: date) -> list[date]:
    """Return start + k months for k = 1..n, where start + n months == end and n >= 1.

    Each date is computed from ``start`` (31 Jan gives 28/29 Feb, 31 Mar, 30 Apr, ...).
    Raises ScheduleError "term_not_whole_months" (suggesting the nearest valid end date).
    """
    _check_period(start, end)
    n = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, n) != end:
        if add_months(start, n) > end:
            n -= 1  # now start + n months < end < start + (n + 1) months, with n >= 0
        options = [add_months(start, k) for k in (n, n + 1) if k >= 1]
        raise _fail(
            "term_not_whole_months",
            _(
                "The term from %(start)s to %(end)s is not a whole number of months; for "
                "this repayment method the end date must be the start date plus a whole "
                "number of months (for example %(suggestion)s)."
            ),
            start=start,
            end=end,
            suggestion=min(options, key=lambda d: abs((d - end).days)),
        )
    return [add_months(start, k) for k in range(1, n + 1)]


def settlement_dates(start: date, end: date, method: Method | str, settlement_day: int = 20) -> list[date]:
    """Return the interest dates of an interest-only or bullet loan, ``end`` last.

    They are the ``settlement_day`` of every month (monthly_interest), of March, June,
    September and December (quarterly_interest) or of no month (bullet), strictly after
    ``start`` and strictly before ``end``; then ``end`` itself.
    """
    method = method_from_label(method)
    if method not in SETTLEMENT_MONTHS:
        raise _not_applicable(method)
    _check_settlement_day(settlement_day)
    _check_period(start, end)
    dates = []
    for index in range(start.year * 12 + start.month - 1, end.year * 12 + end.month):
        year, month0 = divmod(index, 12)
        candidate = date(year, month0 + 1, settlement_day)
        if month0 + 1 in SETTLEMENT_MONTHS[method] and start < candidate < end:
            dates.append(candidate)
    return [*dates, end]


def _not_applicable(method: Method) -> ScheduleError:
    return _fail(
        "method_not_applicable",
        _("The repayment method %(method)s cannot be used for this calculation."),
        method=METHOD_LABELS[method],
    )


def _annuity(amount: Decimal, rate: Decimal, n: int) -> Decimal:
    """A = round(P·r·(1+r)^n / ((1+r)^n − 1)), round(P / n) if r = 0; call at PRECISION."""
    if rate == 0:
        return _round(amount / n)
    growth = (1 + rate / 1200) ** n
    return _round(amount * rate / 1200 * growth / (growth - 1))


def amortize(
    *, amount: Decimal, annual_rate: Decimal, start: date, due_dates: Iterable[date], method: Method | str
) -> list[Installment]:
    """Return the 等额本息 or 等额本金 schedule of ``amount`` over explicit due dates.

    ``start`` is the date interest accrues from (the first row's start_date), ``due_dates``
    the strictly increasing dates after it. Each period's interest is round(balance ×
    annual_rate / 1200), whatever its length. Raises ScheduleError "negative_installment"
    when rounding to the fen would make any principal or balance negative (absurd terms).
    """
    method = method_from_label(method)
    if method not in AMORTIZING:
        raise _not_applicable(method)
    principal_total, rate = _check_amount(amount), _check_rate(annual_rate)
    dates = [_date(d, "due date") for d in due_dates]
    if not dates or any(b <= a for a, b in pairwise([_date(start, "start"), *dates])):
        raise _fail(
            "due_dates", _("The due dates must be given, fall after %(start)s and be strictly increasing."), start=start
        )
    n, balance, previous = len(dates), principal_total, start
    rows: list[Installment] = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        equal_total = method is Method.EQUAL_INSTALLMENT
        # The equal payment A (等额本息) or the equal principal share round(P / n) (等额本金).
        fixed = _annuity(principal_total, rate, n) if equal_total else _round(principal_total / n)
        for period, due in enumerate(dates, start=1):
            interest = _round(balance * rate / 1200)
            principal = fixed - interest if equal_total else fixed
            principal = balance if period == n else principal
            if not 0 <= principal <= balance:
                raise _fail(
                    "negative_installment",
                    _(
                        "Rounding every installment to the fen (0.01 yuan) would leave a "
                        "negative installment for %(amount)s yuan over %(count)s "
                        "installments at %(rate)s%%; choose a larger amount, a shorter "
                        "term or another repayment method."
                    ),
                    amount=_yuan(principal_total),
                    count=n,
                    rate=rate,
                )
            balance -= principal
            rows.append(Installment(period, previous, due, principal, interest, balance))
            previous = due
    return rows


def _check_plan(
    plan: Sequence[tuple[date, Decimal]] | None, amount: Decimal, start: date, end: date
) -> list[tuple[date, Decimal]]:
    if not plan:
        raise _fail(
            "custom_plan_missing",
            _(
                "A custom repayment plan needs at least one date with a principal "
                "amount, the last on the loan end date."
            ),
        )
    rows: list[tuple[date, Decimal]] = []
    for plan_date, value in plan:
        day, principal = _date(plan_date, "plan date"), _decimal(value, "plan amount")
        previous = rows[-1][0] if rows else start
        if not _is_money(principal):
            raise _fail(
                "custom_plan_amount",
                _("The principal amount %(amount)s on %(date)s must be greater than zero, in yuan to the fen (0.01)."),
                amount=principal,
                date=day,
            )
        if day <= start:
            raise _fail(
                "custom_plan_dates",
                _("The plan date %(date)s must be after the loan start date %(start)s."),
                date=day,
                start=start,
            )
        if day <= previous:
            raise _fail(
                "custom_plan_dates",
                _("The plan dates must be in strictly increasing order: %(date)s comes after %(previous)s."),
                date=day,
                previous=previous,
            )
        rows.append((day, principal.quantize(CENT)))
    if rows[-1][0] != end:
        raise _fail(
            "custom_plan_dates",
            _("The last plan date %(date)s must be the loan end date %(end)s."),
            date=rows[-1][0],
            end=end,
        )
    if (total := sum((p for _d, p in rows), Decimal("0.00"))) != amount:
        raise _fail(
            "custom_plan_sum",
            _(
                "The principal amounts of the custom plan add up to %(plan_total)s yuan "
                "but the loan amount is %(amount)s yuan; they must be equal."
            ),
            plan_total=_yuan(total),
            amount=_yuan(amount),
        )
    return rows


def _daily_interest(
    amount: Decimal,
    rate: Decimal,
    start: date,
    plan: list[tuple[date, Decimal]],
    earlier: tuple[Decimal, date] | None = None,
) -> list[Installment]:
    """积数计息法: a period's interest is round(balance × days × annual_rate / 36000).

    ``earlier`` = (rate, until): the days of the first period before ``until`` run at that rate
    (a rate change in the middle of a period, 分段计息), rounded once with the rest."""
    balance, previous = amount, start
    rows: list[Installment] = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for period, (due, principal) in enumerate(plan, start=1):
            product = (due - previous).days * rate
            if earlier is not None and period == 1 and previous < earlier[1] < due:
                product = (earlier[1] - previous).days * earlier[0] + (due - earlier[1]).days * rate
            interest = _round(balance * product / 36000)
            balance -= principal
            rows.append(Installment(period, previous, due, principal, interest, balance))
            previous = due
    return rows


def generate_schedule(
    *,
    amount: Decimal,
    annual_rate: Decimal,
    start: date,
    end: date,
    method: Method | str,
    settlement_day: int = 20,
    custom_plan: Sequence[tuple[date, Decimal]] | None = None,
) -> list[Installment]:
    """Validate a loan's terms and return its repayment schedule per docs/domain.md.

    A result always has: principal summing to ``amount`` exactly, every amount >= 0 with
    two decimal places, due dates strictly increasing, the last on ``end`` with balance 0.
    ``method`` may be a Method, a code or a Chinese label. Invalid terms raise ScheduleError.
    """
    method = method_from_label(method)
    principal, rate = _check_amount(amount), _check_rate(annual_rate)
    _check_period(start, end)
    _check_settlement_day(settlement_day)
    if method in AMORTIZING:
        return amortize(
            amount=principal, annual_rate=rate, start=start, method=method, due_dates=monthly_due_dates(start, end)
        )
    if method is Method.CUSTOM:
        return _daily_interest(principal, rate, start, _check_plan(custom_plan, principal, start, end))
    if custom_plan:
        raise _fail(
            "custom_plan_unexpected",
            _(
                "A custom repayment plan was given but the repayment method is "
                "%(method)s; choose %(custom)s to use the plan."
            ),
            method=METHOD_LABELS[method],
            custom=METHOD_LABELS[Method.CUSTOM],
        )
    dates = settlement_dates(start, end, method, settlement_day)
    plan = [(d, Decimal("0.00")) for d in dates[:-1]] + [(end, principal)]
    return _daily_interest(principal, rate, start, plan)


def regenerate(
    *,
    amount: Decimal,
    annual_rate: Decimal,
    start: date,
    due_dates: Sequence[date],
    method: Method | str,
    principals: Sequence[Decimal] | None = None,
    earlier: tuple[Decimal, date] | None = None,
) -> list[Installment]:
    """The rest of a plan after part of the principal was repaid early (提前还款), or from a
    change of rate (``earlier``: the rate before and the date the new one runs from, inside the
    first period; daily-interest methods split that period's days, 分段计息).

    ``amount`` is the principal still owed, ``start`` the date interest on it runs from (the
    start of the current period) and ``due_dates`` the remaining due dates of the plan, the
    loan's end date last: the same method and end date, as domain.md says. 等额本息/等额本金
    re-amortize over the remaining dates; interest-only methods and 利随本清 keep their interest
    dates with all principal at the end; a custom plan keeps its dates and amounts, the early
    repayment taken off its last amounts first (``principals``: the remaining amounts before).
    Periods are numbered from 1; the caller renumbers them.
    """
    method = method_from_label(method)
    principal, rate = _check_amount(amount), _check_rate(annual_rate)
    dates = [_date(d, "due date") for d in due_dates]
    if not dates or any(b <= a for a, b in pairwise([_date(start, "start"), *dates])):
        raise _fail(
            "due_dates", _("The due dates must be given, fall after %(start)s and be strictly increasing."), start=start
        )
    if method in AMORTIZING:
        return amortize(amount=principal, annual_rate=rate, start=start, due_dates=dates, method=method)
    if method is Method.CUSTOM:
        if principals is None or len(principals) != len(dates):
            raise TypeError("a custom plan needs the remaining principal amounts, one per due date")
        excess = sum(principals, Decimal("0.00")) - principal
        amounts = list(principals)
        for index in range(len(amounts) - 1, -1, -1):
            take = min(excess, amounts[index])
            amounts[index] -= take
            excess -= take
        plan = list(zip(dates, amounts, strict=True))
    else:
        plan = [(d, Decimal("0.00")) for d in dates[:-1]] + [(dates[-1], principal)]
    return _daily_interest(principal, rate, start, plan, earlier)
