"""The four reports (统计报表) as set-based queries, grouped by customer, village, township, county,
branch or loan officer, always through the scope of the user (or of a named system scope).

- 放款情况 (disbursement): loans started in the period — loans, amount.
- 收款情况 (collection): ledger entries dated in the period, net of reversals — repayments,
  principal, interest, penalty (penalty + compound interest), total.
- 贷款余额 (balance) as of a date: loans outstanding, outstanding principal, of which overdue.
- 资产质量 (quality) as of a date: each loan's whole outstanding principal in the bucket of its days
  overdue and in its classification (the override where one is set); NPL and its ratio.

As of today or later the stored running totals are the figures; as of a past date they are
summed from the ledger dated on or before it (payments after the date do not count). Money
brought in as already repaid (imports' 已还期数, no ledger entries) counts from its installment's
settlement date.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xindai.core.masking import shown
from xindai.core.scope import REGION_FIELDS
from xindai.loans.models import Installment, Loan
from xindai.repayments.quality import BUCKET_BOUNDS, Category, npl_ratio

KINDS = ("disbursement", "collection", "balance", "quality")
GROUPS = ("customer", "village", "township", "county", "branch", "officer")
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
BUCKETS = [bucket.value for _upper, bucket in BUCKET_BOUNDS]
CATEGORIES = [category.value for category in Category]
FIGURES = {
    "disbursement": ["loans", "amount"],
    "collection": ["repayments", "principal", "interest", "penalty", "total"],
    "balance": ["loans", "outstanding_principal", "overdue_principal"],
    "quality": ["outstanding_principal", *BUCKETS, *CATEGORIES, "npl", "npl_ratio"],
}
COUNTS = {"loans", "repayments"}


def group_fields(group: str, prefix: str = "") -> tuple[str, str, str]:
    """(the field grouped on, its key field, its name field), through `prefix` to the loan."""
    if group == "customer":
        return f"{prefix}customer_id", f"{prefix}customer__id_number", f"{prefix}customer__name"
    if group in ("village", "township", "county"):
        base = f"{prefix}customer__{group}"
        return f"{base}_id", f"{base}__code", f"{base}__name"
    if group == "branch":
        return f"{prefix}handling_branch_id", f"{prefix}handling_branch__code", f"{prefix}handling_branch__name"
    return f"{prefix}officer_id", f"{prefix}officer__username", f"{prefix}officer__real_name"


@dataclass
class Filters:
    loan_type: int | None = None
    branch_path: str | None = None
    officer: int | None = None
    region_level: int | None = None
    region_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        q = Q()
        if self.loan_type:
            q &= Q(**{f"{prefix}loan_type_id": self.loan_type})
        if self.branch_path:
            q &= Q(**{f"{prefix}handling_branch__path__startswith": self.branch_path})
        if self.officer:
            q &= Q(**{f"{prefix}officer_id": self.officer})
        if self.region_id:
            q &= Q(**{f"{prefix}customer__{REGION_FIELDS[self.region_level]}_id": self.region_id})
        return q


@dataclass
class Report:
    kind: str
    group: str
    date_from: date | None = None
    date_to: date | None = None
    as_of: date | None = None
    rows: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    comparison: dict = field(default_factory=dict)  # quality: previous month-end and year-end totals


def _loans(user):
    """The loans `user` (a user or a named system scope, never None) may see."""
    return Loan.objects.visible_to(user)


def _finish(report: Report, rows) -> Report:
    figures = FIGURES[report.kind]
    total = dict.fromkeys(figures, 0)
    for row in rows:
        row["key"] = str(row.pop("group_key") or "")
        row["name"] = row.pop("group_name") or ""
        row["id"] = row.pop("group_id", None)
        for name in figures:
            if name == "npl_ratio":
                continue
            value = row.get(name) or 0
            row[name] = int(value) if name in COUNTS else Decimal(value).quantize(Decimal("0.01"))
            total[name] += row[name]
        if report.kind == "quality":
            row["npl_ratio"] = npl_ratio(row["npl"], row["outstanding_principal"])
    if report.kind == "quality":
        total["npl_ratio"] = npl_ratio(Decimal(total["npl"]), Decimal(total["outstanding_principal"]))
    report.rows = sorted(rows, key=lambda r: (r["name"], r["key"]))
    report.total = {
        k: v if k in COUNTS or k == "npl_ratio" else Decimal(v).quantize(Decimal("0.01")) for k, v in total.items()
    }
    return report


def _grouped(queryset, group: str, prefix: str = ""):
    grouped_on, key, name = group_fields(group, prefix)
    return queryset.order_by().values(group_id=F(grouped_on), group_key=F(key), group_name=F(name))


def disbursement(user, group, date_from, date_to, filters=None) -> Report:
    filters = filters or Filters()
    loans = _loans(user).filter(filters.q(), start_date__gte=date_from, start_date__lte=date_to)
    rows = list(_grouped(loans, group).annotate(loans=Count("id"), amount=Coalesce(Sum("amount"), ZERO)))
    return _finish(Report("disbursement", group, date_from, date_to), rows)


def collection(user, group, date_from, date_to, filters=None) -> Report:
    from xindai.repayments.models import Repayment

    filters = filters or Filters()
    entries = Repayment.objects.visible_to(user)
    entries = entries.filter(filters.q("loan__"), paid_on__gte=date_from, paid_on__lte=date_to)
    rows = list(
        _grouped(entries, group, "loan__").annotate(
            repayments=Count("id", filter=Q(reverses__isnull=True)) - Count("id", filter=Q(reverses__isnull=False)),
            principal=Coalesce(Sum("principal"), ZERO),
            interest=Coalesce(Sum("interest"), ZERO),
            penalty=Coalesce(Sum(F("penalty") + F("compound")), ZERO),
            total=Coalesce(Sum("amount"), ZERO),
        )
    )
    return _finish(Report("collection", group, date_from, date_to), rows)


def _repaid_by(as_of: date):
    """Per installment: principal repaid on or before `as_of` (ledger, plus money brought in as
    repaid, which counts from the installment's settlement date)."""
    from xindai.repayments.models import Repayment

    ledger = (
        Repayment.objects.children_of(OuterRef("loan"))
        .filter(installment=OuterRef("pk"))
        .order_by()
        .values("installment")
    )
    until = Coalesce(Subquery(ledger.filter(paid_on__lte=as_of).annotate(s=Sum("principal")).values("s")), ZERO)
    ever = Coalesce(Subquery(ledger.annotate(s=Sum("principal")).values("s")), ZERO)
    brought_in = Case(When(settled_on__lte=as_of, then=F("principal_paid") - ever), default=ZERO, output_field=MONEY)
    return until + brought_in


def _live(loans, as_of: date):
    """Loans disbursed by `as_of` and not settled on it."""
    return loans.filter(start_date__lte=as_of).filter(Q(settled_on__isnull=True) | Q(settled_on__gt=as_of))


def _installment_figures(loans, as_of: date):
    """Per loan: outstanding principal and overdue principal on `as_of` (one grouped query of installments)."""
    today = timezone.localdate()
    rows = Installment.objects.children_of(loans.values("pk"))
    if as_of >= today:
        repaid = F("principal_paid")
        unsettled = Q(settled_on__isnull=True)
    else:
        repaid = _repaid_by(as_of)
        unsettled = Q(settled_on__isnull=True) | Q(settled_on__gt=as_of)
    left = F("principal") - repaid
    return (
        rows.annotate(left=left)
        .values("loan_id")
        .annotate(
            outstanding=Coalesce(Sum("left"), ZERO),
            overdue=Coalesce(Sum("left", filter=unsettled & Q(due_date__lt=as_of)), ZERO),
        )
    )


def balance(user, group, as_of, filters=None) -> Report:
    filters = filters or Filters()
    loans = _live(_loans(user).filter(filters.q()), as_of)
    if as_of >= timezone.localdate():
        overdue = (
            Installment.objects.children_of(OuterRef("pk"))
            .filter(settled_on__isnull=True, due_date__lt=as_of)
            .order_by()
            .values("loan")
            .annotate(s=Sum(F("principal") - F("principal_paid")))
            .values("s")
        )
        rows = list(
            _grouped(loans, group).annotate(
                loans=Count("id"),
                outstanding_principal=Coalesce(Sum("outstanding_principal"), ZERO),
                overdue_principal=Coalesce(Sum(Subquery(overdue, output_field=MONEY)), ZERO),
            )
        )
    else:
        per_loan = _installment_figures(loans, as_of)
        outstanding = Subquery(per_loan.filter(loan_id=OuterRef("pk")).values("outstanding"), output_field=MONEY)
        overdue = Subquery(per_loan.filter(loan_id=OuterRef("pk")).values("overdue"), output_field=MONEY)
        rows = list(
            _grouped(loans.annotate(o=outstanding, d=overdue), group).annotate(
                loans=Count("id"),
                outstanding_principal=Coalesce(Sum("o"), ZERO),
                overdue_principal=Coalesce(Sum("d"), ZERO),
            )
        )
    return _finish(Report("balance", group, as_of=as_of), rows)


# The group's id, key and name columns in the quality query, and the join that brings them.
_SQL_GROUPS = {
    "customer": ("c.id", "c.id_number", "c.name", ""),
    "village": ("r.id", "r.code", "r.name", "JOIN org_region r ON r.id = c.village_id"),
    "township": ("r.id", "r.code", "r.name", "JOIN org_region r ON r.id = c.township_id"),
    "county": ("r.id", "r.code", "r.name", "JOIN org_region r ON r.id = c.county_id"),
    "branch": ("b.id", "b.code", "b.name", "JOIN org_branch b ON b.id = l.handling_branch_id"),
    "officer": ("u.id", "u.username", "u.real_name", "JOIN org_user u ON u.id = l.officer_id"),
}


def _quality_rows(user, group, as_of, filters: Filters):
    """One statement: each loan's days overdue computed once (a grouped CTE of its oldest unpaid
    installment), its bucket and class derived from them, its whole outstanding principal summed
    per group. The loans are the ORM's scoped and filtered queryset, embedded as a subquery."""
    from django.db import connection

    from xindai.core.system_settings import classification_thresholds

    thresholds = classification_thresholds()
    thresholds.validate()
    loans = _live(_loans(user).filter(filters.q()), as_of)
    ids_sql, ids_params = loans.values("pk").query.sql_with_params()
    past = as_of < timezone.localdate()
    unsettled = "(i.settled_on IS NULL OR i.settled_on > %s)" if past else "i.settled_on IS NULL"
    unsettled_params = [as_of] if past else []
    days = "COALESCE(%s::date - oldest.due, 0)"
    outstanding, outstanding_join, outstanding_params = "l.outstanding_principal", "", []
    if past:
        per_loan = _installment_figures(loans, as_of).values("loan_id", "outstanding")
        pl_sql, pl_params = per_loan.query.sql_with_params()
        outstanding = "COALESCE(pl.outstanding, 0)"
        outstanding_join = f"LEFT JOIN ({pl_sql}) pl ON pl.loan_id = l.id"
        outstanding_params = list(pl_params)
    gid, key, name, group_join = _SQL_GROUPS[group]
    # The class set by hand that was in force on the date: today's, or the last change made by then.
    override, override_params = "l.classification_override", []
    if past:
        override = (
            "COALESCE((SELECT cc.category FROM repayments_classificationchange cc WHERE cc.loan_id = l.id"
            " AND cc.created_at < %s ORDER BY cc.created_at DESC, cc.id DESC LIMIT 1), '')"
        )
        end_of_day = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time()))
        override_params = [end_of_day]
    spans = ((1, 30), (31, 60), (61, 90), (91, 180), (181, 360))
    buckets = ["days <= 0", *(f"days BETWEEN {low} AND {high}" for low, high in spans), "days > 360"]
    sums = ", ".join(f"SUM(o) FILTER (WHERE {condition})" for condition in buckets)
    categories = ", ".join(f"SUM(o) FILTER (WHERE cat = '{category}')" for category in CATEGORIES)
    sql = f"""
        WITH oldest AS (
            SELECT i.loan_id, MIN(i.due_date) AS due FROM loans_installment i
            WHERE {unsettled} AND i.due_date < %s GROUP BY i.loan_id
        ),
        x AS (
            SELECT {gid} AS gid, {key} AS gkey, {name} AS gname, {outstanding} AS o, {days} AS days,
                   {override} AS ov
            FROM loans_loan l JOIN customers_customer c ON c.id = l.customer_id {group_join}
            LEFT JOIN oldest ON oldest.loan_id = l.id {outstanding_join}
            WHERE l.id IN ({ids_sql})
        ),
        y AS (
            SELECT *, CASE WHEN ov <> '' THEN ov WHEN days <= 0 THEN 'normal' WHEN days <= %s THEN 'special_mention'
                           WHEN days <= %s THEN 'substandard' WHEN days <= %s THEN 'doubtful' ELSE 'loss' END AS cat
            FROM x
        )
        SELECT gid, gkey, gname, SUM(o), {sums}, {categories},
               SUM(o) FILTER (WHERE cat IN ('substandard', 'doubtful', 'loss'))
        FROM y GROUP BY gid, gkey, gname
    """  # noqa: S608 - every value is a parameter; the fragments are this module's constants
    params = [
        *unsettled_params,
        as_of,
        as_of,  # days overdue, in x's select list before the override
        *override_params,
        *outstanding_params,
        *ids_params,
        thresholds.special_mention_max,
        thresholds.substandard_max,
        thresholds.doubtful_max,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = ["group_id", "group_key", "group_name", "outstanding_principal", *BUCKETS, *CATEGORIES, "npl"]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def quality(user, group, as_of, filters=None, *, compare: bool = True) -> Report:
    filters = filters or Filters()
    report = _finish(Report("quality", group, as_of=as_of), _quality_rows(user, group, as_of, filters))
    if compare:
        month_end = as_of.replace(day=1) - timezone.timedelta(days=1)
        year_end = date(as_of.year - 1, 12, 31)
        for label, day in (("month_end", month_end), ("year_end", year_end)):
            earlier = quality(user, group, day, filters, compare=False)
            report.comparison[label] = {"as_of": day, **earlier.total}
    return report


def run(kind: str, group: str, *, user, date_from=None, date_to=None, as_of=None, filters=None, compare=True) -> Report:
    """A report for `user` (a user or a named system scope, never None); `compare` adds 资产质量's
    month-end and year-start totals (the report page shows them)."""
    if kind not in KINDS or group not in GROUPS:
        raise ValueError(f"unknown report {kind} by {group}")
    if kind in ("disbursement", "collection"):
        report = (disbursement if kind == "disbursement" else collection)(user, group, date_from, date_to, filters)
    elif kind == "balance":
        report = balance(user, group, as_of, filters)
    else:
        report = quality(user, group, as_of, filters, compare=compare)
    if group == "customer":  # the key is the ID number: masked for who may not see it in full
        for row in report.rows:
            row["key"] = shown(user, "id_number", row["key"])
    return report
