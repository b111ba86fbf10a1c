"""LPR pricing (LPR 定价): the quote a loan's rate comes from, and the dates it is repriced on."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.loans.models import LprQuote, Repricing
from xindai.loans.schedule import add_months

NO_QUOTE = _("No LPR was published before %(date)s; enter the LPR table in the system settings first.")
BAD_QUOTE = _("The LPR must be more than 0 and at most 36 (a percent a year).")
NEGATIVE_RATE = _("The LPR %(lpr)s%% with a spread of %(spread)s basis points gives a negative rate.")
ONE_YEAR, FIVE_YEAR = "one_year", "five_year"


def tenor(start: date, end: date) -> str:
    """The LPR tenor that fits a term: the 5-year LPR for loans of more than five years, else the 1-year."""
    return FIVE_YEAR if end > add_months(start, 60) else ONE_YEAR


def quote_before(day: date, which: str) -> tuple[date, Decimal]:
    """(announced_on, rate) of the LPR last published before `day`."""
    row = LprQuote.objects.filter(announced_on__lt=day).order_by("-announced_on").values_list("announced_on", which)
    found = row.first()
    if found is None:
        raise BusinessError(NO_QUOTE, {"date": day.isoformat()})
    return found


def priced(lpr: Decimal, spread_bp: int) -> Decimal:
    """LPR + spread (basis points, may be negative), as an annual rate in percent."""
    rate = lpr + Decimal(spread_bp) / 100
    if rate < 0:
        raise BusinessError(NEGATIVE_RATE, {"lpr": lpr, "spread": spread_bp})
    return rate


def repricing_dates(start: date, end: date, rule: str) -> list[date]:
    """The contract's repricing dates strictly between start and end: each anniversary of the
    start date, or each 1 January."""
    if rule == Repricing.JANUARY:
        return [date(year, 1, 1) for year in range(start.year + 1, end.year + 1) if start < date(year, 1, 1) < end]
    dates, years = [], 1
    while (day := add_months(start, 12 * years)) < end:
        dates.append(day)
        years += 1
    return dates


def lpr_quote_save(*, actor, announced_on: date, one_year: Decimal, five_year: Decimal) -> LprQuote:
    """Add or correct the LPR announced on a day (系统设置 → LPR)."""
    for value in (one_year, five_year):
        if not Decimal(0) < value <= Decimal(36):
            raise BusinessError(BAD_QUOTE)
    with transaction.atomic(durable=True):
        quote, created = LprQuote.objects.select_for_update().get_or_create(
            announced_on=announced_on, defaults={"one_year": one_year, "five_year": five_year}
        )
        before = {"one_year": quote.one_year, "five_year": quote.five_year}
        quote.one_year, quote.five_year = one_year, five_year
        quote.save()
        audit.record(
            actor,
            AuditAction.LPR_SAVED,
            quote,
            changes={
                "announced_on": announced_on,
                "before": None if created else before,
                "one_year": one_year,
                "five_year": five_year,
            },
        )
    return quote
