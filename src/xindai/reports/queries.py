"""The four reports (统计报表) as set-based queries, grouped by customer, village, township, county,
branch or loan officer, always through the scope of the user (or of a named system scope).

- 放款情况 (disbursement): loans started in the period — loans, amount.
- 收款情况 (collection): ledger entries booked in the period (by accounting date), net of
  reversals — repayments, principal, interest, penalty (penalty + compound interest), total.
- 贷款余额 (balance) as of a date: loans outstanding, outstanding principal, of which overdue,
  interest owed on and off the balance sheet (表内/表外欠息).
- 资产质量 (quality) as of a date: each loan's whole outstanding principal in the bucket of its days
  overdue and in its classification (the override where one is set); NPL and its ratio; 表内/表外欠息.

Collections and balances go by accounting date: the outstanding principal at the end of a day is
the amount less the principal booked by then, so opening + disbursed − collected = closing for
every period and grouping (domain.md, Reconciliation). What is overdue and owed goes by value
date, over the plan in force on the date (loans/owed.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xindai.core.masking import shown
from xindai.core.scope import REGION_FIELDS
from xindai.core.system_settings import get_system_settings
from xindai.credit.models import WriteOff
from xindai.credit.restructure import WATCH_FLOOR_SQL, watch_join_sql
from xindai.credit.transfer import assignment_sql
from xindai.loans.classification import RANKS, classification_thresholds
from xindai.loans.models import Installment, Loan
from xindai.loans.owed import accrual_sql, unsettled_on, uses_running_totals, with_owed
from xindai.loans.quality import BUCKET_BOUNDS, NPL_CATEGORIES, Category, bucket_sql, category_sql, npl_ratio
from xindai.repayments.models import Channel, Repayment

KINDS = ("disbursement", "collection", "balance", "quality")
GROUPS = ("customer", "village", "township", "county", "branch", "officer")
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
BUCKETS = [bucket.value for _upper, bucket in BUCKET_BOUNDS]
CATEGORIES = [category.value for category in Category]
FIGURES = {
    "disbursement": ["loans", "amount"],
    "collection": ["repayments", "principal", "interest", "penalty", "total"],
    "balance": ["loans", "outstanding_principal", "overdue_principal", "interest_on_balance", "interest_off_balance"],
    "quality": [
        "outstanding_principal",
        *BUCKETS,
        *CATEGORIES,
        "npl",
        "npl_ratio",
        "interest_on_balance",
        "interest_off_balance",
    ],
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
    filters = filters or Filters()
    entries = Repayment.objects.visible_to(user)
    entries = entries.filter(filters.q("loan__"), accounting_date__gte=date_from, accounting_date__lte=date_to)
    # Recoveries after write-off (核销后收回) are reported on their own (credit app), not collected here.
    entries = entries.exclude(recovered_after_write_off()).exclude(channel=Channel.WAIVER)  # waived: not received
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


def recovered_after_write_off() -> Q:
    """Ledger entries of a loan made after it was written off (核销后收回)."""
    written_off = WriteOff.objects.children_of(OuterRef("loan_id")).filter(ledger_before__lt=OuterRef("pk"))
    return Q(Exists(written_off))


def written_off(user, group, date_from, date_to, filters=None) -> dict[str, Decimal]:
    """Principal written off in the period, by group key (the reconciliation's fourth term)."""
    filters = filters or Filters()
    rows = WriteOff.objects.visible_to(user).filter(
        filters.q("loan__"), written_off_on__gte=date_from, written_off_on__lte=date_to
    )
    _grouped_on, key, _name = group_fields(group, "loan__")
    totals = rows.order_by().values(group_key=F(key)).annotate(principal=Sum("principal"))
    return {str(row["group_key"] or ""): row["principal"] for row in totals}


def _live(loans, as_of: date):
    """Loans disbursed by `as_of` (those with principal left on it: filtered in the statement)."""
    return loans.filter(start_date__lte=as_of)


# The group's id, key and name columns, and the join that brings them.
_SQL_GROUPS = {
    "customer": ("c.id", "c.id_number", "c.name", ""),
    "village": ("r.id", "r.code", "r.name", "JOIN org_region r ON r.id = c.village_id"),
    "township": ("r.id", "r.code", "r.name", "JOIN org_region r ON r.id = c.township_id"),
    "county": ("r.id", "r.code", "r.name", "JOIN org_region r ON r.id = c.county_id"),
    "branch": ("b.id", "b.code", "b.name", "JOIN org_branch b ON b.id = l.handling_branch_id"),
    "officer": ("u.id", "u.username", "u.real_name", "JOIN org_user u ON u.id = l.officer_id"),
}


def _overdue_sql(as_of: date, *, owed: bool = True) -> tuple[str, list]:
    """Per loan, over its plan in force on `as_of`: the oldest payable date overdue, the principal
    overdue and the interest, penalty and compound owed on its overdue installments. Every
    loan's: the statement joins them to the scoped loans only. Without `owed`, the oldest date
    only (days overdue, hence bucket and class) and zeros for the figures."""
    rows = unsettled_on(Installment.objects.system("report statement"), as_of)  # joined to the scoped loans
    if not owed:
        due = rows.filter(payable_on__lt=as_of).order_by().values("loan_id").annotate(due=Min("payable_on"))
        sql, params = due.query.sql_with_params()
        return f"SELECT loan_id, due, 0 AS principal, 0 AS interest FROM ({sql}) d", list(params)  # noqa: S608
    if not uses_running_totals(as_of):
        return _overdue_past_sql(rows.filter(payable_on__lt=as_of), as_of)
    owed = with_owed(rows.filter(payable_on__lt=as_of), as_of).order_by()
    sql, params = owed.values(
        "loan_id", "payable_on", "principal_owed", "interest_owed", "penalty_owed", "compound_owed"
    ).query.sql_with_params()
    sums = "MIN(payable_on) AS due, SUM(principal_owed) AS principal, SUM(interest_owed + penalty_owed + compound_owed)"
    grouped = f"SELECT loan_id, {sums} AS interest FROM ({sql}) owed GROUP BY loan_id"  # noqa: S608 - the ORM's SQL
    return grouped, list(params)


LOAN_COLUMNS = (
    "id",
    "customer_id",
    "handling_branch_id",
    "officer_id",
    "amount",
    "outstanding_principal",
    "classification_override",
)


def _overdue_past_sql(rows, as_of: date) -> tuple[str, list]:
    """`_overdue_sql` as of a past date: what was paid on each overdue installment by then from
    one grouped pass over their ledger entries (not six lookups a row: the comparison charts ask
    for twelve month-ends)."""
    columns = ("id", "loan_id", "payable_on", "principal", "interest", "penalty_rate", "compound_rate")
    rows_sql, rows_params = rows.order_by().values(*columns).query.sql_with_params()
    paid = (
        "SELECT installment_id, SUM(principal) AS p, SUM(interest) AS i, SUM(penalty) AS pe, SUM(compound) AS c,"
        " SUM(principal * days_late) AS lp, SUM(interest * days_late) AS li FROM repayments_repayment"
        " WHERE paid_on <= %s AND installment_id IN (SELECT id FROM o) GROUP BY installment_id"
    )
    principal, interest = "(o.principal - COALESCE(g.p, 0))", "(o.interest - COALESCE(g.i, 0))"
    penalty = accrual_sql(principal, "o.d", "COALESCE(g.lp, 0)", "o.penalty_rate", "COALESCE(g.pe, 0)")
    compound = accrual_sql(interest, "o.d", "COALESCE(g.li, 0)", "o.compound_rate", "COALESCE(g.c, 0)")
    # Every value is a parameter; the fragments are this module's and owed.py's.
    sql = f"""
        WITH o AS MATERIALIZED (SELECT r.*, %s::date - r.payable_on AS d FROM ({rows_sql}) r), g AS ({paid})
        SELECT o.loan_id, MIN(o.payable_on) AS due, SUM({principal}) AS principal,
               SUM({interest} + {penalty} + {compound}) AS interest
        FROM o LEFT JOIN g ON g.installment_id = o.id GROUP BY o.loan_id
    """  # noqa: S608
    return sql, [as_of, *rows_params, as_of]


def _loan_rows(
    user, group, as_of, filters: Filters, figures: str, columns: str = "", *, owed: bool = True
) -> list[tuple]:
    """One statement: each loan's outstanding principal (by accounting date), its overdue figures
    and days overdue (by value date), then `figures` (SQL over the columns o, overdue, owed,
    days, off, ov) summed per group. The loans are the ORM's scoped and filtered queryset.
    Without `owed` the statement skips the figures owed (overdue and owed are 0): for sums of `o`."""

    loans = _live(_loans(user).filter(filters.q()), as_of).order_by()
    # The scoped, filtered loans are the statement's table `l` (a derived table the planner flattens).
    loans_sql, loans_params = loans.values(*LOAN_COLUMNS).query.sql_with_params()
    od_sql, od_params = _overdue_sql(as_of, owed=owed)
    if as_of >= timezone.localdate():
        outstanding, booked_join, booked_params = "l.outstanding_principal", "", []
    else:  # the amount less the principal booked by then: one grouped pass over the ledger
        outstanding = "l.amount - COALESCE(booked.principal, 0)"
        booked_join = (
            "LEFT JOIN (SELECT loan_id, SUM(principal) AS principal FROM repayments_repayment"
            " WHERE accounting_date <= %s GROUP BY loan_id) booked ON booked.loan_id = l.id"
        )
        booked_params = [as_of]
    # The class set by hand that was in force on the date: today's, or the last change made by then.
    override, override_params = "l.classification_override", []
    if as_of < timezone.localdate():
        override = (
            "COALESCE((SELECT cc.category FROM repayments_classificationchange cc WHERE cc.loan_id = l.id"
            " AND cc.created_at < %s ORDER BY cc.created_at DESC, cc.id DESC LIMIT 1), '')"
        )
        override_params = [timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time()))]
    gid, key, name, group_join = _SQL_GROUPS[group]
    group_params = []
    if group in ("officer", "branch") and as_of < timezone.localdate():
        # The officer or branch the loan had on the date: transfers (移交) since then do not move its past.
        current = "l.officer_id" if group == "officer" else "l.handling_branch_id"
        held, group_params = assignment_sql(as_of, "l.id", group, current)
        group_join = group_join.replace(current, held)
    # A loan written off by then (核销) has left the balance sheet: its principal and interest count
    # nowhere here (the write-off register keeps them, credit app). `watch` serves the
    # classification floor of watched loans (_category_columns).
    watch_join, watch, watch_params = ("", "0", [])  # only the classes read it, not the balance's figures
    if "watch" in columns:
        watch_join, watch, watch_params = watch_join_sql("l.id"), "COALESCE(wt.watch, 0)", [[as_of]]
    sql = f"""
        WITH od AS ({od_sql}),
        x AS (
            SELECT {gid} AS gid, {key} AS gkey, {name} AS gname, {watch} AS watch,
                   CASE WHEN wo.loan_id IS NULL THEN {outstanding} ELSE 0 END AS o,
                   CASE WHEN wo.loan_id IS NULL THEN COALESCE(od.principal, 0) ELSE 0 END AS overdue,
                   CASE WHEN wo.loan_id IS NULL THEN COALESCE(od.interest, 0) ELSE 0 END AS owed,
                   COALESCE(%s::date - od.due, 0) AS days, {override} AS ov
            FROM ({loans_sql}) l JOIN customers_customer c ON c.id = l.customer_id {group_join}
            LEFT JOIN od ON od.loan_id = l.id {booked_join}
            LEFT JOIN credit_writeoff wo ON wo.loan_id = l.id AND wo.written_off_on <= %s {watch_join}
        ),
        y AS (SELECT *, days > %s AS off{columns} FROM x WHERE o > 0 OR owed > 0)
        SELECT gid, gkey, gname, {figures} FROM y GROUP BY gid, gkey, gname
    """  # noqa: S608 - every value is a parameter; the fragments are this module's constants
    params = [
        *od_params,
        as_of,
        *override_params,
        *loans_params,
        *group_params,
        *booked_params,
        as_of,
        *watch_params,
        get_system_settings().off_balance_days,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


INTEREST_SUMS = "SUM(owed) FILTER (WHERE NOT off), SUM(owed) FILTER (WHERE off)"


def balance(user, group, as_of, filters=None) -> Report:
    figures = f"COUNT(*) FILTER (WHERE o > 0), SUM(o), SUM(overdue), {INTEREST_SUMS}"
    names = ["group_id", "group_key", "group_name", *FIGURES["balance"]]
    rows = [dict(zip(names, row, strict=True)) for row in _loan_rows(user, group, as_of, filters or Filters(), figures)]
    return _finish(Report("balance", group, as_of=as_of), rows)


def _category_columns() -> tuple[str, str]:
    """Each loan's bucket and class from its days overdue (quality.bucket_sql / category_sql: the
    one definition) as the statement's extra columns, and the NPL filter over them."""
    chosen = f"CASE WHEN ov <> '' THEN ov ELSE {category_sql('days', classification_thresholds())} END"
    # Never below the floor of a watched loan (extension, restructuring: credit app), over the
    # statement's columns watch and days (overdue).
    floor = f"({WATCH_FLOOR_SQL})"
    ranked = " ".join(f"WHEN {rank} THEN '{code}'" for code, rank in RANKS.items())
    chosen_rank = " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in RANKS.items())
    category = (
        f"CASE WHEN {floor} > (CASE ({chosen}) {chosen_rank} END) THEN CASE {floor} {ranked} END ELSE {chosen} END"
    )
    npl = ", ".join(f"'{code.value}'" for code in sorted(NPL_CATEGORIES))
    return f", {bucket_sql('days')} AS bucket, {category} AS cat", f"cat IN ({npl})"


def _quality_rows(user, group, as_of, filters: Filters):
    """Each loan's bucket and class (computed once, in the statement's last CTE), its whole
    outstanding principal summed per group."""
    columns, is_npl = _category_columns()
    sums = ", ".join(f"SUM(o) FILTER (WHERE bucket = '{code}')" for code in BUCKETS)
    categories = ", ".join(f"SUM(o) FILTER (WHERE cat = '{code}')" for code in CATEGORIES)
    figures = f"SUM(o), {sums}, {categories}, SUM(o) FILTER (WHERE {is_npl}), {INTEREST_SUMS}"
    names = [
        "group_id",
        "group_key",
        "group_name",
        "outstanding_principal",
        *BUCKETS,
        *CATEGORIES,
        "npl",
        "interest_on_balance",
        "interest_off_balance",
    ]
    rows = _loan_rows(user, group, as_of, filters, figures, columns)
    return [dict(zip(names, row, strict=True)) for row in rows]


def quality(user, group, as_of, filters=None, *, compare: bool = True) -> Report:
    filters = filters or Filters()
    report = _finish(Report("quality", group, as_of=as_of), _quality_rows(user, group, as_of, filters))
    if compare:
        month_end = as_of.replace(day=1) - timezone.timedelta(days=1)
        year_end = date(as_of.year - 1, 12, 31)
        # Only the NPL and its ratio are compared: the sums of `o` the charts' line computes.
        for label, point in zip(("month_end", "year_end"), trend(user, [month_end, year_end], filters), strict=True):
            report.comparison[label] = point
    return report


def trend(user, days: list[date], filters=None) -> list[dict]:
    """Outstanding principal, NPL and its ratio at each of `days` (the charts' line of 贷款余额 and
    资产质量, 资产质量's comparison): the reports' totals without what is owed. Past days in one
    statement (`_past_points`); today or later through the reports' own statement."""
    filters = filters or Filters()
    columns, is_npl = _category_columns()
    today = timezone.localdate()
    sums = {}
    past = sorted({day for day in days if day < today})
    if past:
        sums.update(_past_points(user, past, filters, columns, is_npl))
    for day in {day for day in days if day >= today}:
        rows = _loan_rows(user, "branch", day, filters, f"SUM(o), SUM(o) FILTER (WHERE {is_npl})", columns, owed=False)
        sums[day] = (sum(row[3] or 0 for row in rows), sum(row[4] or 0 for row in rows))
    points = []
    for day in days:
        outstanding, npl = (Decimal(value or 0).quantize(Decimal("0.01")) for value in sums.get(day, (0, 0)))
        points.append(
            {"as_of": day, "outstanding_principal": outstanding, "npl": npl, "npl_ratio": npl_ratio(npl, outstanding)}
        )
    return points


def _past_points(user, days: list[date], filters: Filters, columns: str, is_npl: str) -> dict:
    """Per past day: the sum of each loan's outstanding principal (amount less the principal booked
    by then) and of those in an NPL class (days overdue from the oldest installment open on the
    day — in force, unsettled, payable before it — or the class set by hand by then): the
    definitions of `_loan_rows` as of a past date (a test holds them equal), for all days in one
    pass over the installments and one over the ledger, each day a filtered aggregate."""
    loans = _loans(user).filter(filters.q()).order_by()
    loans_sql, loans_params = loans.values("id", "amount", "start_date").query.sql_with_params()
    # An installment is open and overdue from the first day after it is payable (and in force)
    # until the day before it is settled or superseded: day indexes kf..kt of the sorted days.
    oldest = ", ".join(f"MIN(p) FILTER (WHERE kf <= {k} AND kt >= {k})" for k in range(1, len(days) + 1))
    booked = ", ".join("COALESCE(SUM(r.principal) FILTER (WHERE r.accounting_date <= %s), 0)" for _day in days)
    # The class set by hand in force at the end of each day: the newest change made by then.
    by_hand = ", ".join(
        "(array_agg(cc.category ORDER BY cc.created_at DESC, cc.id DESC)"
        " FILTER (WHERE cc.created_at < (%s::timestamp AT TIME ZONE %s)))[1]"
        for _day in days
    )
    first, last = days[0], days[-1]
    watch_join = watch_join_sql("l.id", "d.day")  # the floor of watched loans (credit app)
    sql = f"""
        WITH l AS MATERIALIZED ({loans_sql}),
        od AS (
            SELECT loan_id, ARRAY[{oldest}] AS due FROM (
                SELECT i.loan_id, i.payable_on AS p,
                       width_bucket(GREATEST(i.payable_on, i.in_force_from - 1), %s::date[]) + 1 AS kf,
                       width_bucket(
                           LEAST(COALESCE(i.settled_on, 'infinity'), COALESCE(i.superseded_on, 'infinity')) - 1,
                           %s::date[]
                       ) AS kt
                FROM loans_installment i
                WHERE i.loan_id IN (SELECT id FROM l) AND i.payable_on < %s AND i.in_force_from <= %s
                  AND (i.settled_on IS NULL OR i.settled_on > %s) AND (i.superseded_on IS NULL OR i.superseded_on > %s)
            ) open GROUP BY loan_id
        ),
        booked AS (
            SELECT r.loan_id, ARRAY[{booked}] AS principal FROM repayments_repayment r
            WHERE r.loan_id IN (SELECT id FROM l) AND r.accounting_date <= %s GROUP BY r.loan_id
        ),
        cls AS (
            SELECT cc.loan_id, ARRAY[{by_hand}] AS category FROM repayments_classificationchange cc
            WHERE cc.loan_id IN (SELECT id FROM l) GROUP BY cc.loan_id
        ),
        x AS (
            SELECT d.day, COALESCE(wt.watch, 0) AS watch,
                   CASE WHEN wo.written_off_on <= d.day THEN 0 ELSE l.amount - COALESCE(b.principal[d.k], 0) END AS o,
                   COALESCE(d.day - od.due[d.k], 0) AS days, COALESCE(cls.category[d.k], '') AS ov
            FROM unnest(%s::date[]) WITH ORDINALITY AS d(day, k) JOIN l ON l.start_date <= d.day
            LEFT JOIN od ON od.loan_id = l.id LEFT JOIN booked b ON b.loan_id = l.id LEFT JOIN cls ON cls.loan_id = l.id
            LEFT JOIN credit_writeoff wo ON wo.loan_id = l.id {watch_join}
        ),
        y AS (SELECT *{columns} FROM x WHERE o > 0)
        SELECT day, SUM(o), SUM(o) FILTER (WHERE {is_npl}) FROM y GROUP BY day
    """  # noqa: S608 - every value is a parameter; the fragments are this module's constants
    zone = settings.TIME_ZONE
    params = [*loans_params, list(days), list(days), last, last, first, first, *days, last]
    params += [value for day in days for value in (day + timedelta(days=1), zone)]
    params += [list(days), list(days)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {day: (outstanding, npl) for day, outstanding, npl in cursor.fetchall()}


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
