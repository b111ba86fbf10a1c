"""Writes of templates and of the automatic-sending switch, each with its audit row."""

from django.db import transaction
from django.utils import timezone

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.messaging import intents
from xindai.messaging.models import AutoSwitch, IntentRule, SmsTemplate
from xindai.messaging.parameters import names_for
from xindai.messaging.rendering import TemplateError, check_text
from xindai.org.models import User

AUTO_SWITCH_FIELDS = ["enabled", "replies_enabled", "allowed_from", "allowed_to"]
RULE_FIELDS = ["intent", "keywords", "reply", "priority", "is_active", "pattern"]
TEMPLATE_FIELDS = [
    "name",
    "kind",
    "channel",
    "text",
    "provider_code",
    "loan_type",
    "branch",
    "days_before",
    "send_times",
    "overdue_from",
    "overdue_to",
    "every_days",
    "retry_times",
    "retry_minutes",
    "voice_fallback",
    "is_active",
]


def template_save(*, actor: User, template: SmsTemplate | None = None, **values) -> SmsTemplate:
    """Create or change a template; an unknown {参数} is refused."""
    kind = values.get("kind", template.kind if template else "")
    try:
        check_text(values.get("text", template.text if template else ""), names_for(kind))
    except TemplateError as err:
        raise BusinessError(translate_pure_error(err), field="text") from None
    with transaction.atomic():
        template = template or SmsTemplate()
        before = audit.snapshot(template, TEMPLATE_FIELDS) if template.pk else {}
        for name, value in values.items():
            setattr(template, name, value)
        template.save()
        action = AuditAction.TEMPLATE_CHANGED if before else AuditAction.TEMPLATE_CREATED
        audit.record(actor, action, template, changes=audit.diff(before, audit.snapshot(template, TEMPLATE_FIELDS)))
    return template


def auto_switch_set(
    *, actor: User, enabled: bool, allowed_from, allowed_to, replies_enabled: bool = True
) -> AutoSwitch:
    """Switch automatic sending on or off (自动发送启停); who and when are kept."""
    with transaction.atomic():
        row, _created = AutoSwitch.objects.select_for_update().get_or_create(pk=1)
        before = audit.snapshot(row, AUTO_SWITCH_FIELDS)
        row.enabled, row.allowed_from, row.allowed_to = enabled, allowed_from, allowed_to
        row.replies_enabled = replies_enabled
        row.changed_by, row.changed_at = actor, timezone.now()
        row.save()
        audit.record(
            actor,
            AuditAction.AUTO_SWITCHED,
            row,
            changes=audit.diff(before, audit.snapshot(row, AUTO_SWITCH_FIELDS)),
        )
    return row


def rule_save(*, actor: User, rule=None, **values):
    """Create or change an automatic-reply rule."""
    try:
        intents.Rule(
            values["intent"], values.get("keywords", ""), values.get("pattern") or None, values.get("priority", 0)
        )
    except intents.RuleError as err:
        raise BusinessError(translate_pure_error(err), field="keywords") from None
    with transaction.atomic():
        rule = rule or IntentRule()
        before = audit.snapshot(rule, RULE_FIELDS) if rule.pk else {}
        for name, value in values.items():
            setattr(rule, name, value)
        rule.save()
        audit.record(actor, AuditAction.RULE_SAVED, rule, changes=audit.diff(before, audit.snapshot(rule, RULE_FIELDS)))
    return rule
