"""Collateral (抵质押物) and guarantors (保证人) of a loan.

Live animals (畜禽活体抵押) are tied to ear tags (耳标), a registration in the PBoC's movable-asset
registry (动产融资统一登记公示系统) and livestock insurance. Nothing is deleted: collateral is
released (解除抵押) with a date once its loan is settled, and its ear tags are free again.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import ScopedModel, loan_rule, via

MONEY = {"max_digits": 14, "decimal_places": 2}
HAIRCUT = {"max_digits": 5, "decimal_places": 4}


class Kind(models.TextChoices):
    LIVESTOCK = "livestock", _("live animals")  # 畜禽活体
    VEHICLE = "vehicle", _("vehicle")  # 车辆
    MACHINERY = "machinery", _("machinery")  # 农机设备
    LAND_RIGHTS = "land_rights", _("land-use rights")  # 土地经营权
    HOUSE_RIGHTS = "house_rights", _("house rights")  # 房屋产权
    DEPOSIT = "deposit", _("deposit receipt")  # 存单


# The bank's haircut (折扣率) per kind until an administrator sets its own: value × (1 − haircut).
DEFAULT_HAIRCUTS = {
    Kind.LIVESTOCK: Decimal("0.5000"),
    Kind.VEHICLE: Decimal("0.5000"),
    Kind.MACHINERY: Decimal("0.5000"),
    Kind.LAND_RIGHTS: Decimal("0.4000"),
    Kind.HOUSE_RIGHTS: Decimal("0.3000"),
    Kind.DEPOSIT: Decimal("0.1000"),
}


class Haircut(models.Model):
    """The haircut of a kind of collateral (抵押率设置): its value counts as value × (1 − haircut)."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    haircut = models.DecimalField(_("haircut"), **HAIRCUT)

    class Meta:
        verbose_name = _("haircut")
        verbose_name_plural = _("haircuts")
        ordering = ["kind"]
        constraints = [models.CheckConstraint(name="haircut_range", condition=Q(haircut__gte=0, haircut__lt=1))]

    def __str__(self) -> str:
        return f"{self.kind} {self.haircut}"


class Collateral(ScopedModel):
    """One item of collateral of a loan; in force until ``released_on``."""

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="collateral")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Live animals
    species = models.CharField(_("species"), max_length=20, blank=True)  # 畜种: 牛, 羊, 猪
    breed = models.CharField(_("breed"), max_length=50, blank=True)  # 品种
    head_count = models.PositiveIntegerField(_("head count"), default=0)  # 头数
    farm = models.CharField(_("farm"), max_length=100, blank=True)  # 养殖场
    village = models.ForeignKey(
        "org.Region", verbose_name=_("village"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Valuation (评估)
    value_per_head = models.DecimalField(_("value per head"), null=True, blank=True, **MONEY)
    value = models.DecimalField(_("value"), **MONEY)  # 评估总价
    valued_on = models.DateField(_("valued on"))
    valuer = models.CharField(_("valuer"), max_length=100)
    # Insurance (保险)
    insurer = models.CharField(_("insurer"), max_length=100, blank=True)
    policy_number = models.CharField(_("policy number"), max_length=50, blank=True)
    sum_insured = models.DecimalField(_("sum insured"), null=True, blank=True, **MONEY)
    insured_from = models.DateField(_("insured from"), null=True, blank=True)
    insured_to = models.DateField(_("insured to"), null=True, blank=True)
    # Registration (动产融资统一登记公示系统 / 不动产登记)
    registry_number = models.CharField(_("registration number"), max_length=60, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("collateral")
        verbose_name_plural = _("collateral")
        ordering = ["loan", "id"]
        indexes = [models.Index(fields=["loan"], condition=Q(released_on__isnull=True), name="collateral_in_force")]
        constraints = [
            models.CheckConstraint(name="collateral_value_positive", condition=Q(value__gt=0)),
            models.CheckConstraint(
                name="collateral_insurance_period",
                condition=Q(insured_from__isnull=True)
                | Q(insured_to__isnull=True)
                | Q(insured_to__gte=models.F("insured_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description or self.species}".strip()


class EarTag(ScopedModel):
    """An ear tag (耳标号) of pledged animals; unique among collateral in force."""

    collateral = models.ForeignKey(Collateral, on_delete=models.CASCADE, related_name="ear_tags")
    tag = models.CharField(_("ear tag"), max_length=40)
    in_force = models.BooleanField(default=True)  # False once its collateral is released

    scope_rule = staticmethod(via(via(loan_rule, "loan__"), "collateral__"))

    class Meta:
        verbose_name = _("ear tag")
        verbose_name_plural = _("ear tags")
        ordering = ["collateral", "tag"]
        constraints = [
            models.UniqueConstraint(fields=["tag"], condition=Q(in_force=True), name="eartag_unique_in_force"),
        ]

    def __str__(self) -> str:
        return self.tag


class Guarantor(ScopedModel):
    """A guarantor (保证人) of a loan: a customer of the bank or another person."""

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="guarantors")
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guarantees",
    )
    name = models.CharField(_("full name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    relationship = models.CharField(_("relationship"), max_length=30)  # 与借款人关系
    amount = models.DecimalField(_("guaranteed amount"), **MONEY)
    signed_on = models.DateField(_("signed on"))
    released_on = models.DateField(_("released on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")
        ordering = ["loan", "id"]
        constraints = [
            models.CheckConstraint(name="guarantor_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["loan", "id_number"], condition=Q(released_on__isnull=True), name="guarantor_once_per_loan"
            ),
        ]

    def __str__(self) -> str:
        return self.name
