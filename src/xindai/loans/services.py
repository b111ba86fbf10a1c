"""Writes of loans and their plans. The plan is computed by the pure engine and stored with the
loan in one transaction; one bulk path serves the demo and the Excel import."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.bulk import bulk_insert_values
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.scope import UNIQUE, Reach, scope_for
from xindai.loans import schedule
from xindai.loans.models import GuaranteeGroup, Installment, Loan, LoanType

DUPLICATE_IOU = _("IOU number %(iou)s is already registered.")
AMOUNT_OUTSIDE_TYPE = _("The amount of a %(type)s loan must be between %(min)s and %(max)s yuan.")
TERM_OUTSIDE_TYPE = _("The term of a %(type)s loan must be between %(min)s and %(max)s months.")
TYPE_INACTIVE = _("The loan type %(type)s is no longer in use.")
BRANCH_OUT_OF_SCOPE = _("You can only register loans handled by a branch in your data scope.")
OFFICER_OUT_OF_SCOPE = _("The loan officer must be an active user in your data scope (yourself, with personal data).")
CUSTOMER_OUT_OF_SCOPE = _("This customer is outside your data scope.")
GROUP_OUT_OF_SCOPE = _("This joint-guarantee group is outside your data scope.")
HAS_REPAYMENTS = _("Repayments have been recorded on this loan: its financial terms can no longer change.")
DELETE_HAS_REPAYMENTS = _("Repayments have been recorded on this loan: it cannot be deleted.")

FINANCIAL_FIELDS = ("amount", "loan_type", "annual_rate", "start_date", "end_date", "method", "settlement_day")
DESCRIPTIVE_FIELDS = ("purpose", "guarantee_group")
LOAN_FIELDS = ["customer", "iou_number", *FINANCIAL_FIELDS, "purpose", "handling_branch", "officer", "guarantee_group"]


@dataclass
class LoanTerms:
    """What a new loan is made of, before it is stored."""

    customer_id: int
    iou_number: str
    amount: Decimal
    loan_type: LoanType
    annual_rate: Decimal
    start_date: date
    end_date: date
    method: str
    handling_branch_id: int
    officer_id: int
    purpose: str = ""
    guarantee_group_id: int | None = None
    settlement_day: int | None = None
    custom_plan: Sequence[tuple[date, Decimal]] | None = None
    paid_periods: int = 0  # imported loans: the first N installments were repaid in full on their due dates
    # A book brought in whole (the benchmarks): installments due on or before it were repaid on their due dates.
    paid_until: date | None = None
    extra: dict = field(default_factory=dict)


def term_months(start: date, end: date) -> int:
    """Whole months from start to end, a started month counting as one."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + (1 if end.day > start.day else 0)


def plan_for(terms: LoanTerms) -> list[schedule.Installment]:
    """The repayment plan of `terms`, or a BusinessError with the engine's reason in Chinese."""
    try:
        return schedule.generate_schedule(
            amount=terms.amount,
            annual_rate=terms.annual_rate,
            start=terms.start_date,
            end=terms.end_date,
            method=terms.method,
            settlement_day=terms.settlement_day or terms.loan_type.settlement_day,
            custom_plan=terms.custom_plan,
        )
    except schedule.ScheduleError as err:
        raise BusinessError(translate_pure_error(err), field=_schedule_error_field(err.code)) from None


def _schedule_error_field(code: str) -> str | None:
    if code.startswith("amount"):
        return "amount"
    if code.startswith("rate"):
        return "annual_rate"
    if code in ("term_not_whole_months", "end_not_after_start"):
        return "end_date"
    if code.startswith("custom_plan"):
        return "custom_plan"
    return None


