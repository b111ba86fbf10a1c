"""Uploaded import files between the check and the import: in settings.XINDAI_IMPORT_DIR
(outside the checkout), private to their user, deleted when refused, imported or a day old."""

import time
import uuid
from pathlib import Path

from django.conf import settings

from xindai.core.errors import NotFound

STALE_AFTER_S = 24 * 3600


def folder() -> Path:
    path = Path(settings.XINDAI_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    stale = time.time() - STALE_AFTER_S
    for old in path.glob("*.xlsx"):
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)  # an upload checked but never imported
    return path


def store(user, content: bytes) -> str:
    token = str(uuid.uuid4())
    (folder() / f"{user.pk}-{token}.xlsx").write_bytes(content)
    return token


def stored(user, token: str) -> Path:
    """The upload `token` of this user (NotFound for anyone else's, a malformed token or one used up)."""
    try:
        uuid.UUID(token)
    except ValueError:
        raise NotFound from None
    path = folder() / f"{user.pk}-{token}.xlsx"
    if not path.exists():
        raise NotFound
    return path


def discard(user, token: str) -> None:
    (folder() / f"{user.pk}-{token}.xlsx").unlink(missing_ok=True)
