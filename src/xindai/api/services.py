"""Making and revoking API tokens; each leaves an audit row (the secret never does)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.api import tokens
from xindai.api.models import ApiToken
from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError

MAX_DAYS = 366
BAD_EXPIRY = _("A token expires within 1 to %(max)s days.")
BAD_ADDRESS = _("“%(entry)s” is not an address or network (e.g. 10.1.2.3 or 10.1.0.0/16).")
NOT_YOURS = _("You can only manage your own API tokens.")
ALREADY_REVOKED = _("This API token is already revoked.")


def can_manage(actor, token_user) -> bool:
    return actor.pk == token_user.pk or actor.has_perm("system.manage_users")


def parse_addresses(text: str) -> list[str]:
    import ipaddress

    entries = [entry.strip() for entry in text.replace("，", ",").replace("\n", ",").split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise BusinessError(BAD_ADDRESS, {"entry": entry}, field="allowed_ips") from None
    return entries


def token_create(*, actor, user, name: str, days: int, allowed_ips: list[str]) -> tuple[ApiToken, str]:
    """A new token for `user` (the actor's own, or anyone's for a user manager): (row, the whole
    token, shown this once)."""
    if not can_manage(actor, user):
        raise BusinessError(NOT_YOURS)
    if not 1 <= days <= MAX_DAYS:
        raise BusinessError(BAD_EXPIRY, {"max": MAX_DAYS}, field="days")
    whole, prefix, digest = tokens.new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            prefix=prefix,
            secret_hash=digest,
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=days),
            allowed_ips=allowed_ips,
        )
        audit.record(
            actor,
            AuditAction.API_TOKEN_CREATED,
            token,
            changes={
                "user": user.username,
                "name": token.name,
                "expires_at": token.expires_at,
                "allowed_ips": allowed_ips,
            },
        )
    return token, whole


def token_revoke(*, actor, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token_id)
        if not can_manage(actor, token.user):
            raise BusinessError(NOT_YOURS)
        if token.revoked_at is not None:
            raise BusinessError(ALREADY_REVOKED)
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor, AuditAction.API_TOKEN_REVOKED, token, changes={"user": token.user.username, "name": token.name}
        )
    return token
