from django.conf import settings
from django.contrib.auth import get_backends
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import NOTHING, Reach, Scope
from xindai.core.tree import TreeNode


class Branch(TreeNode):
    """A branch of the bank (支行); branches form a tree under the head office."""

    code = models.CharField(_("branch code"), max_length=20, unique=True)
    name = models.CharField(_("branch name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    payment_instructions = models.CharField(
        _("how to repay (reply text)"),
        max_length=300,
        blank=True,
        help_text=_("Told to borrowers who ask how and where to repay, e.g. the counter address and hours."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class RegionLevel(models.IntegerChoices):
    COUNTY = 1, _("county/district")  # 县区
    AREA = 2, _("area")  # 片区: optional grouping of townships
    TOWNSHIP = 3, _("township")  # 乡镇
    VILLAGE = 4, _("village")  # 村
    GROUP = 5, _("group")  # 社 (村民小组)


# Which levels may sit directly under which: an area is optional between county and township.
ALLOWED_PARENT_LEVELS: dict[int, tuple[int | None, ...]] = {
    RegionLevel.COUNTY: (None,),
    RegionLevel.AREA: (RegionLevel.COUNTY,),
    RegionLevel.TOWNSHIP: (RegionLevel.COUNTY, RegionLevel.AREA),
    RegionLevel.VILLAGE: (RegionLevel.TOWNSHIP,),
    RegionLevel.GROUP: (RegionLevel.VILLAGE,),
}


class Region(TreeNode):
    """A node of the administrative region tree: county → (area) → township → village → group."""

    code = models.CharField(_("division code"), max_length=20, unique=True)  # 12-digit statistical code
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A named set of permissions (角色); every user has one."""

    name = models.CharField(_("role name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    for_external = models.BooleanField(
        _("for external users"),
        default=False,
        help_text=_("Roles for government users may only hold read-only permissions."),
    )
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class UserKind(models.TextChoices):
    BANK = "bank", _("bank user")
    EXTERNAL = "external", _("external user")


class ScopeKind(models.TextChoices):
    ALL = "all", _("all data")
    BRANCH = "branch", _("branch data")
    PERSONAL = "personal", _("personal data")
    REGION = "region", _("region data")


class XindaiUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """The first administrator: a bank user with all data in scope and the admin role."""
        extra_fields.setdefault("kind", UserKind.BANK)
        extra_fields.setdefault("scope", ScopeKind.ALL)
        extra_fields.setdefault("real_name", username)
        if "role" not in extra_fields and "role_id" not in extra_fields:
            extra_fields["role"] = Role.objects.filter(name="系统管理员").first()
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: bank staff, or an external (government) user."""

    kind = models.CharField(_("user kind"), max_length=10, choices=UserKind.choices, default=UserKind.BANK)
    real_name = models.CharField(_("real name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, db_index=True)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), null=True, blank=True, on_delete=models.PROTECT)
    scope = models.CharField(_("data scope"), max_length=10, choices=ScopeKind.choices, default=ScopeKind.PERSONAL)
    region = models.ForeignKey(
        Region, verbose_name=_("region in scope"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_loan_officer = models.BooleanField(_("loan officer"), default=False)  # 信贷员
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)  # e.g. 甘州区畜牧兽医局
    # 显示列: the columns the user hides on each list, {"due": ["复利"], …} (org.services.user_columns_save).
    list_columns = models.JSONField(_("hidden list columns"), default=dict, blank=True)

    REQUIRED_FIELDS: list[str] = []
    objects = XindaiUserManager()

    def has_perm(self, perm: str, obj=None) -> bool:
        """Django's rule (active superusers hold all; else any backend grants it, a
        PermissionDenied refuses) over backends loaded once: Django loads and instantiates every
        backend on each call, and a page asks ~100 times (menu, buttons, columns)."""
        if self.is_active and self.is_superuser:
            return True
        for backend in _backends():
            try:
                if backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_scope_fits_kind",
                condition=(
                    Q(kind=UserKind.BANK, scope__in=[ScopeKind.ALL, ScopeKind.BRANCH, ScopeKind.PERSONAL])
                    | Q(kind=UserKind.EXTERNAL, scope=ScopeKind.REGION, region__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="user_branch_scope_has_branch",
                condition=~Q(scope=ScopeKind.BRANCH) | Q(branch__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    def data_scope(self) -> Scope:
        """What this user may see (domain.md "who sees what"); core/scope.py turns it into filters."""
        if self.is_superuser:
            return Scope(Reach.ALL, self.pk)
        if self.kind == UserKind.EXTERNAL:
            if self.scope != ScopeKind.REGION or self.region_id is None:
                return NOTHING
            return Scope(Reach.REGION, self.pk, region_level=self.region.level, region_id=self.region_id)
        if self.scope == ScopeKind.ALL:
            return Scope(Reach.ALL, self.pk)
        if self.scope == ScopeKind.BRANCH and self.branch_id:
            ids = Branch.objects.filter(path__startswith=self.branch.path).values_list("pk", flat=True)
            return Scope(Reach.BRANCH, self.pk, branch_ids=frozenset(ids))
        if self.scope == ScopeKind.PERSONAL:
            return Scope(Reach.PERSONAL, self.pk)
        return NOTHING


class LoginCode(models.Model):
    """A one-time code sent by SMS for signing in. Only its HMAC is stored."""

    phone = models.CharField(max_length=11, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    purpose = models.CharField(max_length=10, default="login")  # login | second (second factor)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "created_at"], name="logincode_phone_time_idx")]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


_LOADED: dict[tuple, list] = {}


def _backends() -> list:
    """The authentication backends that answer permission questions, loaded once per setting."""
    key = tuple(settings.AUTHENTICATION_BACKENDS)
    if key not in _LOADED:
        _LOADED[key] = [backend for backend in get_backends() if hasattr(backend, "has_perm")]
    return _LOADED[key]
