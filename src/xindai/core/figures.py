"""Figures over the whole book (reports, the home page's and the lists' totals), kept a while.

Computing them reads every loan of the scope (penalty as of the day included): seconds on a
100,000-loan book, and everyone opens the same few. A result is kept for FIGURES_CACHE_S per
(what, whose scope, today, last audited change): every write of the system writes an audit row
in its transaction, so the newest audit id moves with any change and the figures are computed
again at once; unaudited drift (the date, a setting) lasts at most the few seconds of the TTL.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


def scope_key(user) -> str:
    """The user fields that decide what a user sees (a change of any gives other figures)."""
    fields = (user.pk, user.kind, user.scope, user.branch_id, user.region_id, user.is_superuser, user.role_id)
    return ":".join(str(value) for value in fields)


def _last_change() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM core_auditlog")
        return cursor.fetchone()[0] or 0


def cached(name: str, user, params: Any, compute: Callable[[], Any]) -> Any:
    """`compute()`, or what it gave for the same name, scope, params, day and book state."""
    if not settings.FIGURES_CACHE_S:
        return compute()
    raw = repr((name, scope_key(user), params, timezone.localdate(), _last_change()))
    key = "xindai:figures:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.FIGURES_CACHE_S)
    return value


def criteria(params) -> tuple:
    """A list's search criteria from its query string, without paging, sorting or export."""
    if not params:
        return ()
    skip = {"page", "size", "sort", "export"}
    return tuple(sorted((key, tuple(params.getlist(key))) for key in params if key not in skip))
