"""Reads of collateral and guarantors: coverage in SQL, lists, a person's exposure."""

from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, Round
from django.shortcuts import get_object_or_404

from xindai.collateral.models import DEFAULT_HAIRCUTS, Collateral, Guarantor, Haircut, Kind
from xindai.loans.models import Loan

DEC = DecimalField(max_digits=20, decimal_places=6)
ZERO = Value(Decimal("0"), output_field=DEC)


def haircuts() -> dict[str, Decimal]:
    """The haircut of every kind: the administrator's, else the default."""
    table = {kind.value: value for kind, value in DEFAULT_HAIRCUTS.items()}
    table.update(Haircut.objects.values_list("kind", "haircut"))
    return table


def _haircut_of_kind():
    """SQL: the haircut of a collateral row's kind (the setting, else the default)."""
    default = Case(
        *[When(kind=kind.value, then=Value(value)) for kind, value in DEFAULT_HAIRCUTS.items()],
        output_field=DEC,
    )
    setting = Haircut.objects.filter(kind=OuterRef("kind")).values("haircut")[:1]
    return Coalesce(Subquery(setting, output_field=DEC), default)


def in_force_on(as_of: date | None = None) -> Q:
    """Collateral in force on `as_of` (today when None): registered by then, not released."""
    if as_of is None:
        return Q(released_on__isnull=True)
    return Q(created_at__date__lte=as_of) & (Q(released_on__isnull=True) | Q(released_on__gt=as_of))


def covered_value(loan_ref: str = "pk", as_of: date | None = None):
    """SQL: Σ value × (1 − haircut) of a loan's collateral in force, 0 without any."""
    rows = (
        Collateral.objects.children_of(OuterRef(loan_ref))
        .filter(in_force_on(as_of))
        .annotate(covered=ExpressionWrapper(F("value") * (1 - _haircut_of_kind()), output_field=DEC))
        .order_by()
        .values("loan")
        .annotate(total=Sum("covered"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=DEC), ZERO)


def with_coverage(loans, as_of: date | None = None):
    """Loans annotated with `covered` (yuan, 2 places) and `coverage` (ratio, 4 places; None
    without outstanding principal): value × (1 − haircut) / outstanding principal."""
    return loans.annotate(
        covered=Round(covered_value("pk", as_of), 2),
        has_collateral=Exists(Collateral.objects.children_of(OuterRef("pk")).filter(in_force_on(as_of))),
        coverage=Case(
            When(outstanding_principal__gt=0, then=Round(covered_value("pk", as_of) / F("outstanding_principal"), 4)),
            default=None,
            output_field=DEC,
        ),
    )


def loan_coverage(user, loan) -> Decimal | None:
    row = with_coverage(Loan.objects.visible_to(user).filter(pk=loan.pk)).values("coverage")
    return row[0]["coverage"] if row else None


def below_coverage(user, threshold: Decimal):
    """Unsettled loans in scope with collateral in force whose coverage is below `threshold`."""
    loans = Loan.objects.visible_to(user).filter(settled_on__isnull=True, outstanding_principal__gt=0)
    return (
        with_coverage(loans)
        .filter(has_collateral=True, coverage__lt=threshold)
        .select_related("customer", "customer__village", "officer")
        .order_by("coverage", "id")
    )


def collateral_search(user, params) -> tuple:
    """Collateral in force in scope, by kind and village, with totals."""
    rows = Collateral.objects.visible_to(user).filter(released_on__isnull=True)
    if params.get("kind") in Kind.values:
        rows = rows.filter(kind=params["kind"])
    if str(params.get("village", "")).isdigit():
        rows = rows.filter(
            Q(village_id=params["village"]) | Q(village__isnull=True, loan__customer__village_id=params["village"])
        )
    if params.get("q"):
        rows = rows.filter(Q(loan__iou_number__icontains=params["q"]) | Q(loan__customer__name__icontains=params["q"]))
    totals = rows.aggregate(count=Count("id"), value=Coalesce(Sum("value"), ZERO), heads=Coalesce(Sum("head_count"), 0))
    rows = rows.select_related("loan", "loan__customer", "village", "loan__customer__village").order_by("-id")
    return rows, totals


def loan_collateral(user, loan) -> list[Collateral]:
    return list(
        Collateral.objects.children_of(loan).prefetch_related("ear_tags").select_related("village").order_by("id")
    )


def loan_guarantors(user, loan) -> list[Guarantor]:
    return list(Guarantor.objects.children_of(loan).select_related("customer").order_by("id"))


def loan_in_scope(user, pk: int) -> Loan:
    return get_object_or_404(Loan.objects.visible_to(user).select_related("customer"), pk=pk)


def collateral_in_scope(user, pk: int) -> Collateral:
    return get_object_or_404(Collateral.objects.visible_to(user).select_related("loan"), pk=pk)


def guarantor_search(user, params):
    rows = Guarantor.objects.visible_to(user).filter(released_on__isnull=True)
    if params.get("q"):
        rows = rows.filter(Q(name__icontains=params["q"]) | Q(loan__iou_number__icontains=params["q"]))
    return rows.select_related("loan", "loan__customer", "customer").order_by("-id")


def exposure(user, customer) -> dict:
    """A person's exposure (风险敞口) as `user` sees it: the outstanding principal of their own
    unsettled loans plus what they guarantee on others' (each guarantee at most what that
    loan still owes)."""
    own = Loan.objects.visible_to(user).filter(customer=customer, settled_on__isnull=True)
    own_total = own.aggregate(total=Coalesce(Sum("outstanding_principal"), ZERO))["total"]
    guarantees = (
        Guarantor.objects.visible_to(user)
        .filter(Q(customer=customer) | Q(id_number=customer.id_number))
        .filter(released_on__isnull=True, loan__settled_on__isnull=True)
        .select_related("loan", "loan__customer")
        .annotate(exposed=Least(F("amount"), F("loan__outstanding_principal")))
        .order_by("-id")
    )
    rows = list(guarantees)
    guaranteed = sum((g.exposed for g in rows), Decimal("0.00"))
    return {"own": own_total, "guaranteed": guaranteed, "total": own_total + guaranteed, "guarantees": rows}
