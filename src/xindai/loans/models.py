from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import (
    Reach,
    Scope,
    ScopedManager,
    ScopedModel,
    ScopedQuerySet,
    loan_rule,
    register_customer_reach,
    via,
)
from xindai.customers.models import Customer
from xindai.loans.quality import CATEGORY_LABELS
from xindai.loans.schedule import Method


class RepaymentMethod(models.TextChoices):
    """The six methods of domain.md; values are the engine's codes."""

    EQUAL_INSTALLMENT = Method.EQUAL_INSTALLMENT.value, _("equal installments")  # 等额本息
    EQUAL_PRINCIPAL = Method.EQUAL_PRINCIPAL.value, _("equal principal")  # 等额本金
    MONTHLY_INTEREST = Method.MONTHLY_INTEREST.value, _("monthly interest, principal at maturity")  # 按月付息到期还本
    QUARTERLY_INTEREST = Method.QUARTERLY_INTEREST.value, _("quarterly interest, principal at maturity")  # 按季付息
    BULLET = Method.BULLET.value, _("principal and interest at maturity")  # 利随本清
    CUSTOM = Method.CUSTOM.value, _("custom plan")  # 自定义


# The five categories and their labels come from loans/quality.py (one definition).
CLASSIFICATION_CHOICES = [(category.value, _(label)) for category, label in CATEGORY_LABELS.items()]
MONEY = {"max_digits": 14, "decimal_places": 2}
# Amount × days (积数): up to 10^12 yuan-days with 2 places.
MONEY_DAYS = {"max_digits": 20, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}
# A penalty rate is the contract rate × (1 + markup): 4 + 4 decimal places, exact.
PENALTY_RATE = {"max_digits": 12, "decimal_places": 8}
MARKUP = {"max_digits": 5, "decimal_places": 4}
MIN_MARKUP, MAX_MARKUP = Decimal("0.3"), Decimal("0.5")  # 银发〔2003〕251号: +30 % to +50 %


class RateType(models.TextChoices):
    FIXED = "fixed", _("fixed rate")  # 固定利率
    LPR = "lpr", _("LPR + spread")  # LPR 加点


class Repricing(models.TextChoices):
    """When an LPR loan is repriced (重定价日)."""

    ANNIVERSARY = "anniversary", _("each anniversary of the start date")
    JANUARY = "january", _("each 1 January")


class HolidayRule(models.TextChoices):
    """A due date on a bank holiday: payable on it, or on the next working day (顺延)."""

    NONE = "none", _("due on the date itself")  # 不顺延
    POSTPONE = "postpone", _("payable on the next working day")  # 顺延


class ContractTerms(models.Model):
    """What a loan type offers and a loan keeps (合同条款): copied to the loan when it is made."""

    penalty_markup = models.DecimalField(
        _("penalty markup"),
        default=MAX_MARKUP,
        help_text=_("Penalty rate = annual rate × (1 + markup); 0.5 means +50%, allowed 0.3 to 0.5."),
        **MARKUP,
    )
    compound_interest = models.BooleanField(_("compound interest on overdue interest"), default=True)
    settlement_day = models.PositiveSmallIntegerField(_("settlement day"), default=20)  # 结息日
    rate_type = models.CharField(_("rate type"), max_length=10, choices=RateType.choices, default=RateType.FIXED)
    lpr_spread_bp = models.IntegerField(_("spread over LPR (basis points)"), default=0)  # 加点，可为负
    repricing = models.CharField(
        _("repricing"), max_length=12, choices=Repricing.choices, default=Repricing.ANNIVERSARY
    )
    holiday_rule = models.CharField(
        _("due date on a holiday"), max_length=10, choices=HolidayRule.choices, default=HolidayRule.NONE
    )

    TERM_FIELDS = (
        "penalty_markup",
        "compound_interest",
        "settlement_day",
        "rate_type",
        "lpr_spread_bp",
        "repricing",
        "holiday_rule",
    )

    class Meta:
        abstract = True


