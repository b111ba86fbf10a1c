"""Reads for the printed forms — only through `visible_to(user)`, each form's rows in one query."""

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from xindai.loans.models import Installment, Loan

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
NOTICE_RELATED = (
    "customer__county",
    "customer__township",
    "customer__village",
    "customer__group",
    "loan_type",
    "handling_branch",
    "officer",
    "guarantee_group",
)
RECEIPT_RELATED = ("loan__customer", "loan__handling_branch")


def notice_loan(user, pk: int) -> Loan:
    """The loan of a disbursement notice with everything the notice shows; 404 outside the scope."""
    return get_object_or_404(Loan.objects.visible_to(user).select_related(*NOTICE_RELATED), pk=pk)


def receipt_installment(user, pk: int) -> Installment:
    """The installment of an interest receipt, annotated `principal_before`; 404 outside the scope."""
    return get_object_or_404(_receipts(Installment.objects.visible_to(user)), pk=pk)


def receipts_due_on(user, day: date) -> list[Installment]:
    """The interest settlements of `day` in the user's scope: every installment due that day
    with interest to pay, by handling branch and IOU number. One query whatever their number."""
    installments = Installment.objects.visible_to(user).filter(due_date=day, interest__gt=0, superseded_on__isnull=True)
    return list(_receipts(installments).order_by("loan__handling_branch__path", "loan__iou_number", "period"))


def _receipts(installments: QuerySet) -> QuerySet:
    """Annotates `principal_before`: the principal of the loan's earlier periods (the interest
    basis is the loan amount less it, computed in Python, see documents.receipt_for)."""
    earlier = (
        Installment.objects.children_of(OuterRef("loan"))
        .filter(period__lt=OuterRef("period"))
        .order_by()
        .values("loan")
        .annotate(principal=Sum("principal"))
        .values("principal")
    )
    zero = Value(Decimal("0.00"), output_field=MONEY_FIELD)
    return installments.select_related(*RECEIPT_RELATED).annotate(
        principal_before=Coalesce(Subquery(earlier, output_field=MONEY_FIELD), zero)
    )
