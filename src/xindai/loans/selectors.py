"""Reads of loans and plans — always through `visible_to(user)`; statuses as of a date in SQL."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from xindai.core.figures import cached, criteria
from xindai.core.models import AuditLog
from xindai.core.system_settings import get_system_settings
from xindai.loans import schedule
from xindai.loans.classification import with_classification
from xindai.loans.filters import LoanFilter
from xindai.loans.models import Installment, Loan, PlanVersion
from xindai.loans.owed import overdue_installments, owed_totals, unsettled_on, with_owed, with_status
from xindai.loans.quality import off_balance
from xindai.loans.services import LoanTerms, check_type_limits, plan_for
from xindai.loans.status import installment_status

LIST_RELATED = ("customer", "customer__township", "customer__village", "loan_type", "handling_branch", "officer")
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def loan_search(user, params, *, as_of: date | None = None):
    """(filter form, matching loans in scope with their status, totals of the whole filtered set)."""
    as_of = as_of or timezone.localdate()
    base = Loan.objects.visible_to(user)
    filterset = LoanFilter(params or None, queryset=base, as_of=as_of, viewer=user)
    loans = filterset.qs
    if not (params or {}).get("sort"):
        loans = loans.order_by("-start_date", "-id")
    totals = cached(  # the same search's totals while paging through it (core/figures.py)
        "loan-totals",
        user,
        (criteria(params), as_of),
        lambda: loans.order_by().aggregate(
            count=Count("id"),
            amount=Coalesce(Sum("amount"), ZERO),
            outstanding=Coalesce(Sum("outstanding_principal"), ZERO),
        ),
    )
    return filterset, loans, totals


def loans_for_page(user, ids, as_of: date | None = None) -> list[Loan]:
    """The loans of one list page, with status and related rows, in the page's order.

    The list pages over bare ids (a deep page then sorts and skips ids only); the costly parts,
    joins and the status subquery, are computed for the rows shown and no others.
    """
    ids = list(ids)
    as_of = as_of or timezone.localdate()
    loans = with_classification(with_status(Loan.objects.visible_to(user).filter(pk__in=ids), as_of), as_of)
    loans = loans.select_related(*LIST_RELATED)
    by_id = {loan.pk: loan for loan in loans}
    return [by_id[pk] for pk in ids if pk in by_id]


def loans_for_export(loans, as_of: date | None = None):
    """The filtered loans with status, days overdue and classification (one query)."""
    as_of = as_of or timezone.localdate()
    return with_classification(with_status(loans, as_of), as_of)


def loan_detail(user, pk: int) -> Loan:
    as_of = timezone.localdate()
    loans = with_classification(with_status(Loan.objects.visible_to(user), as_of), as_of).select_related(
        *LIST_RELATED, "customer__county", "customer__group", "guarantee_group", "created_by"
    )
    return get_object_or_404(loans, pk=pk)


def group_members(user, group) -> list:
    """The members of a joint-guarantee group that `user` sees (never the others)."""
    if group is None:
        return []
    return list(group.members.visible_to(user).select_related("village").order_by("name"))


def plan_rows(loan: Loan, as_of: date | None = None) -> tuple[list[Installment], dict]:
    """The loan's installments with balance and status for display, and the plan's totals."""
    as_of = as_of or timezone.localdate()
    # The plan in force on `as_of` (a prefetch is used when there is one): superseded rows are history.
    rows = sorted(
        (
            r
            for r in loan.installments.all()
            if r.in_force_from <= as_of and (r.superseded_on is None or r.superseded_on > as_of)
        ),
        key=lambda row: row.period,
    )
    balance = loan.amount
    oldest_owing = next((row for row in rows if row.settled_on is None), None)
    for row in rows:
        row.payable = row is oldest_owing  # paid oldest first (domain.md): one row takes payments
        balance -= row.principal
        row.balance = balance
        row.days = (row.due_date - row.start_date).days
        row.paid = row.principal_paid + row.interest_paid
        row.penalty_and_compound_paid = row.penalty_paid + row.compound_paid
        row.status = installment_status(
            due_date=row.due_date, settled_on=row.settled_on, paid_any=row.paid > 0, as_of=as_of
        )
    totals = {
        "principal": sum((r.principal for r in rows), Decimal("0.00")),
        "interest": sum((r.interest for r in rows), Decimal("0.00")),
    }
    totals["total"] = totals["principal"] + totals["interest"]
    totals["paid"] = sum((r.paid for r in rows), Decimal("0.00"))
    for name, attribute in (("principal_paid", "principal_paid"), ("interest_paid", "interest_paid")):
        totals[name] = sum((getattr(r, attribute) for r in rows), Decimal("0.00"))
    totals["penalty_paid"] = sum((r.penalty_and_compound_paid for r in rows), Decimal("0.00"))
    return rows, totals


def loan_history(loan: Loan):
    return AuditLog.objects.about(loan)


def customer_loans(user, customer):
    """The customer's loans the user may see, newest first, with status."""
    loans = with_status(Loan.objects.visible_to(user).filter(customer=customer), timezone.localdate())
    return (
        loans.select_related("loan_type", "handling_branch", "officer")
        .prefetch_related("installments")
        .order_by("-start_date")
    )


