"""Loan quality: overdue buckets (逾期区间), five-category suggestion (五级分类), NPL ratio.

Pure Python, no Django. Rules: "Loan quality" in ``shared/docs/domain.md``.
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from xindai.core.pure import _
from xindai.repayments.arithmetic import RepaymentError

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


BUCKET_LABELS: dict[OverdueBucket, str] = {
    OverdueBucket.CURRENT: "未逾期",
    OverdueBucket.D1_30: "1–30天",
    OverdueBucket.D31_60: "31–60天",
    OverdueBucket.D61_90: "61–90天",
    OverdueBucket.D91_180: "91–180天",
    OverdueBucket.D181_360: "181–360天",
    OverdueBucket.OVER_360: "360天以上",
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
    Category.NORMAL: "正常",
    Category.SPECIAL_MENTION: "关注",
    Category.SUBSTANDARD: "次级",
    Category.DOUBTFUL: "可疑",
    Category.LOSS: "损失",
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
        """Raise ``RepaymentError`` unless the thresholds are whole, tightened and increasing.

        Codes: ``thresholds_invalid`` (not an int), ``thresholds_loosened`` (a value above its
        regulatory default), ``thresholds_order`` (not 1 <= special < substandard < doubtful).
        """
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise RepaymentError(
                    "thresholds_invalid",
                    _("%(name)s must be a whole number of days (got %(value)s)."),
                    {"name": field.name, "value": value},
                )
            if value > field.default:
                raise RepaymentError(
                    "thresholds_loosened",
                    _(
                        "%(name)s may not exceed the regulatory %(maximum)s days "
                        "(got %(value)s); thresholds may only be tightened."
                    ),
                    {"name": field.name, "maximum": field.default, "value": value},
                )
        if not 1 <= self.special_mention_max < self.substandard_max < self.doubtful_max:
            raise RepaymentError(
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
    损失. Invalid thresholds raise ``RepaymentError`` (see ``Thresholds.validate``).
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


def npl_ratio(npl_principal: Decimal, total_principal: Decimal) -> Decimal:
    """NPL principal / total outstanding principal as a fraction with 4 places, half-up.

    ``Decimal("0.0123")`` means 1.23 %. Returns ``0.0000`` when the total is 0. Raises
    ``RepaymentError`` for non-Decimal or negative inputs or an NPL part above the total.
    """
    for name, value in (("npl_principal", npl_principal), ("total_principal", total_principal)):
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise RepaymentError(
                "invalid_principal",
                _("%(name)s must be a non-negative Decimal (got %(value)s)."),
                {"name": name, "value": value},
            )
    if npl_principal > total_principal:
        raise RepaymentError(
            "npl_exceeds_total",
            _("Non-performing principal %(npl)s exceeds the total principal %(total)s."),
            {"npl": npl_principal, "total": total_principal},
        )
    if total_principal == 0:
        return Decimal("0.0000")
    with localcontext(prec=50, rounding=ROUND_HALF_UP):
        return (npl_principal / total_principal).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
