"""A watched worker: the red notice in the frame while no worker lives and work waits, /healthz
for the load balancer and `xindai check --database default`."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xindai.jobs.models import WorkerHeartbeat
from xindai.messaging.gateway import send_sms


@pytest.fixture
def queue_in_db(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _waiting(minutes: int) -> None:
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=minutes))


def _client_of(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="xindai.org.auth_backends.RolePermissionBackend")
    return client


def _notice(client) -> bool:
    cache.clear()
    return 'data-testid="worker-notice"' in client.get(reverse("home")).content.decode()


def test_the_notice_appears_while_no_worker_lives_and_messages_wait_and_goes_away(world, login, committed, queue_in_db):
    with committed():
        send_sms("13800000009", "您好")
    client = login(world.officer_a)
    assert not _notice(client)  # just queued: a worker has not had time to take it
    _waiting(minutes=3)
    assert _notice(client)
    assert not _notice(_client_of(world.township_user_a2))  # neither sends messages nor runs the system
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="h", pid=1, started_at=now, seen_at=now)
    assert not _notice(client)
    WorkerHeartbeat.objects.update(seen_at=now - timedelta(minutes=3))
    assert _notice(client)
    DBTaskResult.objects.all().delete()  # the queue emptied
    assert not _notice(client)


def test_healthz_tells_the_load_balancer_without_signing_in(client, db, committed, queue_in_db):
    body = client.get(reverse("healthz")).json()
    assert body == {"status": "ok", "database": "ok", "workers": 0, "worker_last_seen_s": None, "queue_age_s": 0}
    with committed():
        send_sms("13800000009", "您好")
    _waiting(minutes=5)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["queue_age_s"] >= 300
    assert client.get(reverse("healthz") + "?strict=1").status_code == 503


def test_xindai_check_warns_when_no_worker_runs_while_work_waits(db, committed, queue_in_db, capsys):
    with committed():
        send_sms("13800000009", "您好")
    _waiting(minutes=5)
    call_command("check", "--database", "default")
    assert "xindai.W001" in capsys.readouterr().err
