"""Writes of loans and their plans. The plan is computed by the pure engine and stored with the
loan in one transaction; one bulk path serves the demo and the Excel import."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.bulk import bulk_insert_values
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.scope import UNIQUE, Reach, scope_for
from xindai.customers.models import Customer
from xindai.loans import lpr, plans, schedule
from xindai.loans.calendar import calendar_between
from xindai.loans.models import (
    MAX_MARKUP,
    MIN_MARKUP,
    ContractTerms,
    GuaranteeGroup,
    Installment,
    Loan,
    LoanType,
    PlanVersion,
    RateType,
)
from xindai.loans.workdays import payable_on
from xindai.org.models import User

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
MARKUP_RANGE = _("The penalty markup must be between 0.3 and 0.5 (30 to 50 percent above the contract rate).")

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
    "version",
    "period",
    "start_date",
    "due_date",
    "payable_on",
    "in_force_from",
    "principal",
    "interest",
    "penalty_rate",
    "compound_rate",
    "principal_paid",
    "interest_paid",
    "penalty_paid",
    "compound_paid",
    "late_principal_days",
    "late_interest_days",
    "settled_on",
)
_ZERO = Decimal("0.00")


def _installment_values(loan: Loan, version_id: int, plan, terms: LoanTerms | None, calendar):
    """The bulk path's installment rows as plain tuples in INSTALLMENT_COLUMNS order. Periods
    brought in as repaid are settled on their due dates (their ledger entries follow)."""
    penalty, compound = plans.penalty_rates(loan)
    for item in plan:
        paid = _prepaid(terms, item)
        yield (
            loan.pk,
            version_id,
            item.period,
            item.start_date,
            item.due_date,
            payable_on(item.due_date, loan.holiday_rule, calendar),
            loan.start_date,
            item.principal,
            item.interest,
            penalty,
            compound,
            item.principal if paid else _ZERO,
            item.interest if paid else _ZERO,
            _ZERO,
            _ZERO,
            _ZERO,  # repaid on the due date: not late
            _ZERO,
            item.due_date if paid or not item.total else None,  # nothing due: settled when it falls due
        )


def _new_loan(terms: LoanTerms, plan: list[schedule.Installment], actor) -> Loan:
    """The loan of `terms`, its contract terms copied from its type (they are the loan's from now on)."""
    repaid = sum((i.principal for i in plan if _prepaid(terms, i)), Decimal("0.00"))
    outstanding = terms.amount - repaid
    loan = Loan(
        customer_id=terms.customer_id,
        iou_number=terms.iou_number,
        amount=terms.amount,
        loan_type=terms.loan_type,
        annual_rate=terms.annual_rate,
        purpose=terms.purpose,
        start_date=terms.start_date,
        end_date=terms.end_date,
        method=terms.method,
        handling_branch_id=terms.handling_branch_id,
        officer_id=terms.officer_id,
        guarantee_group_id=terms.guarantee_group_id,
        outstanding_principal=outstanding,
        settled_on=plan[-1].due_date if outstanding == 0 else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for name in ContractTerms.TERM_FIELDS:
        setattr(loan, name, getattr(terms.loan_type, name))
    loan.settlement_day = terms.settlement_day or terms.loan_type.settlement_day
    return loan


def _price(terms: LoanTerms) -> tuple | None:
    """An LPR loan's rate: the LPR of its tenor last published before its start, plus its type's
    spread. Sets `terms.annual_rate`; returns the (announced_on, LPR) used, None for fixed rates."""
    if terms.loan_type.rate_type != RateType.LPR:
        return None
    quote = lpr.quote_before(terms.start_date, lpr.tenor(terms.start_date, terms.end_date))
    terms.annual_rate = lpr.priced(quote[1], terms.loan_type.lpr_spread_bp)
    return quote


def _first_version(loan: Loan, actor, quote=None) -> PlanVersion:
    return PlanVersion(
        loan=loan,
        number=1,
        kind=PlanVersion.Kind.ORIGINAL,
        effective_from=loan.start_date,
        annual_rate=loan.annual_rate,
        penalty_markup=loan.penalty_markup,
        compound_interest=loan.compound_interest,
        lpr=quote[1] if quote else None,
        lpr_announced_on=quote[0] if quote else None,
        created_by=loan.created_by,
    )


# The ledger entries of periods brought in as repaid (已还期数) are written by the app that owns
# the ledger (repayments/history.py), which registers its writer (loan ids, actor) here.
_PAID_HISTORY: list[Callable[[list[int], User | None], int]] = []


def on_paid_history(record: Callable[[list[int], User | None], int]) -> Callable:
    _PAID_HISTORY.append(record)
    return record


def _store_plans(loans: list[Loan], terms_list, plan_list, actor, quotes) -> None:
    """Version 1 of each loan, its installments (COPY) and the ledger of periods brought in as repaid."""
    versions = PlanVersion.objects.bulk_create(
        [_first_version(loan, actor, quote) for loan, quote in zip(loans, quotes, strict=True)]
    )
    dates = [item.due_date for plan in plan_list for item in (plan[0], plan[-1])]
    calendar = calendar_between(min(dates), max(dates))
    rows = [
        row
        for loan, version, terms, plan in zip(loans, versions, terms_list, plan_list, strict=True)
        for row in _installment_values(loan, version.pk, plan, terms, calendar)
    ]
    bulk_insert_values(Installment, INSTALLMENT_COLUMNS, rows)
    if any(terms.paid_periods or terms.paid_until for terms in terms_list):
        for record in _PAID_HISTORY:
            record([loan.pk for loan in loans], actor)


def loan_create(*, actor, terms: LoanTerms) -> Loan:
    """Register a loan and its generated plan in one transaction (新增贷款)."""
    with transaction.atomic(durable=True):
        return _create(actor, terms)


def _create(actor, terms: LoanTerms) -> Loan:
    check_type_limits(terms)
    check_actor_scope(actor, terms, _officer_branch(terms.officer_id))
    quote = _price(terms)
    plan = plan_for(terms)
    if Loan.objects.visible_to(UNIQUE).filter(iou_number=terms.iou_number).exists():
        raise BusinessError(DUPLICATE_IOU, {"iou": terms.iou_number}, field="iou_number")
    loan = _new_loan(terms, plan, actor)
    loan.save()
    _store_plans([loan], [terms], [plan], actor, [quote])
    audit.record(actor, AuditAction.LOAN_CREATED, loan, changes=audit.snapshot(loan, LOAN_FIELDS))
    return loan


def loans_bulk_create(*, actor, terms_list: Sequence[LoanTerms], batch_size: int = 2000) -> int:
    """Create many loans with their plans (the demo, the Excel import): schedules computed in
    Python, loans bulk-inserted (their ids come back), installments COPYed on PostgreSQL, the
    periods brought in as repaid written to the ledger (历史导入), one audit row for the batch.
    The caller owns the transaction and has validated the terms (limits, scope, unique IOUs).

    1. price LPR loans and compute every plan; 2. insert the loans of a batch; 3. insert their
    plan versions and installments; 4. the ledger entries of their repaid periods.
    """
    created = 0
    for offset in range(0, len(terms_list), batch_size):
        batch = terms_list[offset : offset + batch_size]
        quotes = [_price(terms) for terms in batch]
        plan_list = [plan_for(terms) for terms in batch]
        loans = Loan.objects.bulk_create([_new_loan(t, p, actor) for t, p in zip(batch, plan_list, strict=True)])
        _store_plans(loans, batch, plan_list, actor, quotes)
        created += len(loans)
    audit.record(actor, AuditAction.LOANS_BULK_CREATED, changes={"loans": created})
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
            quote = _price(terms)
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
            for name in ContractTerms.TERM_FIELDS:
                setattr(locked, name, getattr(fresh, name))
        locked.save()
        if financial_change:  # nothing was ever paid: the plan is replaced as a correction of the entry
            locked.installments.all().delete()
            locked.plan_versions.all().delete()
            _store_plans([locked], [terms], [plan], actor, [quote])
        changes = audit.diff(before, audit.snapshot(locked, LOAN_FIELDS))
        audit.record(actor, AuditAction.LOAN_CHANGED, locked, changes={**changes, "plan_regenerated": financial_change})
    return locked


def loan_delete(*, actor, loan: Loan) -> None:
    with transaction.atomic():
        locked = Loan.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=loan.pk)
        approval.guard(approval.Action.LOAN_DELETE, target=locked.pk)
        if has_repayments(locked):
            raise BusinessError(DELETE_HAS_REPAYMENTS)
        audit.record(actor, AuditAction.LOAN_DELETED, locked, changes=audit.snapshot(locked, LOAN_FIELDS))
        locked.delete()


def guarantee_group_create(*, actor, name: str, member_ids: Sequence[int]) -> GuaranteeGroup:
    """Form a joint-guarantee group (联保小组) from customers."""
    visible = set(Customer.objects.visible_to(actor).filter(pk__in=member_ids).values_list("pk", flat=True))
    if visible != set(member_ids):
        raise BusinessError(CUSTOMER_OUT_OF_SCOPE, field="members")
    with transaction.atomic():
        group = GuaranteeGroup.objects.create(name=name, created_by=actor)
        group.members.add(*member_ids)
        audit.record(actor, AuditAction.GROUP_CREATED, group, changes={"members": list(member_ids)})
    return group


LOAN_TYPE_FIELDS = [
    "name",
    "default_method",
    "default_rate",
    *ContractTerms.TERM_FIELDS,
    "min_amount",
    "max_amount",
    "min_term_months",
    "max_term_months",
    "is_active",
]


def loan_type_save(*, actor, loan_type: LoanType | None = None, **values) -> LoanType:
    """Create or change a loan type. Its terms apply to loans made from now on, never to existing ones."""
    markup = values.get("penalty_markup")
    if markup is not None and not MIN_MARKUP <= markup <= MAX_MARKUP:
        raise BusinessError(MARKUP_RANGE, field="penalty_markup")
    loan_type = loan_type or LoanType()
    with transaction.atomic(durable=True):
        before = audit.snapshot(loan_type, LOAN_TYPE_FIELDS) if loan_type.pk else {}
        for name, value in values.items():
            setattr(loan_type, name, value)
        loan_type.save()
        audit.record(
            actor,
            AuditAction.LOAN_TYPE_SAVED,
            loan_type,
            changes=audit.diff(before, audit.snapshot(loan_type, LOAN_TYPE_FIELDS)),
        )
    return loan_type


def loan_register(
    *, actor, terms: LoanTerms, new_group_name: str = "", new_group_member_ids: Sequence[int] = ()
) -> Loan:
    """The new-loan page's action: form the new guarantee group, if asked, and register the
    loan, all or nothing."""
    with transaction.atomic(durable=True):
        if new_group_name:
            members = {*new_group_member_ids, terms.customer_id}
            terms.guarantee_group_id = guarantee_group_create(
                actor=actor, name=new_group_name, member_ids=sorted(members)
            ).pk
        return _create(actor, terms)
