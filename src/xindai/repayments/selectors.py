"""Reads of installments and repayments — always through `visible_to(user)`."""

from datetime import date, timedelta

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from xindai.core.display import shown_params
from xindai.core.figures import cached, criteria
from xindai.core.system_settings import get_system_settings
from xindai.loans.models import Installment, Loan
from xindai.loans.owed import OWED_FIELDS, owed_totals, unsettled_on, uses_running_totals, with_arrears, with_owed
from xindai.repayments.batch import BATCH_MAX, BATCH_MISSING, BATCH_TOO_LARGE
from xindai.repayments.filters import DUE, OVERDUE, InstallmentFilter, ListOptions, RepaymentFilter
from xindai.repayments.models import ClassificationChange, EarlyRepayment, Repayment

ROW_RELATED = (
    "loan__customer__county",
    "loan__customer__township",
    "loan__customer__village",
    "loan__officer",
    "loan__handling_branch",
    "loan__loan_type",
)


def owed_list(user, view: str, as_of: date, within: int = 7):
    """Installments in scope overdue on `as_of`, or falling due within `within` days of it,
    with what they owe on that date."""
    base = unsettled_on(Installment.objects.visible_to(user), as_of)
    if view == DUE:
        base = base.filter(payable_on__gte=as_of, payable_on__lte=as_of + timedelta(days=within))
    else:
        base = base.filter(payable_on__lt=as_of)
    return with_owed(base, as_of)


def installment_search(user, params):
    """(list options, filter form, matching installments with what they owe, totals of all of them)."""
    options = ListOptions(params or None)
    view, as_of, within = options.values()
    filterset = InstallmentFilter(
        params or None, queryset=owed_list(user, view, as_of, within), as_of=as_of, viewer=user
    )
    rows = filterset.qs
    if not (params or {}).get("sort"):
        due = F("payable_on")
        if not uses_running_totals(as_of):
            # As of a past date the rows are "unsettled or settled after it": in due-date index
            # order the database would step over every installment settled since, one by one.
            # An expression it cannot match to that index makes it collect the few rows through
            # the two partial indexes and sort them instead.
            due = Coalesce("payable_on", "start_date")
        rows = rows.order_by(due, "loan_id", "period") if view == OVERDUE else rows.order_by(due, "pk")
    if view == OVERDUE:  # 表内/表外欠息 by each row's loan
        split = with_arrears(rows, as_of, get_system_settings().off_balance_days)
        fields = (*OWED_FIELDS, "arrears_on", "arrears_off")
        totals = cached("due-totals", user, (criteria(params), view, as_of, within), lambda: owed_totals(split, fields))
    else:
        totals = cached("due-totals", user, (criteria(params), view, as_of, within), lambda: owed_totals(rows))
    return options, filterset, rows, totals


def page_rows(rows) -> list[Installment]:
    """The rows of one page with their loan, customer, officer and branch (one query)."""
    return list(rows.select_related(*ROW_RELATED))


def owed_rows(installments, paid_on: date):
    """Installments with what settling them in full on `paid_on` comes to (the batch's figures)."""
    rows = installments.filter(settled_on__isnull=True, superseded_on__isnull=True)
    return with_owed(rows, paid_on, stored=True).order_by("due_date", "pk")


def rows_for_export(rows):
    """Every row of the filtered list with its related rows, streamed (Excel export)."""
    yield from rows.select_related(*ROW_RELATED).iterator(chunk_size=2000)


def older_owing():
    """The unsettled installments in force of the outer row's loan before its period: while there
    is one, the outer row cannot be paid (oldest first, domain.md)."""
    return Installment.objects.children_of(OuterRef("loan_id")).filter(
        period__lt=OuterRef("period"), superseded_on__isnull=True, settled_on__isnull=True
    )


def rows_for_page(user, ids, as_of: date, view: str = DUE) -> list[Installment]:
    """The rows of one list page, in the page's order, with what they owe and their related rows.

    The list pages over bare ids (sorting then joins only the loan and its type); the customer,
    region, officer and branch joins run for the rows shown and no others.
    """
    ids = list(ids)
    rows = with_owed(Installment.objects.visible_to(user).filter(pk__in=ids), as_of).select_related(*ROW_RELATED)
    rows = rows.annotate(payable=~Exists(older_owing()))
    if view == OVERDUE:
        rows = with_arrears(rows, as_of, get_system_settings().off_balance_days)
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def installment_in_scope(user, pk: int, as_of: date) -> Installment:
    rows = with_owed(Installment.objects.visible_to(user), as_of).select_related(*ROW_RELATED)
    return get_object_or_404(rows, pk=pk)


def repayment_in_scope(user, pk: int) -> Repayment:
    related = ("loan__customer", "installment", "created_by", "early")
    return get_object_or_404(Repayment.objects.visible_to(user).select_related(*related), pk=pk)


def loan_in_scope(user, pk: int) -> Loan:
    return get_object_or_404(Loan.objects.visible_to(user).select_related("customer", "loan_type"), pk=pk)


def classification_history(user, loan: Loan):
    return ClassificationChange.objects.visible_to(user).filter(loan=loan).select_related("created_by")


def early_repayments(user, loan: Loan):
    return EarlyRepayment.objects.visible_to(user).filter(loan=loan).select_related("created_by")


def customer_repayments(user, customer, limit: int = 20):
    """The customer's latest ledger entries in the user's scope (the customer pop-up)."""
    return ledger(Repayment.objects.visible_to(user).filter(loan__customer=customer))[:limit]


def ledger(entries):
    """Ledger rows for display: is_reversed and is_early marks, related rows, newest first."""
    return (
        entries.annotate(
            is_reversed=Exists(Repayment.objects.children_of(OuterRef("loan")).filter(reverses=OuterRef("pk"))),
            is_early=Exists(EarlyRepayment.objects.children_of(OuterRef("loan")).filter(repayment=OuterRef("pk"))),
        )
        .select_related("loan", "installment", "created_by")
        .order_by("-paid_on", "-id")
    )


LEDGER_TOTALS = ("amount", "principal", "interest", "penalty", "compound")


def repayment_search(user, params):
    """(filter form, matching ledger entries in scope, totals of all of them: reversals net out)."""

    base = Repayment.objects.visible_to(user)
    filterset = RepaymentFilter(params or None, queryset=base)
    entries = filterset.qs
    if not (params or {}).get("sort"):
        entries = entries.order_by("-paid_on", "-id")
    zero = Value(0, output_field=DecimalField(max_digits=16, decimal_places=2))
    totals = entries.order_by().aggregate(
        count=Count("id"), **{name: Coalesce(Sum(name), zero) for name in LEDGER_TOTALS}
    )
    return filterset, entries, totals


def ledger_for_page(user, ids) -> list[Repayment]:
    ids = list(ids)
    rows = ledger(Repayment.objects.visible_to(user).filter(pk__in=ids)).select_related(
        "loan__customer__township", "loan__customer__village", "loan__officer", "loan__handling_branch"
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def batch_chosen(user, ids, count: int) -> tuple[list[int], object, str | None]:
    """(the ids, their installments in scope, why the batch cannot go ahead or None): at most
    BATCH_MAX rows, every one of them in the user's scope."""
    selected = list(ids[: BATCH_MAX + 1])
    chosen = Installment.objects.visible_to(user).filter(pk__in=selected)
    if count > BATCH_MAX:
        return selected, chosen, BATCH_TOO_LARGE % {"max": BATCH_MAX}
    if (missing := len(set(selected)) - chosen.count()) > 0:
        return selected, chosen, BATCH_MISSING % shown_params({"count": missing})
    return selected, chosen, None
