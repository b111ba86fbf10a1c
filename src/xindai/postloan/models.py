"""Post-loan inspections (贷后检查) and early-warning rules (预警规则).

Warnings themselves are not stored: they are computed in SQL as of a date from the rules in
force (postloan/warnings.py). What is stored is what people did: inspections with their photos,
and acknowledgements of warnings with a note.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import ScopedModel, loan_rule, via

# A loan type without a rule of its own inspects on these (first visit, every M months, after overdue).
DEFAULT_FIRST_WITHIN_DAYS = 30
DEFAULT_EVERY_MONTHS = 3
DEFAULT_AFTER_OVERDUE_DAYS = 7


class InspectionRule(models.Model):
    """When a loan type's loans are inspected (贷后检查规则)."""

    loan_type = models.OneToOneField(
        "loans.LoanType", verbose_name=_("loan type"), on_delete=models.CASCADE, related_name="inspection_rule"
    )
    first_within_days = models.PositiveSmallIntegerField(
        _("first visit within (days of disbursement)"), default=DEFAULT_FIRST_WITHIN_DAYS
    )
    every_months = models.PositiveSmallIntegerField(_("then every (months)"), default=DEFAULT_EVERY_MONTHS)
    after_overdue_days = models.PositiveSmallIntegerField(
        _("within (days of becoming overdue)"), default=DEFAULT_AFTER_OVERDUE_DAYS
    )

    class Meta:
        verbose_name = _("inspection rule")
        verbose_name_plural = _("inspection rules")
        constraints = [models.CheckConstraint(name="inspection_every_month", condition=Q(every_months__gte=1))]

    def __str__(self) -> str:
        return str(self.loan_type_id)


class Way(models.TextChoices):
    VISIT = "visit", _("on-site visit")  # 上门
    PHONE = "phone", _("phone")  # 电话
    VIDEO = "video", _("video call")  # 视频


class Health(models.TextChoices):
    GOOD = "good", _("healthy")  # 健康
    FAIR = "fair", _("some sick animals")  # 少量患病
    POOR = "poor", _("disease or deaths")  # 疫病或死亡


class Inspection(ScopedModel):
    """One post-loan inspection (贷后检查记录), signed by the officer who made it."""

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("inspection date"))
    way = models.CharField(_("way"), max_length=10, choices=Way.choices)
    head_count_pledged = models.PositiveIntegerField(_("head count pledged"), default=0)  # at the time
    head_count_found = models.PositiveIntegerField(_("head count found"), null=True, blank=True)
    health = models.CharField(_("animals' health"), max_length=10, choices=Health.choices, blank=True)
    use_of_funds = models.CharField(_("use of funds"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    risk_found = models.BooleanField(_("a risk was found"), default=False)
    next_steps = models.TextField(_("next steps"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["loan", "inspected_on"], name="inspection_loan_date")]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.inspected_on}"


class InspectionPhoto(ScopedModel):
    """A photo of an inspection, kept in the database (served only through the loan's scope),
    with the time the phone gave for it and the position where the browser gave one."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    content = models.BinaryField()
    content_type = models.CharField(max_length=30)
    taken_at = models.DateTimeField(_("taken at"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_rule = staticmethod(via(via(loan_rule, "loan__"), "inspection__"))

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["inspection", "id"]


class Level(models.IntegerChoices):
    LOW = 1, _("low")  # 黄色
    MEDIUM = 2, _("medium")  # 橙色
    HIGH = 3, _("high")  # 红色


class RuleCode(models.TextChoices):
    PAYING_LATER = "paying_later", _("payments getting later")  # 还款逐期延后
    PARTIAL_PAYMENTS = "partial_payments", _("repeated partial payments")  # 多次部分还款
    GROUP_OVERDUE = "group_overdue", _("a member of the joint-guarantee group is overdue")  # 联保成员逾期
    LOW_COVERAGE = "low_coverage", _("collateral coverage below the threshold")  # 抵押覆盖不足
    INSPECTION_FINDING = "inspection_finding", _("a risk found at inspection")  # 贷后检查发现风险
    HEAD_COUNT_SHORT = "head_count_short", _("head count well below the pledged one")  # 存栏不足
    MOBILE_VACANT = "mobile_vacant", _("mobile number not in service")  # 空号
    INSURANCE_EXPIRING = "insurance_expiring", _("collateral insurance expiring")  # 保险到期


# Each rule's default level and threshold, and what the threshold means.
RULE_DEFAULTS = {
    RuleCode.PAYING_LATER: (Level.MEDIUM, Decimal("3")),  # the last N installments, each later
    RuleCode.PARTIAL_PAYMENTS: (Level.LOW, Decimal("2")),  # partial payments in the last 180 days
    RuleCode.GROUP_OVERDUE: (Level.HIGH, Decimal("30")),  # a member more than N days overdue
    RuleCode.LOW_COVERAGE: (Level.MEDIUM, Decimal("1.0")),  # coverage ratio below
    RuleCode.INSPECTION_FINDING: (Level.HIGH, Decimal("90")),  # the latest inspection within N days
    RuleCode.HEAD_COUNT_SHORT: (Level.HIGH, Decimal("20")),  # found more than N % below pledged
    RuleCode.MOBILE_VACANT: (Level.LOW, Decimal("0")),
    RuleCode.INSURANCE_EXPIRING: (Level.MEDIUM, Decimal("30")),  # insurance ends within N days
}


class WarningRule(models.Model):
    """An early-warning rule the bank switches on or off and tunes (预警规则)."""

    code = models.CharField(_("rule"), max_length=30, choices=RuleCode.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="warningrule_threshold", condition=Q(threshold__gte=0))]

    def __str__(self) -> str:
        return self.code


class WarningAck(ScopedModel):
    """A warning acknowledged (预警确认): who looked at it, when, and what they noted. It holds for
    ACK_VALID_DAYS; a warning still triggered after that shows again."""

    ACK_VALID_DAYS = 30

    loan = models.ForeignKey("loans.Loan", on_delete=models.PROTECT, related_name="warning_acks")
    rule = models.CharField(_("rule"), max_length=30, choices=RuleCode.choices)
    acknowledged_on = models.DateField(_("acknowledged on"))
    note = models.CharField(_("note"), max_length=200)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("warning acknowledgement")
        verbose_name_plural = _("warning acknowledgements")
        ordering = ["-acknowledged_on", "-id"]
        indexes = [models.Index(fields=["loan", "rule", "acknowledged_on"], name="warningack_lookup")]
