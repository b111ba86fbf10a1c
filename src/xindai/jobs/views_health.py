"""/healthz for the load balancer and monitoring: no sign-in, nothing confidential."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from xindai.jobs.health import worker_health


@login_not_required
@never_cache
def healthz(request):
    """200 while the database answers (503 when it does not), with the worker's state and the age
    of the oldest waiting task; `?strict=1` answers 503 also when no worker runs while work waits."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        health = worker_health()
    except DatabaseError:
        return JsonResponse({"status": "fail", "database": "unreachable"}, status=503)
    body = {
        "status": "degraded" if health.stalled else "ok",
        "database": "ok",
        "workers": health.workers,
        "worker_last_seen_s": round((timezone.now() - health.last_seen).total_seconds()) if health.last_seen else None,
        "queue_age_s": round(health.queue_age.total_seconds()),
    }
    status = 503 if health.stalled and request.GET.get("strict") == "1" else 200
    return JsonResponse(body, status=status)