def check_type_limits(terms: LoanTerms) -> None:
    loan_type = terms.loan_type
    if not loan_type.is_active:
        raise BusinessError(TYPE_INACTIVE, {"type": loan_type.name}, field="loan_type")
    if not loan_type.min_amount <= terms.amount <= loan_type.max_amount:
        raise BusinessError(
            AMOUNT_OUTSIDE_TYPE,
            {"type": loan_type.name, "min": f"{loan_type.min_amount:,.2f}", "max": f"{loan_type.max_amount:,.2f}"},
            field="amount",
        )
    months = term_months(terms.start_date, terms.end_date)
    if not loan_type.min_term_months <= months <= loan_type.max_term_months:
        raise BusinessError(
            TERM_OUTSIDE_TYPE,
            {"type": loan_type.name, "min": loan_type.min_term_months, "max": loan_type.max_term_months},
            field="end_date",
        )


def check_actor_scope(actor, terms: LoanTerms, officer_branch_id: int | None) -> None:
    """A loan the actor registers must land inside the actor's own data scope."""
    from xindai.customers.models import Customer

    if not Customer.objects.visible_to(actor).filter(pk=terms.customer_id).exists():
        raise BusinessError(CUSTOMER_OUT_OF_SCOPE, field="customer")
    scope = scope_for(actor)
    if scope.reach == Reach.BRANCH and terms.handling_branch_id not in scope.branch_ids:
        raise BusinessError(BRANCH_OUT_OF_SCOPE, field="handling_branch")
    if officer_branch_id is None or (scope.reach == Reach.BRANCH and officer_branch_id not in scope.branch_ids):
        raise BusinessError(OFFICER_OUT_OF_SCOPE, field="officer")
    group = terms.guarantee_group_id
    if group is not None and not GuaranteeGroup.objects.visible_to(actor).filter(pk=group).exists():
        raise BusinessError(GROUP_OUT_OF_SCOPE, field="guarantee_group")
    if scope.reach == Reach.PERSONAL and terms.officer_id != actor.pk:
        raise BusinessError(OFFICER_OUT_OF_SCOPE, field="officer")


def _prepaid(terms: LoanTerms | None, item: schedule.Installment) -> bool:
    """Whether an installment of a loan brought in from elsewhere was already repaid in full."""
    if terms is None:
        return False
    return item.period <= terms.paid_periods or (terms.paid_until is not None and item.due_date <= terms.paid_until)


INSTALLMENT_COLUMNS = (
    "loan",
    "period",
    "start_date",
    "due_date",
    "principal",
    "interest",
    "principal_paid",
    "interest_paid",
    "penalty_paid",
    "compound_paid",
    "late_principal_days",
    "late_interest_days",
    "settled_on",
)
_ZERO = Decimal("0.00")


def _installment_values(loan_id: int, plan: Iterable[schedule.Installment], terms: LoanTerms | None):
    """The bulk path's installment rows as plain tuples in INSTALLMENT_COLUMNS order."""
    for item in plan:
        paid = _prepaid(terms, item)
        yield (
            loan_id,
            item.period,
            item.start_date,
            item.due_date,
            item.principal,
            item.interest,
            item.principal if paid else _ZERO,
            item.interest if paid else _ZERO,
            _ZERO,
            _ZERO,
            _ZERO,  # repaid on the due date: not late
            _ZERO,
            item.due_date if paid or not item.total else None,  # nothing due: settled when it falls due
        )


def _installment_rows(
    loan: Loan, plan: Iterable[schedule.Installment], terms: LoanTerms | None = None
) -> list[Installment]:
    """The plan as Installment instances (the one-loan paths)."""
    return [
        Installment(loan=loan, **dict(zip(INSTALLMENT_COLUMNS[1:], values[1:], strict=True)))
        for values in _installment_values(loan.pk, plan, terms)
    ]


def _new_loan(terms: LoanTerms, plan: list[schedule.Installment], actor) -> Loan:
    repaid = sum((i.principal for i in plan if _prepaid(terms, i)), Decimal("0.00"))
    outstanding = terms.amount - repaid
    return Loan(
        customer_id=terms.customer_id,
        iou_number=terms.iou_number,
        amount=terms.amount,
        loan_type=terms.loan_type,
        annual_rate=terms.annual_rate,
        purpose=terms.purpose,
        start_date=terms.start_date,
        end_date=terms.end_date,
        method=terms.method,
        settlement_day=terms.settlement_day or terms.loan_type.settlement_day,
        handling_branch_id=terms.handling_branch_id,
        officer_id=terms.officer_id,
        guarantee_group_id=terms.guarantee_group_id,
        outstanding_principal=outstanding,
        settled_on=plan[-1].due_date if outstanding == 0 else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def loan_create(*, actor, terms: LoanTerms) -> Loan:
    """Register a loan and its generated plan in one transaction (新增贷款)."""
    check_type_limits(terms)
    check_actor_scope(actor, terms, _officer_branch(terms.officer_id))
    plan = plan_for(terms)
    with transaction.atomic():
        if Loan.objects.visible_to(UNIQUE).filter(iou_number=terms.iou_number).exists():
            raise BusinessError(DUPLICATE_IOU, {"iou": terms.iou_number}, field="iou_number")
        loan = _new_loan(terms, plan, actor)
        loan.save()
        Installment.objects.bulk_create(_installment_rows(loan, plan, terms))
        audit.record(actor, "loans.loan.created", loan, changes=audit.snapshot(loan, LOAN_FIELDS))
    return loan


def loans_bulk_create(*, actor, terms_list: Sequence[LoanTerms], batch_size: int = 2000) -> int:
    """Create many loans with their plans (the demo, the Excel import): schedules computed in
    Python, loans bulk-inserted (their ids come back), installments COPYed on PostgreSQL,
    one audit row for the batch. The caller owns the
    transaction and has validated the terms (limits, scope, unique IOU numbers).

    1. compute every plan; 2. insert the loans of a batch; 3. insert their installments.
    """
    created = 0
    for offset in range(0, len(terms_list), batch_size):
        batch = terms_list[offset : offset + batch_size]
        plans = [plan_for(terms) for terms in batch]
        loans = Loan.objects.bulk_create([_new_loan(t, p, actor) for t, p in zip(batch, plans, strict=True)])
        rows = [
            row
            for loan, terms, plan in zip(loans, batch, plans, strict=True)
            for row in _installment_values(loan.pk, plan, terms)
        ]
        bulk_insert_values(Installment, INSTALLMENT_COLUMNS, rows)
        created += len(loans)
    audit.record(actor, "loans.loan.bulk_created", changes={"loans": created})
    return created


def _financial_terms(source: Loan | LoanTerms) -> tuple:
    """The terms a plan is computed from (and the borrower): fixed once money was repaid."""
    loan_type = source.loan_type
    return (
        source.customer_id,
        source.amount,
        loan_type.pk,
        source.annual_rate,
        source.start_date,
        source.end_date,
        source.method,
        source.settlement_day or loan_type.settlement_day,
    )


def _officer_branch(officer_id: int) -> int | None:
    from xindai.org.models import User

    return User.objects.filter(pk=officer_id, is_active=True).values_list("branch_id", flat=True).first()


def has_repayments(loan: Loan) -> bool:
    """Whether any money was ever recorded against the loan — a ledger entry, even a reversed
    one, or periods imported as repaid. Then its terms and plan are fixed."""
    if loan.repayments.exists():
        return True
    return loan.installments.exclude(principal_paid=0, interest_paid=0, penalty_paid=0, compound_paid=0).exists()


def loan_update(*, actor, loan: Loan, terms: LoanTerms) -> Loan:
    """Change a loan. Before any repayment the financial terms may change and the plan is
    regenerated; afterwards only the descriptive fields do."""
    with transaction.atomic():
        locked = Loan.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=loan.pk)
        before = audit.snapshot(locked, LOAN_FIELDS)
        financial_change = _financial_terms(locked) != _financial_terms(terms)
        if financial_change and has_repayments(locked):
            raise BusinessError(HAS_REPAYMENTS)
        taken = Loan.objects.visible_to(UNIQUE).filter(iou_number=terms.iou_number).exists()
        if terms.iou_number != locked.iou_number and taken:
            raise BusinessError(DUPLICATE_IOU, {"iou": terms.iou_number}, field="iou_number")
        if financial_change:
            check_type_limits(terms)
        check_actor_scope(actor, terms, _officer_branch(terms.officer_id))
        for name in ("customer_id", "iou_number", "purpose", "handling_branch_id", "officer_id", "guarantee_group_id"):
            setattr(locked, name, getattr(terms, name))
        if financial_change:
            plan = plan_for(terms)
            fresh = _new_loan(terms, plan, actor)
            for name in (
                "amount",
                "loan_type",
                "annual_rate",
                "start_date",
                "end_date",
                "method",
                "settlement_day",
                "outstanding_principal",
                "settled_on",
            ):
                setattr(locked, name, getattr(fresh, name))
            locked.installments.all().delete()
            Installment.objects.bulk_create(_installment_rows(locked, plan))
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, LOAN_FIELDS))
        audit.record(actor, "loans.loan.changed", locked, changes={**changes, "plan_regenerated": financial_change})
    return locked


