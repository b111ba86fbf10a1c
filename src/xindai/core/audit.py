"""The audit trail: one call per write, inside the write's transaction."""

from decimal import Decimal
from typing import Any

from django.db import models

from xindai.core.audit_actions import AuditAction
from xindai.core.middleware import current_ip
from xindai.core.models import AuditLog


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value (Decimal stays exact, as a string)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Values of `fields` on `obj`, ready to compare before and after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def _row(actor, action: AuditAction, target, changes, target_repr) -> AuditLog:
    action = AuditAction(action)  # an unregistered code is a programming error (core/audit_actions.py)
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditLog(
        actor=actor if is_user else None,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", "")) if is_user else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else str(target) if target is not None else "")[:200],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        ip_address=current_ip.get(),
    )


def record_many(actor, action: AuditAction, entries: list[tuple[models.Model, dict]]) -> None:
    """One audit row per (target, changes), written in one statement (batch operations)."""
    AuditLog.objects.bulk_create([_row(actor, action, target, changes, None) for target, changes in entries], 500)


def record(
    actor,
    action: AuditAction,
    target: models.Model | None = None,
    *,
    changes: dict | None = None,
    target_repr: str | None = None,
) -> AuditLog:
    """Write one audit row. Call it inside the transaction of the change it describes."""
    row = _row(actor, action, target, changes, target_repr)
    row.save(force_insert=True)
    return row
