"""Is the background worker alive, and how long has work been waiting for it?

Read by the frame's red notice (context_processors.py), `/healthz` for the load balancer and
`xindai check`. Work waiting is the oldest task of the queue ready to run (messages to send,
jobs to run): without a live worker it only grows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from xindai.jobs.models import WorkerHeartbeat

MSG_NO_WORKER = _(
    "No background worker has been running for %(minutes)s minutes while work waits: messages, "
    "sign-in codes and background jobs are not going out. Start `xindai worker` (or ask the administrator)."
)


@dataclass(frozen=True, slots=True)
class WorkerHealth:
    workers: int  # alive now
    last_seen: datetime | None  # the latest heartbeat of any worker
    waiting_since: datetime | None  # the oldest task ready to run

    @property
    def queue_age(self) -> timedelta:
        return timezone.now() - self.waiting_since if self.waiting_since else timedelta(0)

    @property
    def stalled(self) -> bool:
        """No live worker while work has waited longer than a worker needs to notice it."""
        return self.workers == 0 and self.queue_age > settings.WORKER_DEAD_AFTER

    @property
    def down_minutes(self) -> int:
        since = self.last_seen or self.waiting_since or timezone.now()
        return max(int((timezone.now() - since).total_seconds() // 60), 0)


def worker_health() -> WorkerHealth:
    now = timezone.now()
    beats = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
    seen = list(beats[:50])
    waiting = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    alive = sum(1 for at in seen if at >= now - settings.WORKER_DEAD_AFTER)
    return WorkerHealth(workers=alive, last_seen=seen[0] if seen else None, waiting_since=waiting)


def check_worker(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """`xindai check --database default`: a warning when no worker runs while work waits (a
    database check, so commands that need no database never open one for it)."""
    if not databases:
        return []
    try:
        health = worker_health()
    except DatabaseError:
        return []
    if not health.stalled:
        return []
    return [checks.Warning(str(MSG_NO_WORKER % {"minutes": health.down_minutes}), id="xindai.W001")]
