"""Plan versions (还款计划版本): writing a plan's installments and superseding them.

Nothing in force is deleted: a new version supersedes the rows it replaces on its effective
date and adds its own rows, in force from that date. Callers lock the loan first, then its
installments, and own the transaction.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Max

from xindai.core.errors import NotFound
from xindai.loans import schedule
from xindai.loans.calendar import calendar_between
from xindai.loans.models import Installment, Loan, PlanVersion
from xindai.loans.workdays import Calendar, payable_on
from xindai.org.models import User

ZERO = Decimal("0.00")


def penalty_rates(loan: Loan) -> tuple[Decimal, Decimal]:
    """(penalty rate, compound rate) in % a year from the loan's terms: rate × (1 + markup); 0 without compound."""
    rate = loan.annual_rate * (1 + loan.penalty_markup)
    return rate, rate if loan.compound_interest else ZERO


def new_version(loan: Loan, kind: str, effective_from: date, *, actor: User, reason: str = "", lpr=None) -> PlanVersion:
    """The loan's next plan version, on its terms as they are now (the caller set them)."""
    number = (loan.plan_versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return PlanVersion.objects.create(
        loan=loan,
        number=number,
        kind=kind,
        effective_from=effective_from,
        annual_rate=loan.annual_rate,
        penalty_markup=loan.penalty_markup,
        compound_interest=loan.compound_interest,
        lpr=lpr[1] if lpr else None,
        lpr_announced_on=lpr[0] if lpr else None,
        reason=reason[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def rows_for(
    loan: Loan,
    version: PlanVersion,
    plan: Iterable[schedule.Installment],
    *,
    in_force_from: date,
    calendar: Calendar | None = None,
    settle_empty_on: date | None = None,
) -> list[Installment]:
    """Unsaved installments of `plan` for `version`; a row with nothing due is settled when it falls
    due (or on `settle_empty_on`: an early repayment settles the rows it left empty that day)."""
    plan = list(plan)
    if calendar is None and plan:
        calendar = calendar_between(plan[0].due_date, plan[-1].due_date)
    penalty, compound = penalty_rates(loan)
    return [
        Installment(
            loan=loan,
            version=version,
            period=item.period,
            start_date=item.start_date,
            due_date=item.due_date,
            payable_on=payable_on(item.due_date, loan.holiday_rule, calendar),
            in_force_from=in_force_from,
            principal=item.principal,
            interest=item.interest,
            penalty_rate=penalty,
            compound_rate=compound,
            settled_on=None if item.total else (settle_empty_on or item.due_date),
        )
        for item in plan
    ]


def supersede(rows: Iterable[Installment], version: PlanVersion, on: date) -> None:
    """Mark `rows` as replaced by `version` from `on` (one UPDATE)."""
    Installment.objects.children_of(version.loan_id).filter(pk__in=[row.pk for row in rows]).update(
        superseded_on=on, superseded_by=version
    )


def lock_plan(loan_id: int, loans) -> tuple[Loan, list[Installment]]:
    """Lock the loan (from `loans`, the caller's scoped queryset), then its installments in force."""
    try:
        loan = loans.select_for_update(of=("self",)).get(pk=loan_id)
    except Loan.DoesNotExist:
        raise NotFound from None
    rows = list(Installment.objects.children_of(loan).in_force().select_for_update())
    return loan, rows
