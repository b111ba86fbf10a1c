from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xindai.core.audit_actions import FIELD_CHANGES, action_label
from xindai.core.scope import ScopedManager, ScopedModel, ScopedQuerySet, audit_rule


class AuditQuerySet(ScopedQuerySet):
    def about(self, target: models.Model) -> "AuditQuerySet":
        """The history (变更历史) of one object the caller found through the door: every change to
        it, whoever made it (the object's page shows it masked as the viewer must see it)."""
        door = self._through_door(f"about {target._meta.label_lower}")
        return door.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


class AuditLog(ScopedModel):
    """Who did what to which object, with old and new values (操作日志).

    Written by every write service in the same transaction as the change itself.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("operator name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = ScopedManager.from_queryset(AuditQuerySet)()
    scope_rule = staticmethod(audit_rule)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        """What happened, in words (core/audit_actions.py)."""
        return action_label(self.action)

    @property
    def has_field_changes(self) -> bool:
        """Whether `changes` is {field: [before, after]}, shown field by field on record pages."""
        return self.action in FIELD_CHANGES


class SystemSettings(models.Model):
    """The installation's settings an administrator changes in the app (系统设置). One row."""

    bank_name = models.CharField(_("bank name"), max_length=100, default="")
    login_sms_required = models.BooleanField(
        _("require an SMS code after the password"),
        default=False,
        help_text=_("When on, every user confirms each sign-in with a code sent to their mobile."),
    )
    # Five-category thresholds (五级分类): the largest days overdue still in 关注 / 次级 / 可疑.
    special_mention_max = models.PositiveSmallIntegerField(
        _("special mention up to (days overdue)"), default=90, help_text=_("关注: 1 to this many days overdue.")
    )
    substandard_max = models.PositiveSmallIntegerField(
        _("substandard up to (days overdue)"), default=270, help_text=_("次级: up to this many days overdue.")
    )
    doubtful_max = models.PositiveSmallIntegerField(
        _("doubtful up to (days overdue)"),
        default=360,
        help_text=_("可疑: up to this many days overdue; beyond it 损失."),
    )
    # 表内/表外欠息: beyond this many days overdue a loan's unpaid interest is off the balance sheet.
    off_balance_days = models.PositiveSmallIntegerField(
        _("interest off the balance sheet after (days overdue)"),
        default=90,
        help_text=_("表外欠息: from the day a loan is more than this many days overdue; at most 90."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("system settings")
        verbose_name_plural = _("system settings")

    def __str__(self) -> str:
        return str(_("system settings"))
