"""Loan quality: overdue buckets (逾期区间), five-category suggestion (五级分类), NPL ratio.

Pure Python, no Django. Rules: "Loan quality" in ``shared/docs/domain.md``.
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from xindai.core.pure import PureError, _


class QualityError(PureError):
    """Refused classification thresholds or NPL figures."""


RATIO_PLACES = Decimal("0.0001")


class OverdueBucket(StrEnum):
    """Overdue bucket used by every report; the value is a stable code."""

    CURRENT = "bucket_0"
    D1_30 = "bucket_1_30"
    D31_60 = "bucket_31_60"
    D61_90 = "bucket_61_90"
    D91_180 = "bucket_91_180"
    D181_360 = "bucket_181_360"
    OVER_360 = "bucket_over_360"


# English source strings (marked for translation: the Django layer shows 未逾期, 1–30天, ...).
BUCKET_LABELS: dict[OverdueBucket, str] = {
    OverdueBucket.CURRENT: _("not overdue"),
    OverdueBucket.D1_30: _("1–30 days"),
    OverdueBucket.D31_60: _("31–60 days"),
    OverdueBucket.D61_90: _("61–90 days"),
    OverdueBucket.D91_180: _("91–180 days"),
    OverdueBucket.D181_360: _("181–360 days"),
    OverdueBucket.OVER_360: _("over 360 days"),
}

# (upper bound of days overdue, inclusive; bucket), ascending. The last bound is None: no upper
# bound. A SQL CASE is "WHEN days <= 0 THEN 'bucket_0' ... ELSE 'bucket_over_360'".
BUCKET_BOUNDS: tuple[tuple[int | None, OverdueBucket], ...] = (
    (0, OverdueBucket.CURRENT),
    (30, OverdueBucket.D1_30),
    (60, OverdueBucket.D31_60),
    (90, OverdueBucket.D61_90),
    (180, OverdueBucket.D91_180),
    (360, OverdueBucket.D181_360),
    (None, OverdueBucket.OVER_360),
)


def bucket_for(days_overdue: int) -> OverdueBucket:
    """Return the bucket of ``days_overdue``; 0 or negative (not overdue) is ``CURRENT``."""
    for upper, bucket in BUCKET_BOUNDS:
        if upper is None or days_overdue <= upper:
            return bucket
    raise AssertionError("BUCKET_BOUNDS must end with an unbounded entry")  # pragma: no cover


class Category(StrEnum):
    """Five-category loan classification (五级分类)."""

    NORMAL = "normal"
    SPECIAL_MENTION = "special_mention"
    SUBSTANDARD = "substandard"
    DOUBTFUL = "doubtful"
    LOSS = "loss"


CATEGORY_LABELS: dict[Category, str] = {
    Category.NORMAL: _("normal"),  # 正常
    Category.SPECIAL_MENTION: _("special mention"),  # 关注
    Category.SUBSTANDARD: _("substandard"),  # 次级
    Category.DOUBTFUL: _("doubtful"),  # 可疑
    Category.LOSS: _("loss"),  # 损失
}

NPL_CATEGORIES: frozenset[Category] = frozenset({Category.SUBSTANDARD, Category.DOUBTFUL, Category.LOSS})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Largest days overdue still in 关注 / 次级 / 可疑; beyond ``doubtful_max`` is 损失.

    Defaults are the regulatory minimum (《商业银行金融资产风险分类办法》); an administrator
    may only tighten them (lower values), keeping 1 <= special <= ... strictly increasing.
    """

    special_mention_max: int = 90
    substandard_max: int = 270
    doubtful_max: int = 360

    def validate(self) -> None:
        """Raise ``QualityError`` unless the thresholds are whole, tightened and increasing.

        Codes: ``thresholds_invalid`` (not an int), ``thresholds_loosened`` (a value above its
        regulatory default), ``thresholds_order`` (not 1 <= special < substandard < doubtful).
        """
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise QualityError(
                    "thresholds_invalid",
                    _("%(name)s must be a whole number of days (got %(value)s)."),
                    {"name": field.name, "value": value},
                )
            if value > field.default:
                raise QualityError(
                    "thresholds_loosened",
                    _(
                        "%(name)s may not exceed the regulatory %(maximum)s days "
                        "(got %(value)s); thresholds may only be tightened."
                    ),
                    {"name": field.name, "maximum": field.default, "value": value},
                )
        if not 1 <= self.special_mention_max < self.substandard_max < self.doubtful_max:
            raise QualityError(
                "thresholds_order",
                _(
                    "Thresholds must increase strictly from at least 1 day: "
                    "%(special)s < %(substandard)s < %(doubtful)s does not hold."
                ),
                {
                    "special": self.special_mention_max,
                    "substandard": self.substandard_max,
                    "doubtful": self.doubtful_max,
                },
            )