def overview_figures(user, as_of: date) -> dict:
    """Loan figures of the home page: two aggregate queries whatever the size of the book."""
    loans = Loan.objects.visible_to(user)
    overdue = Exists(overdue_installments(as_of))
    live = Q(settled_on__isnull=True) | Q(settled_on__gt=as_of)
    figures = loans.aggregate(
        loans=Count("id"),
        disbursed=Coalesce(Sum("amount"), ZERO),
        outstanding=Coalesce(Sum("outstanding_principal", filter=live), ZERO),
        overdue_loans=Count("id", filter=Q(overdue)),
        overdue_outstanding=Coalesce(Sum("outstanding_principal", filter=Q(overdue)), ZERO),
    )
    owed = F("principal") + F("interest") - F("principal_paid") - F("interest_paid")
    unpaid = Installment.objects.visible_to(user).filter(
        settled_on__isnull=True, superseded_on__isnull=True, payable_on__gte=as_of
    )
    week, month = as_of + timedelta(days=7), as_of + timedelta(days=30)
    figures.update(
        unpaid.aggregate(
            due_7=Count("id", filter=Q(payable_on__lte=week)),
            due_7_amount=Coalesce(Sum(owed, filter=Q(payable_on__lte=week)), ZERO),
            due_30=Count("id", filter=Q(payable_on__lte=month)),
            due_30_amount=Coalesce(Sum(owed, filter=Q(payable_on__lte=month)), ZERO),
        )
    )
    return figures


def plan_versions(user, loan: Loan):
    """The loan's plan versions, oldest first: its rate history and what changed it."""
    return PlanVersion.objects.visible_to(user).filter(loan=loan).select_related("created_by").order_by("number")


def loan_arrears(loan: Loan, days_overdue: int, as_of: date | None = None) -> dict:
    """Interest, penalty and compound owed on the loan's overdue installments, and whether it is
    on or off the balance sheet (表内/表外欠息: more than the setting's days overdue)."""
    as_of = as_of or timezone.localdate()
    overdue = unsettled_on(loan.installments.filter(payable_on__lt=as_of), as_of)
    totals = owed_totals(with_owed(overdue, as_of))
    owed = totals["interest_owed"] + totals["penalty_owed"] + totals["compound_owed"]
    off = off_balance(days_overdue, get_system_settings().off_balance_days)
    return {"on_balance": Decimal("0.00") if off else owed, "off_balance": owed if off else Decimal("0.00")}


def plan_preview(terms: LoanTerms) -> tuple[list[schedule.Installment], dict[str, Decimal]]:
    """The plan a new loan's terms would generate and its totals (the form's preview, the API's),
    after the loan type's limits; a BusinessError says what is wrong."""
    check_type_limits(terms)
    plan = plan_for(terms)
    totals = {
        "principal": sum((i.principal for i in plan), Decimal("0.00")),
        "interest": sum((i.interest for i in plan), Decimal("0.00")),
    }
    totals["total"] = totals["principal"] + totals["interest"]
    return plan, totals
