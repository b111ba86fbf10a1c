from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import ScopedQuerySet, customer_rule, via


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("prospect")  # 潜在客户
    ACTIVE = "active", _("active")  # 正常
    INACTIVE = "inactive", _("inactive")  # 停用
    BLOCKED = "blocked", _("blacklisted")  # 黑名单


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class ContactPreference(models.TextChoices):
    SMS = "sms", _("SMS")  # 短信
    VOICE = "voice", _("voice call")  # 语音
    BOTH = "both", _("SMS and voice")  # 都要
    NONE = "none", _("neither")  # 都不要


class Customer(models.Model):
    """A borrower or prospect (客户). Every customer lives at one village (and maybe a group).

    The region is kept at every level (county, area, township, village, group) so that a
    scope or a report at any level is one indexed equality, never a tree walk.
    """

    name = models.CharField(_("full name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"))
    mobile = models.CharField(_("mobile"), max_length=11, db_index=True)
    county = models.ForeignKey(
        "org.Region", verbose_name=_("county/district"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "org.Region", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey("org.Region", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("org.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "org.Region", verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    house_number = models.CharField(_("house number"), max_length=50, blank=True)
    landline = models.CharField(_("landline"), max_length=20, blank=True)
    spouse_name = models.CharField(_("spouse name"), max_length=50, blank=True)
    spouse_mobile = models.CharField(_("spouse mobile"), max_length=11, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE, db_index=True
    )
    contact_preference = models.CharField(
        _("reminders by"), max_length=5, choices=ContactPreference.choices, default=ContactPreference.SMS
    )
    mobile_vacant = models.BooleanField(_("mobile is not in service (空号)"), default=False)
    registered_branch = models.ForeignKey(
        "org.Branch", verbose_name=_("registering branch"), on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registering officer"), on_delete=models.PROTECT, related_name="+"
    )
    remarks = models.TextField(_("remarks"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = staticmethod(customer_rule)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["county", "status"], name="customer_county_idx"),
            models.Index(fields=["township"], name="customer_township_idx"),
            models.Index(fields=["village"], name="customer_village_idx"),
            models.Index(fields=["registered_branch"], name="customer_branch_idx"),
            models.Index(fields=["registered_by"], name="customer_officer_idx"),
            # Fragments of a name (名字的一部分) and the last digits of an ID number: LIKE '%…%' on a
            # trigram index (pg_trgm) instead of reading every customer.
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="customer_name_trgm"),
            GinIndex(fields=["id_number"], opclasses=["gin_trgm_ops"], name="customer_id_number_trgm"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        parts = [self.county.name, self.township.name, self.village.name]
        if self.group_id:
            parts.append(self.group.name)
        return "".join(parts) + (self.house_number or "")


class ContactChannel(models.Model):
    """How the bank reached a customer (沟通方式): 电话沟通, 上门拜访, 客户到访, and more an admin adds."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A record of bank staff contacting a customer (沟通登记). Scoped like its customer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    contacted_at = models.DateTimeField(_("contact time"), db_index=True)
    channel = models.ForeignKey(ContactChannel, verbose_name=_("channel"), on_delete=models.PROTECT)
    place = models.CharField(_("place"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=100)
    content = models.TextField(_("content"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = staticmethod(via(customer_rule, "customer__"))

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["-contacted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer} {self.contacted_at:%Y-%m-%d} {self.subject}"
