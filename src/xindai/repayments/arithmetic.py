"""Repayment arithmetic: allocating payments, penalty (罚息) and compound (复利) interest.

Pure Python, no Django. Every amount is a ``Decimal`` in yuan with 2 places; products are
computed in a local context of ``_PREC`` digits and only produced amounts are rounded, half-up
(四舍五入), to 0.01. Annual rates are percents (``Decimal("4.35")`` = 4.35 %); the penalty
markup is a fraction (``Decimal("0.5")`` = +50 %). See ``shared/docs/domain.md``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from xindai.core.pure import PureError, _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_PREC = 50
_DAYS_X_PERCENT = Decimal(36000)  # 360 days × 100 (rate is a percent)


class RepaymentError(PureError):
    """A refused repayment computation."""


def _ctx():
    return localcontext(prec=_PREC, rounding=ROUND_HALF_UP)


def _round(value: Decimal) -> Decimal:
    with _ctx():
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _check_decimal(field: str, value: object) -> Decimal:
    if not isinstance(value, Decimal):
        msg = _("%(field)s must be a Decimal, got %(type)s.")
        raise RepaymentError("not_decimal", msg, {"field": field, "type": type(value).__name__})
    if not value.is_finite():
        raise RepaymentError("not_finite", _("%(field)s must be a finite number."), {"field": field})
    return value


def _check_money(field: str, value: object) -> Decimal:
    """Return ``value`` as a 2-place Decimal; refuse floats, >2 decimals and negatives."""
    amount = _check_decimal(field, value)
    with _ctx():
        if amount != amount.quantize(CENT):
            msg = _("%(field)s has more than 2 decimal places: %(value)s.")
            raise RepaymentError("amount_precision", msg, {"field": field, "value": amount})
    _check_not_negative(field, amount)
    return _round(amount)


def _check_not_negative(field: str, value: Decimal) -> None:
    if value < 0:
        msg = _("%(field)s must not be negative (got %(value)s).")
        raise RepaymentError("negative_value", msg, {"field": field, "value": value})


def _check_rates(annual_rate: object, markup: object) -> None:
    _check_not_negative("annual_rate", _check_decimal("annual_rate", annual_rate))
    _check_not_negative("markup", _check_decimal("markup", markup))


@dataclass(frozen=True, slots=True)
class Owed:
    """What is still owed on one installment (penalty and compound as of some date)."""

    principal: Decimal
    interest: Decimal
    penalty: Decimal
    compound: Decimal

    def __post_init__(self) -> None:
        for name in ("principal", "interest", "penalty", "compound"):
            object.__setattr__(self, name, _check_money(name, getattr(self, name)))

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.penalty + self.compound


@dataclass(frozen=True, slots=True)
class Allocation:
    """How a payment was applied to one installment, in the order it is applied."""

    penalty: Decimal
    compound: Decimal
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        return self.penalty + self.compound + self.interest + self.principal


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """What one confirmed payment reduced of an installment's principal and interest.

    Reversed (冲正) payments must be left out by the caller, together with their reversal.
    """

    on: date
    principal: Decimal
    interest: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "principal", _check_money("principal", self.principal))
        object.__setattr__(self, "interest", _check_money("interest", self.interest))


def _check_amount(amount: object) -> Decimal:
    if _check_decimal("amount", amount) <= 0:
        msg = _("The amount must be greater than zero (got %(amount)s).")
        raise RepaymentError("amount_not_positive", msg, {"amount": amount})
    return _check_money("amount", amount)


def _refuse_overpayment(amount: Decimal, owed_total: Decimal) -> None:
    if amount > owed_total:
        msg = _("The amount %(amount)s exceeds the total owed %(owed)s.")
        raise RepaymentError("overpayment", msg, {"amount": amount, "owed": _round(owed_total)})


def _fill(amount: Decimal, owed: Owed) -> tuple[Allocation, Decimal]:
    """Apply up to ``amount`` to ``owed`` in domain order; return it and what is left over."""
    parts = []
    remaining = amount
    for due in (owed.penalty, owed.compound, owed.interest, owed.principal):
        take = min(remaining, due)
        parts.append(_round(take))
        remaining -= take
    return Allocation(*parts), remaining


def allocate(amount: Decimal, owed: Owed) -> Allocation:
    """Split a payment on one installment: penalty, compound, interest, then principal.

    Partial payments are allowed. Raises ``RepaymentError`` with code ``amount_not_positive``
    (amount <= 0), ``amount_precision`` (more than 2 decimals), ``overpayment`` (amount greater
    than ``owed.total``) or ``not_decimal``. The components sum to ``amount`` exactly.
    """
    value = _check_amount(amount)
    _refuse_overpayment(value, owed.total)
    return _fill(value, owed)[0]


def allocate_oldest_first(amount: Decimal, owed_list: Sequence[Owed]) -> list[Allocation]:
    """Split a payment over installments ordered oldest first, settling each before the next.

    Returns one ``Allocation`` per input (zeros for those the amount did not reach). Raises as
    ``allocate`` does; ``overpayment`` compares with the total owed on all installments.
    """
    value = _check_amount(amount)
    _refuse_overpayment(value, sum((o.total for o in owed_list), ZERO))
    result = []
    for owed in owed_list:
        allocation, value = _fill(value, owed)
        result.append(allocation)
    return result


def penalty_rate_daily(annual_rate: Decimal, markup: Decimal) -> Decimal:
    """Daily penalty rate as a fraction, unrounded: annual × (1 + markup) / 100 / 360."""
    _check_rates(annual_rate, markup)
    with _ctx():
        return annual_rate * (1 + markup) / _DAYS_X_PERCENT


def _check_payments(principal_due: Decimal, interest_due: Decimal, payments: Sequence[PaymentEvent]) -> None:
    paid_principal = sum((p.principal for p in payments), ZERO)
    paid_interest = sum((p.interest for p in payments), ZERO)
    if paid_principal > principal_due or paid_interest > interest_due:
        msg = _(
            "Payments of %(paid_principal)s principal and %(paid_interest)s interest exceed "
            "the %(principal_due)s principal and %(interest_due)s interest due."
        )
        params = {
            "paid_principal": paid_principal,
            "paid_interest": paid_interest,
            "principal_due": principal_due,
            "interest_due": interest_due,
        }
        raise RepaymentError("payments_exceed_due", msg, params)


def _overdue_products(
    due_date: date, principal: Decimal, interest: Decimal, payments: Sequence[PaymentEvent], as_of: date
) -> tuple[Decimal, Decimal]:
    """Exact Σ(outstanding × days) for principal and interest from ``due_date`` to ``as_of``."""
    start = due_date
    p_sum = i_sum = Decimal(0)
    with _ctx():
        for event in sorted(payments, key=lambda e: e.on):
            if event.on > as_of:
                break
            if event.on > start:
                days = (event.on - start).days
                p_sum += principal * days
                i_sum += interest * days
                start = event.on
            principal -= event.principal
            interest -= event.interest
        if as_of > start:
            days = (as_of - start).days
            p_sum += principal * days
            i_sum += interest * days
    return p_sum, i_sum


def _apply_rate(product: Decimal, annual_rate: Decimal, markup: Decimal) -> Decimal:
    with _ctx():
        return _round(product * annual_rate * (1 + markup) / _DAYS_X_PERCENT)


def accrued_penalty(
    *,
    due_date: date,
    principal_due: Decimal,
    interest_due: Decimal,
    payments: Sequence[PaymentEvent],
    as_of: date,
    annual_rate: Decimal,
    markup: Decimal,
    compound: bool,
) -> tuple[Decimal, Decimal]:
    """Return (penalty, compound) accrued on one installment from its due date to ``as_of``.

    Totals accrued, before subtracting anything already collected. The bank's reading of the
    rule (按日计息、分段累计): days overdue on D are ``(D - due_date).days``, so nothing accrues
    on or before the due date. The period from the due date to ``as_of`` is split at every
    payment date after the due date; each segment contributes the principal (interest) still
    outstanding during it × its days, a payment counting from its own date on. Payments on or
    before the due date only reduce the starting amounts; payments after ``as_of`` are ignored.

        penalty  = round(Σ principal × days × annual × (1 + markup) / 100 / 360)
        compound = round(Σ interest  × days × annual × (1 + markup) / 100 / 360)

    The sums are exact and each result is rounded once, half-up to 0.01. With
    ``compound=False`` the compound part is 0.00. Raises ``RepaymentError`` for invalid
    amounts or rates and ``payments_exceed_due`` when the payments exceed what was due.
    """
    principal_due = _check_money("principal_due", principal_due)
    interest_due = _check_money("interest_due", interest_due)
    _check_rates(annual_rate, markup)
    _check_payments(principal_due, interest_due, payments)
    p_sum, i_sum = _overdue_products(due_date, principal_due, interest_due, payments, as_of)
    penalty = _apply_rate(p_sum, annual_rate, markup)
    compound_part = _apply_rate(i_sum, annual_rate, markup) if compound else ZERO
    return penalty, compound_part


def interest_for_days(principal: Decimal, days: int, annual_rate: Decimal) -> Decimal:
    """Ordinary interest round(P × days × annual / 100 / 360), e.g. for full early repayment."""
    principal = _check_money("principal", principal)
    _check_rates(annual_rate, Decimal(0))
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        msg = _("The number of days must be a whole number >= 0 (got %(days)s).")
        raise RepaymentError("invalid_days", msg, {"days": days})
    with _ctx():
        return _apply_rate(principal * days, annual_rate, Decimal(0))


def days_late(paid_on: date, due_date: date) -> int:
    """Days a payment came after the installment's due date; 0 on or before it."""
    return max((paid_on - due_date).days, 0)


