"""Lock-out after failed passwords (django-axes), per (username, address) and with a growing delay.

Failures count per username *and* address together, so neither many addresses trying one
account (the account stays open to everyone else) nor many accounts tried behind one office's
NAT (its other users still sign in) locks anyone else out. Failures accumulate over the longest
delay; at the limit the pair is held for one minute, and every further failure doubles it, up
to AXES_COOLOFF_MINUTES_MAX — an attacker gets a handful of guesses an hour, a user who
mistyped waits a minute.
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

FIRST_DELAY = timedelta(minutes=1)


def delay_after(failures: int) -> timedelta:
    """How long failures are remembered (below the limit) or the pair is held (at and above it)."""
    longest = timedelta(minutes=settings.AXES_COOLOFF_MINUTES_MAX)
    over = failures - settings.AXES_FAILURE_LIMIT
    if over < 0:
        return longest
    return min(FIRST_DELAY * 2 ** min(over, 20), longest)


def cooloff(request) -> timedelta:
    """AXES_COOLOFF_TIME: the delay for this request's (username, address)."""
    if request is None:
        return timedelta(minutes=settings.AXES_COOLOFF_MINUTES_MAX)
    username = (request.POST.get("username") or "") if hasattr(request, "POST") else ""
    address = getattr(request, "axes_ip_address", None)
    failures = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return delay_after(failures or 0)
