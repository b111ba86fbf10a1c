"""What installments owe as of a date, computed by the database (应还, 逾期, 罚息, 复利).

One annotation serves the due and overdue lists, their totals, the batch summary and the batch
confirmation: principal and interest still owed, days overdue, the overdue bucket, and the
penalty and compound interest accrued and not yet collected, rounded exactly as
``arithmetic.accrual`` rounds them.

As of today or later the installment's running totals (paid amounts and late_*_days) give the
figures in one pass over the rows. As of a past date the same figures are summed from the
ledger entries dated on or before it (payments after the date do not count).

PostgreSQL computes in ``numeric``: exact, and ROUND is half away from zero, i.e. half-up for
these non-negative amounts — the same figures ``arithmetic.accrual`` gives in Python.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Func, IntegerField, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from xindai.loans.models import Installment
from xindai.repayments.quality import BUCKET_BOUNDS

MONEY = DecimalField(max_digits=14, decimal_places=2)
MONEY_DAYS = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
OWED_FIELDS = ("principal_owed", "interest_owed", "penalty_owed", "compound_owed", "total_owed")


class DaysSince(Func):
    """Whole days from a date column to the constant ``as_of`` (negative before it)."""

    output_field = IntegerField()

    def __init__(self, field: str, as_of: date):
        super().__init__(F(field))
        self.as_of = as_of

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(%s::date - {sql})", [self.as_of, *params]


class OutstandingAccrual(Func):
    """max(round((owed × days + late) × rate / 36000, 2) − collected, 0), 0 when days <= 0.

    Arguments: owed, days overdue, late days, penalty rate (% a year, the markup included),
    already collected.
    """

    output_field = MONEY
    arity = 5

    def _compiled(self, compiler):
        parts = [compiler.compile(expression) for expression in self.source_expressions]
        return [sql for sql, _params in parts], [params for _sql, params in parts]

    def as_sql(self, compiler, connection, **extra):
        (owed, days, late, rate, paid), p = self._compiled(compiler)
        accrued = f"ROUND((({owed}) * ({days}) + ({late})) * ({rate}) / 36000, 2)"
        sql = f"CASE WHEN ({days}) > 0 THEN GREATEST({accrued} - ({paid}), 0) ELSE 0 END"
        params = [*p[1], *p[0], *p[1], *p[2], *p[3], *p[4]]
        return sql, params


def _ledger_sum(field, as_of: date, expression=None):
    from xindai.repayments.models import Repayment  # repayments.models is loaded after this module

    entries = Repayment.objects.filter(installment=OuterRef("pk"), paid_on__lte=as_of)  # scoped by the outer query
    total = entries.order_by().values("installment").annotate(s=Sum(expression or F(field))).values("s")
    return Coalesce(Subquery(total, output_field=MONEY_DAYS if expression is not None else MONEY), ZERO)


def _paid_columns(as_of: date, stored: bool) -> dict:
    if stored:
        return {
            "principal": F("principal_paid"),
            "interest": F("interest_paid"),
            "penalty": F("penalty_paid"),
            "compound": F("compound_paid"),
            "late_principal": F("late_principal_days"),
            "late_interest": F("late_interest_days"),
        }
    return {
        "principal": _ledger_sum("principal", as_of),
        "interest": _ledger_sum("interest", as_of),
        "penalty": _ledger_sum("penalty", as_of),
        "compound": _ledger_sum("compound", as_of),
        "late_principal": _ledger_sum(None, as_of, F("principal") * F("days_late")),
        "late_interest": _ledger_sum(None, as_of, F("interest") * F("days_late")),
    }


def uses_running_totals(as_of: date) -> bool:
    """Whether the stored totals hold on `as_of` (no payment is dated after today)."""
    return as_of >= timezone.localdate()


def unsettled_on(installments, as_of: date):
    """The installments in force and not yet settled on `as_of`.

    As of a past date: unpaid and in force today, or settled after the date (and in force on
    it), or superseded after the date unpaid — three branches that each imply one partial index's
    predicate (unpaid, settled, superseded), so the database ORs three small index scans."""
    if uses_running_totals(as_of):
        return installments.filter(settled_on__isnull=True, superseded_on__isnull=True)
    in_force = Q(superseded_on__isnull=True) | Q(superseded_on__gt=as_of)
    return installments.filter(in_force_from__lte=as_of).filter(
        Q(settled_on__isnull=True, superseded_on__isnull=True)
        | (Q(settled_on__gt=as_of) & in_force)
        | Q(superseded_on__gt=as_of, settled_on__isnull=True)
    )


def bucket_case(days):
    """The overdue bucket code of a days-overdue expression (quality.BUCKET_BOUNDS)."""
    whens = [When(Q(**{f"{days}__lte": upper}), then=Value(b.value)) for upper, b in BUCKET_BOUNDS if upper is not None]
    return Case(*whens, default=Value(BUCKET_BOUNDS[-1][1].value))


def with_owed(installments, as_of: date, *, stored: bool | None = None):
    """Annotate what each installment owes on `as_of`: principal_owed, interest_owed,
    penalty_owed, compound_owed, total_owed, days_overdue from the payable date (<= 0: not
    overdue) and bucket.

    `stored` forces the running totals (the batch confirmation refuses payments dated before
    an installment's last payment, so there they always hold)."""
    paid = _paid_columns(as_of, uses_running_totals(as_of) if stored is None else stored)
    principal_owed = F("principal") - paid["principal"]
    interest_owed = F("interest") - paid["interest"]
    annotated = installments.annotate(
        days_overdue=DaysSince("payable_on", as_of),
        principal_owed=principal_owed,
        interest_owed=interest_owed,
    ).annotate(
        # The row's own rates (the contract's when it was made), never the loan type's.
        penalty_owed=OutstandingAccrual(
            principal_owed, F("days_overdue"), paid["late_principal"], F("penalty_rate"), paid["penalty"]
        ),
        compound_owed=OutstandingAccrual(
            interest_owed, F("days_overdue"), paid["late_interest"], F("compound_rate"), paid["compound"]
        ),
        bucket=bucket_case("days_overdue"),
    )
    return annotated.annotate(
        total_owed=F("principal_owed") + F("interest_owed") + F("penalty_owed") + F("compound_owed")
    )


def with_arrears(rows, as_of: date, off_balance_days: int):
    """Annotate arrears_on / arrears_off: the row's interest, penalty and compound owed, on or off
    the balance sheet (表内/表外欠息) by its loan's days overdue (its oldest overdue installment)."""
    oldest = unsettled_on(
        Installment.objects.filter(loan=OuterRef("loan_id"), payable_on__lt=as_of),
        as_of,  # scoped outside
    )
    since = Subquery(oldest.order_by().values("loan").annotate(m=Min("payable_on")).values("m")[:1])
    arrears = F("interest_owed") + F("penalty_owed") + F("compound_owed")
    off = Q(loan_overdue_since__lt=as_of - timedelta(days=off_balance_days))
    return rows.annotate(loan_overdue_since=since).annotate(
        arrears_on=Case(When(off, then=ZERO), default=arrears, output_field=MONEY),
        arrears_off=Case(When(off, then=arrears), default=ZERO, output_field=MONEY),
    )


def _arrears_sums(as_of: date, off_balance_days: int, whole_loans: bool) -> tuple[str, str, tuple[list, list]]:
    """(join, sums, (the sums' params, the join's params)) splitting the rows' interest, penalty
    and compound owed into 表内/表外 by their loan's oldest overdue payable date. With
    `whole_loans` (the rows hold every overdue installment of their loans: no filter picked rows
    within a loan) that date comes from the rows themselves; else from one grouped pass over all
    overdue rows."""
    if whole_loans:
        return (
            " LEFT JOIN (SELECT loan_id, MIN(payable_on) AS since FROM owed GROUP BY loan_id) oldest"
            " ON oldest.loan_id = owed.loan_id",
            _ARREARS_SUMS,
            ([as_of - timedelta(days=off_balance_days)] * 2, []),
        )
    oldest = unsettled_on(Installment.objects.filter(payable_on__lt=as_of), as_of)  # scoped by the outer query
    sql, params = oldest.order_by().values("loan_id").annotate(since=Min("payable_on")).query.sql_with_params()
    join = f" LEFT JOIN ({sql}) oldest ON oldest.loan_id = owed.loan_id"
    cutoff = as_of - timedelta(days=off_balance_days)
    return join, _ARREARS_SUMS, ([cutoff, cutoff], list(params))


_ARREARS = "owed.interest_owed + owed.penalty_owed + owed.compound_owed"
_ARREARS_SUMS = (
    f", COALESCE(SUM(CASE WHEN oldest.since < %s THEN 0 ELSE {_ARREARS} END), 0),"
    f" COALESCE(SUM(CASE WHEN oldest.since < %s THEN {_ARREARS} ELSE 0 END), 0)"
)


def owed_totals(rows, fields: tuple[str, ...] = OWED_FIELDS, *, arrears: tuple[date, int, bool] | None = None) -> dict:
    """count and the sums of OWED_FIELDS over annotated installments, in one query.

    The sums run over the rows' own SELECT as a derived table: the annotations are computed
    once per row and summed, on either path (Django's aggregate over annotations that hold
    subqueries does not carry them into its inner query).
    """
    from django.db import connections

    inner = rows.order_by().values("pk", "loan_id", "payable_on", *fields)
    sql, params = inner.query.sql_with_params()
    sums = ", ".join(f"COALESCE(SUM(owed.{name}), 0)" for name in fields)
    join, more, (sums_params, join_params) = _arrears_sums(*arrears) if arrears else ("", "", ([], []))
    names = [*fields, *(("arrears_on", "arrears_off") if arrears else ())]
    with connections[rows.db].cursor() as cursor:
        # The rows once: a CTE when the 表内/表外 split joins them to their loans' oldest dates.
        if arrears:
            statement = f"WITH owed AS MATERIALIZED ({sql}) SELECT COUNT(*), {sums}{more} FROM owed{join}"  # noqa: S608
        else:
            statement = f"SELECT COUNT(*), {sums} FROM ({sql}) owed"  # noqa: S608 — the ORM's own SQL
        cursor.execute(statement, [*params, *sums_params, *join_params])  # in the order they appear
        count, *values = cursor.fetchone()
    return {"count": count, **dict(zip(names, values, strict=True))}
