"""One-time sign-in codes sent by SMS (手机短信验证登录).

Rules: 6 digits, valid 5 minutes, stored as an HMAC, void after 5 wrong tries; at most
1 code a minute, 5 an hour and 10 a day per number; the same answer whether or not the
number belongs to a user.
"""

import hashlib
import hmac
import secrets
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.errors import BusinessError
from xindai.org.models import LoginCode, User

TOO_MANY_REQUESTS = _("Too many codes were requested for this number. Please try again later.")
CODE_SENT = _("If this number belongs to a user, a 6-digit code has been sent to it. It is valid for 5 minutes.")
CODE_TEXT = _("Your Xindai sign-in code is %(code)s, valid for 5 minutes. Do not tell anyone.")


class CodeSender(Protocol):
    def __call__(self, phone: str, text: str, *, stored_text: str, code: str) -> None: ...


# The SMS is sent by the messaging app above this one (an SMS that never stores the secret); it
# names its sender here at start-up (MessagingConfig.ready). Without one, no code can be sent.
_senders: list[CodeSender] = []


def register_code_sender(sender: CodeSender) -> CodeSender:
    _senders[:] = [sender]
    return sender


def _digest(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _user_for_phone(phone: str) -> User | None:
    users = list(User.objects.filter(mobile=phone, is_active=True)[:2])
    return users[0] if len(users) == 1 else None  # a shared number signs nobody in


def _check_rate(phone: str) -> None:
    """Under a lock per number held to the end of the transaction: requests for one number are
    counted one after the other, so ten at once send one code."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"xindai.login_code:{phone}"])
    now = timezone.now()
    for window, limit in settings.LOGIN_CODE_LIMITS:
        if LoginCode.objects.filter(phone=phone, created_at__gte=now - window).count() >= limit:
            raise BusinessError(TOO_MANY_REQUESTS)


def login_code_request(*, phone: str, purpose: str = "login", ip: str | None = None, user: User | None = None) -> None:
    """Record a code for `phone` and send it if the number is a user's (silently otherwise).

    Raises BusinessError when the number's rate limit is reached, for users and strangers alike.
    """
    with transaction.atomic():
        _check_rate(phone)
        target = user if user is not None else _user_for_phone(phone)
        code = f"{secrets.randbelow(10**6):06d}"
        LoginCode.objects.create(
            phone=phone,
            user=target,
            code_hash=_digest(phone, code),
            purpose=purpose,
            expires_at=timezone.now() + settings.LOGIN_CODE_TTL,
            ip_address=ip,
        )
        if target is not None:
            if not _senders:
                raise RuntimeError("no sign-in code sender: the messaging app registers one")
            _senders[0](
                phone, str(CODE_TEXT) % {"code": code}, stored_text=str(CODE_TEXT) % {"code": "******"}, code=code
            )


def login_code_verify(*, phone: str, code: str, purpose: str = "login") -> User | None:
    """The user the code was sent to, if `code` is the number's live code; counts a wrong try."""
    code = (code or "").strip()
    with transaction.atomic():
        row = (
            LoginCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None or row.attempts >= settings.LOGIN_CODE_MAX_TRIES:
            return None
        if not (len(code) == 6 and code.isdigit() and hmac.compare_digest(row.code_hash, _digest(phone, code))):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            return None
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        return row.user
