"""Writes of templates and of the automatic-sending switch, each with its audit row."""

from django.db import transaction
from django.utils import timezone

from xindai.core import audit
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.messaging.models import AutoSwitch, SmsTemplate
from xindai.messaging.rendering import TemplateError, check_text

TEMPLATE_FIELDS = [
    "name",
    "kind",
    "text",
    "provider_code",
    "loan_type",
    "branch",
    "days_before",
    "send_times",
    "overdue_from",
    "overdue_to",
    "every_days",
    "is_active",
]


def template_save(*, actor, template: SmsTemplate | None = None, **values) -> SmsTemplate:
    """Create or change a template; an unknown {参数} is refused."""
    try:
        check_text(values.get("text", template.text if template else ""))
    except TemplateError as err:
        raise BusinessError(translate_pure_error(err), field="text") from None
    with transaction.atomic():
        template = template or SmsTemplate()
        before = audit.snapshot(template, TEMPLATE_FIELDS) if template.pk else {}
        for name, value in values.items():
            setattr(template, name, value)
        template.save()
        action = "messaging.template.changed" if before else "messaging.template.created"
        audit.record(actor, action, template, changes=audit.diff(before, audit.snapshot(template, TEMPLATE_FIELDS)))
    return template


def auto_switch_set(*, actor, enabled: bool, allowed_from, allowed_to) -> AutoSwitch:
    """Switch automatic sending on or off (自动发送启停); who and when are kept."""
    with transaction.atomic():
        row, _created = AutoSwitch.objects.select_for_update().get_or_create(pk=1)
        before = audit.snapshot(row, ["enabled", "allowed_from", "allowed_to"])
        row.enabled, row.allowed_from, row.allowed_to = enabled, allowed_from, allowed_to
        row.changed_by, row.changed_at = actor, timezone.now()
        row.save()
        audit.record(
            actor,
            "messaging.auto.switched",
            row,
            changes=audit.diff(before, audit.snapshot(row, ["enabled", "allowed_from", "allowed_to"])),
        )
    return row