DEFAULT_THRESHOLDS = Thresholds()


def suggest_category(days_overdue: int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Category:
    """Suggest the five-category class from a loan's days overdue (0 or less: 正常).

    1..special_mention_max → 关注, ..substandard_max → 次级, ..doubtful_max → 可疑, beyond →
    损失. Invalid thresholds raise ``QualityError`` (see ``Thresholds.validate``).
    """
    thresholds.validate()
    if days_overdue <= 0:
        return Category.NORMAL
    if days_overdue <= thresholds.special_mention_max:
        return Category.SPECIAL_MENTION
    if days_overdue <= thresholds.substandard_max:
        return Category.SUBSTANDARD
    if days_overdue <= thresholds.doubtful_max:
        return Category.DOUBTFUL
    return Category.LOSS


def bucket_sql(days: str) -> str:
    """The SQL CASE giving the bucket code of the integer expression `days` (BUCKET_BOUNDS)."""
    whens = " ".join(f"WHEN {days} <= {upper} THEN '{bucket.value}'" for upper, bucket in BUCKET_BOUNDS if upper)
    return (
        f"CASE WHEN {days} <= 0 THEN '{OverdueBucket.CURRENT.value}' {whens} ELSE '{OverdueBucket.OVER_360.value}' END"
    )


def category_sql(days: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """The SQL CASE giving the suggested category of the integer expression `days`, as
    ``suggest_category`` does (validated thresholds are whole numbers: safe in SQL text)."""
    thresholds.validate()
    bands = (
        (thresholds.special_mention_max, Category.SPECIAL_MENTION),
        (thresholds.substandard_max, Category.SUBSTANDARD),
        (thresholds.doubtful_max, Category.DOUBTFUL),
    )
    whens = " ".join(f"WHEN {days} <= {int(upper)} THEN '{category.value}'" for upper, category in bands)
    return f"CASE WHEN {days} <= 0 THEN '{Category.NORMAL.value}' {whens} ELSE '{Category.LOSS.value}' END"


def off_balance(days_overdue: int, off_balance_days: int = 90) -> bool:
    """Whether a loan's unpaid interest is off the balance sheet (表外欠息): more than
    `off_balance_days` overdue (90 by the rules; a bank may only lower it)."""
    return days_overdue > off_balance_days


def npl_ratio(npl_principal: Decimal, total_principal: Decimal) -> Decimal:
    """NPL principal / total outstanding principal as a fraction with 4 places, half-up.

    ``Decimal("0.0123")`` means 1.23 %. Returns ``0.0000`` when the total is 0. Raises
    ``QualityError`` for non-Decimal or negative inputs or an NPL part above the total.
    """
    for name, value in (("npl_principal", npl_principal), ("total_principal", total_principal)):
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise QualityError(
                "invalid_principal",
                _("%(name)s must be a non-negative Decimal (got %(value)s)."),
                {"name": name, "value": value},
            )
    if npl_principal > total_principal:
        raise QualityError(
            "npl_exceeds_total",
            _("Non-performing principal %(npl)s exceeds the total principal %(total)s."),
            {"npl": npl_principal, "total": total_principal},
        )
    if total_principal == 0:
        return Decimal("0.0000")
    with localcontext(prec=50, rounding=ROUND_HALF_UP):
        return (npl_principal / total_principal).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
