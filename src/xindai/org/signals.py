"""Sign-ins, failures and lock-outs go to the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xindai.core import audit
from xindai.core.audit_actions import AuditAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    method = getattr(user, "backend", "") or ""
    audit.record(user, AuditAction.SIGNED_IN, user, changes={"method": "sms" if "SmsCode" in method else "password"})


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(user, AuditAction.SIGNED_OUT, user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    who = credentials.get("username") or credentials.get("phone") or ""
    audit.record(None, AuditAction.SIGN_IN_FAILED, changes={"login": str(who)[:150]}, target_repr=str(who)[:150])


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(
        None,
        AuditAction.LOCKED_OUT,
        changes={"login": username or "", "ip": ip_address or ""},
        target_repr=username or ip_address or "",
    )
