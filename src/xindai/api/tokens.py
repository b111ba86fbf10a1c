"""Token secrets (pure): `xd_<prefix>_<secret>`; only the SHA-256 of the whole token is stored."""

import hashlib
import hmac
import secrets

PREFIX_BYTES = 6  # 12 hex characters: finds the row
SECRET_BYTES = 32  # 256 random bits: a fast hash is enough, no guessing is possible


def new_token() -> tuple[str, str, str]:
    """(whole token shown once, prefix, hash to store)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    token = f"xd_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return token, prefix, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "xd" or len(parts[1]) != 2 * PREFIX_BYTES or not parts[2]:
        return None
    return parts[1]


def matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)


def ip_allowed(ip: str | None, allowed: list[str]) -> bool:
    """An empty list allows every address; entries are addresses or networks (10.1.0.0/16)."""
    import ipaddress

    if not allowed:
        return True
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for entry in allowed:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
