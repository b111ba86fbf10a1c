"""Reading core's own records: the audit log as a user may see it."""

from xindai.core.models import AuditLog

# Criterion → lookup on AuditLog (operator: a part of the name recorded with the row).
AUDIT_CRITERIA = {
    "action": "action",
    "actor": "actor_name__contains",
    "date_from": "created_at__date__gte",
    "date_to": "created_at__date__lte",
}


def audit_entries(user, criteria: dict | None = None):
    """The audit rows in `user`'s scope, newest first, narrowed by the criteria given (blank ones
    ignored)."""
    entries = AuditLog.objects.visible_to(user)
    lookups = {AUDIT_CRITERIA[name]: value for name, value in (criteria or {}).items() if value}
    return entries.filter(**lookups)
