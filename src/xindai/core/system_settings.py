"""Read and change the installation's settings (系统设置)."""

from collections.abc import Callable

from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.core.models import SystemSettings

_CACHE_KEY = "xindai:system-settings"
SETTINGS_FIELDS = [
    "bank_name",
    "login_sms_required",
    "special_mention_max",
    "substandard_max",
    "doubtful_max",
    "off_balance_days",
]
OFF_BALANCE_LOOSENED = _(
    "Interest goes off the balance sheet after at most 90 days overdue (got %(value)s); it may only be tightened."
)


def get_system_settings() -> SystemSettings:
    """The single settings row, created with defaults on first use; cached for a minute."""
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    row, _created = SystemSettings.objects.get_or_create(pk=1, defaults={"bank_name": django_settings.XINDAI_BANK_NAME})
    cache.set(_CACHE_KEY, row, 60)
    return row


def system_settings_update(*, actor: AbstractUser, **values) -> SystemSettings:
    with transaction.atomic(durable=True):
        row, _created = SystemSettings.objects.select_for_update().get_or_create(
            pk=1, defaults={"bank_name": django_settings.XINDAI_BANK_NAME}
        )
        before = audit.snapshot(row, SETTINGS_FIELDS)
        for name, value in values.items():
            if name not in SETTINGS_FIELDS:
                raise TypeError(f"unknown setting {name}")
            setattr(row, name, value)
        _validate(row)
        row.save()
        audit.record(
            actor, AuditAction.SETTINGS_CHANGED, row, changes=audit.diff(before, audit.snapshot(row, SETTINGS_FIELDS))
        )
        transaction.on_commit(lambda: cache.delete(_CACHE_KEY))
    return row


# Rules of settings that belong to an app above core (the loans app checks the five-category
# thresholds): each registers a check (row) -> None that raises BusinessError.
_CHECKS: list[Callable[[SystemSettings], None]] = []


def register_check(check: Callable[[SystemSettings], None]) -> Callable[[SystemSettings], None]:
    _CHECKS.append(check)
    return check


def _validate(row: SystemSettings) -> None:
    """The rules the settings form shows, enforced here for every caller."""
    for check in _CHECKS:
        check(row)
    if not 1 <= row.off_balance_days <= 90:
        raise BusinessError(OFF_BALANCE_LOOSENED, {"value": row.off_balance_days}, field="off_balance_days")
