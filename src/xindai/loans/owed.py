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

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xindai.loans.models import Installment
from xindai.loans.quality import BUCKET_BOUNDS
from xindai.loans.status import LoanStatus

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


def accrual_sql(owed: str, days: str, late: str, rate: str, paid: str) -> str:
    """The SQL of max(round((owed × days + late) × rate / 36000, 2) − collected, 0), 0 when days
    <= 0 — ``arithmetic.accrual`` less what was collected, over SQL expressions (one definition
    for the ORM expression below and the reports' own statements)."""
    accrued = f"ROUND((({owed}) * ({days}) + ({late})) * ({rate}) / 36000, 2)"
    return f"CASE WHEN ({days}) > 0 THEN GREATEST({accrued} - ({paid}), 0) ELSE 0 END"


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
        params = [*p[1], *p[0], *p[1], *p[2], *p[3], *p[4]]  # in the order accrual_sql writes them
        return accrual_sql(owed, days, late, rate, paid), params


def _ledger():
    """The ledger model (repayments.Repayment), reached by its key to the installment: the app
    above this one owns the entries, this module only sums them."""
    return Installment._meta.get_field("repayments").related_model


def _ledger_sum(field, as_of: date, expression=None):
    entries = _ledger().objects.children_of(OuterRef("loan")).filter(installment=OuterRef("pk"), paid_on__lte=as_of)
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
    """Annotate arrears (the row's interest, penalty and compound owed), arrears_is_off, and
    arrears_on / arrears_off: on or off the balance sheet (表内/表外欠息) by its loan's days
    overdue. A row overdue beyond the limit is off at once; another is off when an older
    installment of its loan is (one EXISTS on the loan's few rows), whatever the list filters."""
    cutoff = as_of - timedelta(days=off_balance_days)
    older = unsettled_on(Installment.objects.children_of(OuterRef("loan_id")).filter(payable_on__lt=cutoff), as_of)
    return rows.annotate(
        arrears=F("interest_owed") + F("penalty_owed") + F("compound_owed"),
        arrears_is_off=ExpressionWrapper(Q(payable_on__lt=cutoff) | Q(Exists(older)), output_field=BooleanField()),
    ).annotate(
        arrears_on=Case(When(arrears_is_off=True, then=ZERO), default=F("arrears"), output_field=MONEY),
        arrears_off=Case(When(arrears_is_off=True, then=F("arrears")), default=ZERO, output_field=MONEY),
    )


ARREARS_SPLIT = ("arrears_on", "arrears_off")


def owed_totals(rows, fields: tuple[str, ...] = OWED_FIELDS) -> dict:
    """count and the sums of `fields` (OWED_FIELDS) over annotated installments, in one query.

    The sums run over the rows' own SELECT as a derived table: the annotations are computed
    once per row and summed, on either path (Django's aggregate over annotations that hold
    subqueries does not carry them into its inner query).
    """
    split = [name for name in fields if name in ARREARS_SPLIT]  # 表内/表外: the flag computed once a row
    selected = [name for name in fields if name not in ARREARS_SPLIT] + (["arrears", "arrears_is_off"] if split else [])
    inner = rows.order_by().values("pk", *selected)
    sql, params = inner.query.sql_with_params()
    sums = ", ".join(
        f"COALESCE(SUM({name}), 0)"
        if name not in ARREARS_SPLIT
        else f"COALESCE(SUM(CASE WHEN arrears_is_off = {name == 'arrears_off'} THEN arrears ELSE 0 END), 0)"
        for name in fields
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), {sums} FROM ({sql}) owed", params)  # noqa: S608 — the ORM's own SQL
        count, *values = cursor.fetchone()
    return {"count": count, **dict(zip(fields, values, strict=True))}


# The status of loans as of a date (normal / overdue / settled), from what their installments owe.


def overdue_installments(as_of: date, loan=None):
    """Installments of `loan` (default: the outer query's loan) unpaid after their due date on
    `as_of` (overdue from the day after)."""
    loan = OuterRef("pk") if loan is None else loan
    return unsettled_on(Installment.objects.children_of(loan).filter(payable_on__lt=as_of), as_of)


def with_status(loans, as_of: date):
    """Annotate `status` (normal / overdue / settled) as of a date."""
    overdue = Exists(overdue_installments(as_of))
    return loans.annotate(
        is_overdue=overdue,
        status=Case(
            When(settled_on__isnull=False, settled_on__lte=as_of, then=Value(LoanStatus.SETTLED.value)),
            When(overdue, then=Value(LoanStatus.OVERDUE.value)),
            default=Value(LoanStatus.NORMAL.value),
        ),
    )


def loans_with_status(loans, status: str, as_of: date):
    """The loans of `loans` whose status on `as_of` is `status` (the same rule as with_status)."""
    settled = Q(settled_on__isnull=False, settled_on__lte=as_of)
    overdue = Q(Exists(overdue_installments(as_of)))
    if status == LoanStatus.SETTLED:
        return loans.filter(settled)
    if status == LoanStatus.OVERDUE:
        return loans.filter(overdue).exclude(settled)
    return loans.exclude(settled).exclude(overdue)