class LoanType(ContractTerms):
    """A kind of loan (贷款种类) with its defaults and limits; its terms are copied to new loans."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    default_method = models.CharField(_("default repayment method"), max_length=20, choices=RepaymentMethod.choices)
    default_rate = models.DecimalField(_("default annual rate (%)"), **RATE)
    min_amount = models.DecimalField(_("minimum amount"), default=Decimal("1000.00"), **MONEY)
    max_amount = models.DecimalField(_("maximum amount"), default=Decimal("500000.00"), **MONEY)
    min_term_months = models.PositiveSmallIntegerField(_("minimum term (months)"), default=1)
    max_term_months = models.PositiveSmallIntegerField(_("maximum term (months)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("loan type")
        verbose_name_plural = _("loan types")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="loantype_amount_limits", condition=Q(min_amount__lte=models.F("max_amount"))),
            models.CheckConstraint(
                name="loantype_term_limits", condition=Q(min_term_months__lte=models.F("max_term_months"))
            ),
            models.CheckConstraint(
                name="loantype_settlement_day", condition=Q(settlement_day__gte=1, settlement_day__lte=28)
            ),
            models.CheckConstraint(
                name="loantype_markup_range",
                condition=Q(penalty_markup__gte=MIN_MARKUP, penalty_markup__lte=MAX_MARKUP),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def guarantee_group_rule(scope: Scope, prefix: str = "") -> Q:
    """A joint-guarantee group is seen by who sees one of its members (its other members are then
    read through `visible_to` as well: a group never shows a member outside the scope)."""
    if scope.reach == Reach.ALL:
        return Q()
    members = Customer.objects.within(scope)
    through = GuaranteeGroup.members.through
    links = through.objects.filter(guaranteegroup_id=OuterRef(f"{prefix}pk"), customer_id__in=members.values("pk"))
    return Q(Exists(links))


class GuaranteeGroup(ScopedModel):
    """A joint-guarantee group (联保小组): customers who guarantee each other's loans."""

    name = models.CharField(_("group name"), max_length=100)
    members = models.ManyToManyField("customers.Customer", verbose_name=_("members"), related_name="guarantee_groups")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(guarantee_group_rule)

    class Meta:
        verbose_name = _("joint-guarantee group")
        verbose_name_plural = _("joint-guarantee groups")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class Loan(ScopedModel, ContractTerms):
    """A loan (借据) and, through its installments, its repayment plan.

    The contract terms (ContractTerms, the annual rate and method) are the loan's own, copied
    from its type when it was made; they change only by a dated contract change (PlanVersion).
    """

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="loans"
    )
    iou_number = models.CharField(_("IOU number"), max_length=40, unique=True)  # 借据编号
    amount = models.DecimalField(_("loan amount"), **MONEY)
    loan_type = models.ForeignKey(LoanType, verbose_name=_("loan type"), on_delete=models.PROTECT)
    annual_rate = models.DecimalField(_("annual rate (%)"), **RATE)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"), db_index=True)
    method = models.CharField(_("repayment method"), max_length=20, choices=RepaymentMethod.choices)
    handling_branch = models.ForeignKey(
        "org.Branch", verbose_name=_("handling branch"), on_delete=models.PROTECT, related_name="loans"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loan officer"), on_delete=models.PROTECT, related_name="loans"
    )
    guarantee_group = models.ForeignKey(
        GuaranteeGroup,
        verbose_name=_("joint-guarantee group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    # Principal still owed; kept by the repayment services in the same transaction as a payment.
    outstanding_principal = models.DecimalField(_("outstanding principal"), **MONEY)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    # Five-category classification set by hand (五级分类认定); blank: the suggestion from days overdue.
    classification_override = models.CharField(
        _("classification (set by hand)"), max_length=20, choices=CLASSIFICATION_CHOICES, blank=True
    )
    classification_reason = models.CharField(_("reason for the classification"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = staticmethod(loan_rule)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["handling_branch", "start_date"], name="loan_branch_idx"),
            models.Index(fields=["officer", "start_date"], name="loan_officer_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="loan_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="loan_end_after_start", condition=Q(end_date__gt=models.F("start_date"))),
            models.CheckConstraint(
                name="loan_outstanding_in_range",
                condition=Q(outstanding_principal__gte=0, outstanding_principal__lte=models.F("amount")),
            ),
        ]

    def __str__(self) -> str:
        return self.iou_number


class PlanVersion(ScopedModel):
    """One version of a loan's repayment plan (还款计划版本) and the contract terms it runs on.

    Version 1 is the plan the loan was made with. An early repayment, its reversal, a repricing
    or a contract change adds a version from its effective date: the installments it replaces
    are kept, marked superseded on that date, and the new ones are in force from it.
    """

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("original plan")
        EARLY_REPAYMENT = "early_repayment", _("early repayment")
        EARLY_REVERSED = "early_reversed", _("early repayment reversed")
        REPRICING = "repricing", _("LPR repricing")
        CONTRACT_CHANGE = "contract_change", _("contract change")

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    effective_from = models.DateField(_("effective from"))
    annual_rate = models.DecimalField(_("annual rate (%)"), **RATE)
    penalty_markup = models.DecimalField(_("penalty markup"), **MARKUP)
    compound_interest = models.BooleanField(_("compound interest on overdue interest"))
    lpr = models.DecimalField(_("LPR (%)"), null=True, blank=True, **RATE)  # the LPR an LPR loan's rate came from
    lpr_announced_on = models.DateField(_("LPR announced on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="planversion_unique_number"),
            # A repricing date is applied once, however often the daily engine runs.
            models.UniqueConstraint(
                fields=["loan", "effective_from"], condition=Q(kind="repricing"), name="planversion_one_repricing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} v{self.number}"

    @property
    def penalty_rate(self) -> Decimal:
        return self.annual_rate * (1 + self.penalty_markup)


class InstallmentQuerySet(ScopedQuerySet):
    def in_force(self, as_of=None):
        """The installments of the plan in force on `as_of` (today's plan when None), by period."""
        if as_of is None:
            rows = self.filter(superseded_on__isnull=True)
        else:
            rows = self.filter(in_force_from__lte=as_of).filter(
                Q(superseded_on__isnull=True) | Q(superseded_on__gt=as_of)
            )
        return rows.order_by("period")


class Installment(ScopedModel):
    """One period of a loan's repayment plan (还款计划). Paid amounts are kept beside what is due.

    Rows are never deleted: a new plan version supersedes them (``superseded_on``); the rows in
    force on a date D are those with in_force_from <= D < superseded_on. The penalty rates are
    the contract's when the row was made: a later change of terms does not re-price its past.
    """

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plan version"),
        on_delete=models.RESTRICT,
        related_name="installments",
        db_index=False,
    )
    period = models.PositiveSmallIntegerField(_("period"))
    start_date = models.DateField(_("interest from"))
    due_date = models.DateField(_("due date"), db_index=True)
    # The day it is payable: the due date, or with 顺延 the next working day. Days overdue,
    # penalty, buckets and reminders count from it.
    payable_on = models.DateField(_("payable on"))
    in_force_from = models.DateField(_("in force from"))
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.RESTRICT, related_name="superseded", db_index=False
    )
    principal = models.DecimalField(_("principal due"), **MONEY)
    interest = models.DecimalField(_("interest due"), **MONEY)
    # 罚息 and 复利 rates, % a year: the contract rate × (1 + markup); compound 0 when it is off.
    penalty_rate = models.DecimalField(_("penalty rate (%)"), **PENALTY_RATE)
    compound_rate = models.DecimalField(_("compound interest rate (%)"), **PENALTY_RATE)
    principal_paid = models.DecimalField(_("principal paid"), default=Decimal("0.00"), **MONEY)
    interest_paid = models.DecimalField(_("interest paid"), default=Decimal("0.00"), **MONEY)
    penalty_paid = models.DecimalField(_("penalty paid"), default=Decimal("0.00"), **MONEY)
    compound_paid = models.DecimalField(_("compound interest paid"), default=Decimal("0.00"), **MONEY)
    # Σ paid × days the payment came after the payable date (0 for payments on time), for principal
    # and interest. With them the penalty and compound interest as of any date on or after the
    # last payment are one expression over this row (loans/owed.py): no ledger scan.
    late_principal_days = models.DecimalField(_("late principal × days"), default=Decimal("0.00"), **MONEY_DAYS)
    late_interest_days = models.DecimalField(_("late interest × days"), default=Decimal("0.00"), **MONEY_DAYS)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    objects = ScopedManager.from_queryset(InstallmentQuerySet)()
    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["loan", "period"]
        constraints = [
            # Among the rows in force: one row a period, one a due date (due dates strictly increase).
            models.UniqueConstraint(
                fields=["loan", "period"], condition=Q(superseded_on__isnull=True), name="installment_unique_period"
            ),
            models.UniqueConstraint(
                fields=["loan", "due_date"], condition=Q(superseded_on__isnull=True), name="installment_unique_due"
            ),
            models.CheckConstraint(
                name="installment_paid_in_range",
                condition=Q(
                    principal_paid__gte=0,
                    principal_paid__lte=models.F("principal"),
                    interest_paid__gte=0,
                    interest_paid__lte=models.F("interest"),
                ),
            ),
        ]
        indexes = [
            # What is still owed in today's plan, by payable date then loan. It carries every
            # figure the due and overdue lists compute from, so their totals are an index-only
            # scan of the unpaid rows.
            models.Index(
                fields=["payable_on", "loan"],
                condition=Q(settled_on__isnull=True, superseded_on__isnull=True),
                include=[
                    "period",
                    "due_date",
                    "principal",
                    "interest",
                    "principal_paid",
                    "interest_paid",
                    "penalty_paid",
                    "compound_paid",
                    "late_principal_days",
                    "late_interest_days",
                    "penalty_rate",
                    "compound_rate",
                ],
                name="installment_unpaid_idx",
            ),
            # A loan's unpaid installments by payable date: its oldest overdue one (days overdue,
            # classification, 表内/表外) is one index probe per loan.
            models.Index(
                fields=["loan", "payable_on"],
                condition=Q(settled_on__isnull=True, superseded_on__isnull=True),
                name="installment_unpaid_loan_idx",
            ),
            # Installments settled after a past date were still owed on it (lists as of a past date).
            models.Index(
                fields=["settled_on", "payable_on"],
                condition=Q(settled_on__isnull=False),
                name="installment_settled_idx",
            ),
            # Installments superseded after a past date were in force on it.
            models.Index(
                fields=["superseded_on", "payable_on"],
                condition=Q(superseded_on__isnull=False),
                name="installment_superseded_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.period}"

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


class LprQuote(models.Model):
    """The loan prime rate (贷款市场报价利率) as announced on a day, 1-year and 5-year."""

    announced_on = models.DateField(_("announced on"), unique=True)
    one_year = models.DecimalField(_("1-year LPR (%)"), **RATE)
    five_year = models.DecimalField(_("5-year LPR (%)"), **RATE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LPR")
        verbose_name_plural = _("LPR")
        ordering = ["-announced_on"]
        constraints = [
            models.CheckConstraint(name="lpr_positive", condition=Q(one_year__gt=0, five_year__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.announced_on} {self.one_year}/{self.five_year}"


class BankDay(models.Model):
    """A day of the bank calendar that is not as the week says: a holiday (节假日) on a weekday,
    or a working day (调休上班) on a weekend. Other weekdays work, other weekends rest."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday")
        WORKDAY = "workday", _("working day")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("bank calendar day")
        verbose_name_plural = _("bank calendar")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


@register_customer_reach
def customer_with_loan_rule(scope: Scope, prefix: str = "") -> Q:
    """A customer is seen by whoever sees one of the customer's loans (core/scope.customer_rule)."""
    loans = Loan.objects.within(scope)
    return Q(Exists(loans.filter(customer_id=OuterRef(f"{prefix}pk"))))