def penalty_from_totals(
    *,
    principal_owed: Decimal,
    interest_owed: Decimal,
    days_overdue: int,
    late_principal_days: Decimal,
    late_interest_days: Decimal,
    annual_rate: Decimal,
    markup: Decimal,
    compound: bool,
) -> tuple[Decimal, Decimal]:
    """(penalty, compound) accrued, from an installment's running totals instead of its payments.

    ``late_principal_days`` is Σ principal paid × ``days_late`` of each payment (likewise for
    interest). For an ``as_of`` on or after the last payment, with ``days_overdue`` = (as_of −
    due_date).days, Σ outstanding × days over the segments equals ``owed × days_overdue +
    late_days``, so this returns exactly what ``accrued_penalty`` returns. The SQL of the due
    and overdue lists computes the same expression, rounded the same way.
    """
    penalty = accrual(principal_owed, days_overdue, late_principal_days, annual_rate, markup)
    compound_part = accrual(interest_owed, days_overdue, late_interest_days, annual_rate, markup) if compound else ZERO
    return penalty, compound_part


def accrual(owed: Decimal, days_overdue: int, late_days: Decimal, annual_rate: Decimal, markup: Decimal) -> Decimal:
    """round((owed × days_overdue + late_days) × annual × (1 + markup) / 36000); 0 when not overdue."""
    owed = _check_money("owed", owed)
    _check_rates(annual_rate, markup)
    if days_overdue <= 0:
        return ZERO
    with _ctx():
        product = owed * days_overdue + _check_decimal("late_days", late_days)
    return _apply_rate(product, annual_rate, markup)