def loan_delete(*, actor, loan: Loan) -> None:
    with transaction.atomic():
        locked = Loan.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=loan.pk)
        if has_repayments(locked):
            raise BusinessError(DELETE_HAS_REPAYMENTS)
        audit.record(actor, "loans.loan.deleted", locked, changes=audit.snapshot(locked, LOAN_FIELDS))
        locked.delete()


def guarantee_group_create(*, actor, name: str, member_ids: Sequence[int]) -> GuaranteeGroup:
    """Form a joint-guarantee group (联保小组) from customers."""
    from xindai.customers.models import Customer

    visible = set(Customer.objects.visible_to(actor).filter(pk__in=member_ids).values_list("pk", flat=True))
    if visible != set(member_ids):
        raise BusinessError(CUSTOMER_OUT_OF_SCOPE, field="members")
    with transaction.atomic():
        group = GuaranteeGroup.objects.create(name=name, created_by=actor)
        group.members.add(*member_ids)
        audit.record(actor, "loans.group.created", group, changes={"members": list(member_ids)})
    return group


LOAN_TYPE_FIELDS = [
    "name",
    "default_method",
    "default_rate",
    "penalty_markup",
    "compound_interest",
    "settlement_day",
    "min_amount",
    "max_amount",
    "min_term_months",
    "max_term_months",
    "is_active",
]


def loan_type_save(*, actor, loan_type: LoanType | None = None, **values) -> LoanType:
    loan_type = loan_type or LoanType()
    with transaction.atomic():
        before = audit.snapshot(loan_type, LOAN_TYPE_FIELDS) if loan_type.pk else {}
        for name, value in values.items():
            setattr(loan_type, name, value)
        loan_type.save()
        audit.record(
            actor,
            "loans.type.saved",
            loan_type,
            changes=audit.diff(before, audit.snapshot(loan_type, LOAN_TYPE_FIELDS)),
        )
    return loan_type


def loan_register(
    *, actor, terms: LoanTerms, new_group_name: str = "", new_group_member_ids: Sequence[int] = ()
) -> Loan:
    """The new-loan page's action: form the new guarantee group, if asked, and register the
    loan, all or nothing."""
    with transaction.atomic():
        if new_group_name:
            members = {*new_group_member_ids, terms.customer_id}
            terms.guarantee_group_id = guarantee_group_create(
                actor=actor, name=new_group_name, member_ids=sorted(members)
            ).pk
        return loan_create(actor=actor, terms=terms)
