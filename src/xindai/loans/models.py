from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import ScopedModel, guarantee_group_rule, loan_rule, via
from xindai.loans.schedule import Method


class RepaymentMethod(models.TextChoices):
    """The six methods of domain.md; values are the engine's codes."""

    EQUAL_INSTALLMENT = Method.EQUAL_INSTALLMENT.value, _("equal installments")  # 等额本息
    EQUAL_PRINCIPAL = Method.EQUAL_PRINCIPAL.value, _("equal principal")  # 等额本金
    MONTHLY_INTEREST = Method.MONTHLY_INTEREST.value, _("monthly interest, principal at maturity")  # 按月付息到期还本
    QUARTERLY_INTEREST = Method.QUARTERLY_INTEREST.value, _("quarterly interest, principal at maturity")  # 按季付息
    BULLET = Method.BULLET.value, _("principal and interest at maturity")  # 利随本清
    CUSTOM = Method.CUSTOM.value, _("custom plan")  # 自定义


CLASSIFICATION_CHOICES = [
    ("normal", _("normal")),  # 正常
    ("special_mention", _("special mention")),  # 关注
    ("substandard", _("substandard")),  # 次级
    ("doubtful", _("doubtful")),  # 可疑
    ("loss", _("loss")),  # 损失
]
MONEY = {"max_digits": 14, "decimal_places": 2}
# Amount × days (积数): up to 10^12 yuan-days with 2 places.
MONEY_DAYS = {"max_digits": 20, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}


class LoanType(models.Model):
    """A kind of loan (贷款种类) with its defaults and limits."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    default_method = models.CharField(_("default repayment method"), max_length=20, choices=RepaymentMethod.choices)
    default_rate = models.DecimalField(_("default annual rate (%)"), **RATE)
    penalty_markup = models.DecimalField(
        _("penalty markup"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.5"),
        help_text=_("Penalty rate = annual rate × (1 + markup); 0.5 means +50%."),
    )
    compound_interest = models.BooleanField(_("compound interest on overdue interest"), default=True)
    settlement_day = models.PositiveSmallIntegerField(_("settlement day"), default=20)  # 结息日
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
        ]

    def __str__(self) -> str:
        return self.name


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


class Loan(ScopedModel):
    """A loan (借据) and, through its installments, its repayment plan."""

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
    settlement_day = models.PositiveSmallIntegerField(_("settlement day"), default=20)
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


class Installment(ScopedModel):
    """One period of a loan's repayment plan (还款计划). Paid amounts are kept beside what is due."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    period = models.PositiveSmallIntegerField(_("period"))
    start_date = models.DateField(_("interest from"))
    due_date = models.DateField(_("due date"), db_index=True)
    principal = models.DecimalField(_("principal due"), **MONEY)
    interest = models.DecimalField(_("interest due"), **MONEY)
    principal_paid = models.DecimalField(_("principal paid"), default=Decimal("0.00"), **MONEY)
    interest_paid = models.DecimalField(_("interest paid"), default=Decimal("0.00"), **MONEY)
    penalty_paid = models.DecimalField(_("penalty paid"), default=Decimal("0.00"), **MONEY)
    compound_paid = models.DecimalField(_("compound interest paid"), default=Decimal("0.00"), **MONEY)
    # Σ paid × days the payment came after the due date (0 for payments on time), for principal
    # and interest. With them the penalty and compound interest as of any date on or after the
    # last payment are one expression over this row (repayments/owed.py): no ledger scan.
    late_principal_days = models.DecimalField(_("late principal × days"), default=Decimal("0.00"), **MONEY_DAYS)
    late_interest_days = models.DecimalField(_("late interest × days"), default=Decimal("0.00"), **MONEY_DAYS)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["loan", "period"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "period"], name="installment_unique_period"),
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
            models.Index(fields=["due_date", "settled_on"], name="installment_due_idx"),
            # What is still owed, by date then loan. It carries every figure the due and overdue
            # lists compute from, so their totals are an index-only scan of the unpaid rows.
            models.Index(
                fields=["due_date", "loan"],
                condition=Q(settled_on__isnull=True),
                include=[
                    "period",
                    "principal",
                    "interest",
                    "principal_paid",
                    "interest_paid",
                    "penalty_paid",
                    "compound_paid",
                    "late_principal_days",
                    "late_interest_days",
                ],
                name="installment_unpaid_idx",
            ),
            # Installments settled after a past date were still owed on it (lists as of a past date).
            models.Index(
                fields=["settled_on", "due_date"], condition=Q(settled_on__isnull=False), name="installment_settled_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.period}"

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest
