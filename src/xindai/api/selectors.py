"""Reads of API tokens: a user's own; every user's for a user manager."""

from xindai.api.models import ApiToken


def tokens_for(user):
    rows = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    if not user.has_perm("system.manage_users"):
        rows = rows.filter(user=user)
    return rows.order_by("-created_at", "-id")


def token_for(user, pk: int) -> ApiToken:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(tokens_for(user), pk=pk)
