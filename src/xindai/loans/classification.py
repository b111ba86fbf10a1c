"""Days overdue and the five-category classification of loans (五级分类), as of a date in SQL.

A loan's days overdue are those of its oldest installment unpaid after its due date; the
suggestion follows the thresholds of the system settings (``quality.suggest_category`` is the
same rule in Python). Setting it by hand is repayments/classification.py.
"""

from datetime import date

from django.db.models import Case, CharField, F, Func, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.models import SystemSettings
from xindai.core.system_settings import get_system_settings, register_check
from xindai.loans.models import Installment
from xindai.loans.owed import DaysSince, unsettled_on
from xindai.loans.quality import Category, QualityError, Thresholds


def classification_thresholds() -> Thresholds:
    """The five-category thresholds in force (pure ``Thresholds``)."""
    row = get_system_settings()
    return Thresholds(row.special_mention_max, row.substandard_max, row.doubtful_max)


@register_check
def check_thresholds(row: SystemSettings) -> None:
    """The settings page's thresholds may only be tightened (system_settings_update)."""
    try:
        Thresholds(row.special_mention_max, row.substandard_max, row.doubtful_max).validate()
    except QualityError as err:
        raise BusinessError(translate_pure_error(err)) from None


def oldest_overdue_due_date(as_of: date):
    """Subquery: the payable date of the loan's oldest installment overdue on `as_of` (or NULL)."""
    overdue = unsettled_on(Installment.objects.children_of(OuterRef("pk")).filter(payable_on__lt=as_of), as_of)
    return Subquery(overdue.order_by().values("loan").annotate(m=Min("payable_on")).values("m")[:1])


def category_case(days: str, thresholds: Thresholds) -> Case:
    thresholds.validate()
    return Case(
        When(Q(**{f"{days}__lte": 0}), then=Value(Category.NORMAL.value)),
        When(Q(**{f"{days}__lte": thresholds.special_mention_max}), then=Value(Category.SPECIAL_MENTION.value)),
        When(Q(**{f"{days}__lte": thresholds.substandard_max}), then=Value(Category.SUBSTANDARD.value)),
        When(Q(**{f"{days}__lte": thresholds.doubtful_max}), then=Value(Category.DOUBTFUL.value)),
        default=Value(Category.LOSS.value),
        output_field=CharField(),
    )


# The least class of a loan from apps above this one (the credit app's watch after an extension or
# restructuring): functions of the date giving an expression of the outer loan's least rank
# (RANKS), which may use its `days_overdue`. Registered at start-up.
CATEGORY_FLOORS: list = []
RANKS = {category.value: rank for rank, category in enumerate(Category)}  # 正常 0 … 损失 4


class DaysRank(Func):
    """The rank (RANKS) the thresholds give a number of days overdue, the days written once:
    width_bucket over the lower bounds of 关注, 次级, 可疑, 损失 (category_case as one lookup,
    so that the days' subquery is not repeated in every branch of a CASE)."""

    output_field = IntegerField()

    def __init__(self, days, thresholds: Thresholds):
        thresholds.validate()
        super().__init__(days)
        self.bounds = [1, thresholds.special_mention_max + 1, thresholds.substandard_max + 1]
        self.bounds.append(thresholds.doubtful_max + 1)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"width_bucket({sql}, %s::integer[])", [*params, self.bounds]


class CategoryOf(Func):
    """The category code of a rank (RANKS), the rank written once."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((%s::varchar[])[({sql}) + 1])", [list(RANKS), *params]


def _override_rank() -> Case:
    """The rank of the category set by hand (NULL when none is set)."""
    ranks = (When(classification_override=code, then=Value(rank)) for code, rank in RANKS.items())
    return Case(*ranks, output_field=IntegerField())


def with_classification(loans, as_of: date, thresholds: Thresholds | None = None):
    """Annotate days_overdue (0 when none), suggested_category and category (the override if set,
    never below a registered floor).

    Each step names the one before it once: an annotation referred to is written out again in
    the SQL, so a CASE branch per category over the days (and the days' subquery) multiplied
    the statement to 28 kB and 78 SELECTs, compiled on every page (~70 ms of CPU)."""
    thresholds = thresholds or classification_thresholds()
    loans = loans.alias(oldest_overdue=oldest_overdue_due_date(as_of)).annotate(
        days_overdue=Coalesce(DaysSince("oldest_overdue", as_of), Value(0), output_field=IntegerField())
    )
    suggested = DaysRank(F("days_overdue"), thresholds)
    loans = loans.annotate(suggested_category=CategoryOf(suggested))
    chosen = Coalesce(_override_rank(), suggested, output_field=IntegerField())
    if CATEGORY_FLOORS:
        chosen = Greatest(chosen, *(f(as_of) for f in CATEGORY_FLOORS), output_field=IntegerField())
    return loans.annotate(category=CategoryOf(chosen))
