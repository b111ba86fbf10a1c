"""The worker's tasks (Django's tasks framework; the database queue of django-tasks-db)."""

from django.tasks import task
from django.utils import timezone
from django.utils.dateparse import parse_datetime


@task()
def deliver_messages() -> int:
    """Send every queued message that is due."""
    from xindai.messaging.outbox import deliver_all

    return deliver_all()


@task()
def run_reminders(at: str | None = None) -> int:
    """Queue the automatic reminders and collection notices due at `at` (ISO; default now)."""
    from xindai.messaging.engine import run

    moment = parse_datetime(at) if at else timezone.now()
    return run(moment).queued
