"""Background jobs: progress and result, the result only for its owner with the permission and
the scope it was made under, kept for a while then deleted, a stopped worker's job queued
again, a dead worker's job restarted."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xindai.core.errors import BusinessError
from xindai.jobs import services, worker
from xindai.jobs.models import Job, JobState, WorkerHeartbeat
from xindai.jobs.registry import job_kind

SEEN = []


@job_kind("tests.count", "Count", "loans.view")
def count_job(job, progress):
    progress.start(job.params["to"], "counting")
    for n in range(job.params["to"]):
        SEEN.append((n, Job.objects.get(pk=job.pk).done))
        progress.advance(n + 1)
    progress.result_file("count.txt").write_text(str(job.params["to"]))
    return {"counted": job.params["to"]}


@job_kind("tests.refuse", "Refuse", "loans.view")
def refusing_job(job, progress):
    raise BusinessError(gettext_lazy("No loans match."))


@job_kind("tests.crash", "Crash", "loans.view")
def crashing_job(job, progress):
    raise RuntimeError("bug")


@pytest.fixture(autouse=True)
def _fresh():
    SEEN.clear()
    services.PROGRESS_EVERY_S, saved = 0, services.PROGRESS_EVERY_S
    yield
    services.PROGRESS_EVERY_S = saved
    worker.stop_requested.clear()


def start(user, committed, kind="tests.count", **params):
    with committed():
        return services.job_start(actor=user, kind=kind, params=params or {"to": 3}, subject="s")


def test_a_job_reports_progress_and_keeps_its_result(world, login, committed):
    job = start(world.officer_a, committed)
    job.refresh_from_db()
    assert [done for _n, done in SEEN] == [0, 1, 2]  # progress written as it went
    assert (job.state, job.done, job.total, job.result) == (JobState.DONE, 3, 3, {"counted": 3})
    assert job.expires_at - job.finished_at == timedelta(hours=72)
    client = login(world.officer_a)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "已完成" in page and "hx-trigger" not in page  # finished: no more polling
    response = client.get(reverse("jobs:result", args=[job.pk]))
    assert b"".join(response.streaming_content) == b"3"
    assert "Count" in client.get(reverse("jobs:list")).content.decode()


def test_a_running_job_page_polls(world, login):
    job = Job.objects.create(kind="tests.count", owner=world.officer_a, scope_key="x", state=JobState.RUNNING, total=10)
    Job.objects.filter(pk=job.pk).update(done=4)
    client = login(world.officer_a)
    fragment = client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "40%" in fragment and "<html" not in fragment


def test_the_request_that_starts_a_job_does_not_run_it(world):
    job = services.job_start(actor=world.officer_a, kind="tests.count", params={"to": 3})
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED and SEEN == []  # the worker runs it after the commit


def test_only_the_owner_sees_a_job_and_its_result(world, login, committed):
    job = start(world.officer_a, committed)
    for other in (world.officer_b, world.admin):
        client = login(other)
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:result", args=[job.pk])).status_code == 404


def test_the_result_is_withheld_when_the_scope_or_permission_changed(world, login, committed):
    job = start(world.officer_a, committed)
    client = login(world.officer_a)
    world.officer_a.branch = world.branch_b
    world.officer_a.save()
    assert client.get(reverse("jobs:result", args=[job.pk])).status_code == 403
    job = start(world.manager_a, committed)
    role = world.manager_a.role
    role.permissions = [code for code in role.permissions if code != "loans.view"]
    role.save()
    assert login(world.manager_a).get(reverse("jobs:result", args=[job.pk])).status_code == 403


def test_a_refusal_or_a_bug_fails_the_job_with_a_message(world, committed):
    refused = start(world.officer_a, committed, kind="tests.refuse", x=1)
    crashed = start(world.officer_a, committed, kind="tests.crash", x=1)
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert (refused.state, refused.error) == (JobState.FAILED, "没有符合条件的贷款。")
    assert crashed.state == JobState.FAILED and crashed.error == str(services.MSG_INTERNAL)


def test_a_worker_asked_to_stop_gives_the_job_back(world, committed, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job = start(world.officer_a, committed)
    worker.stop_requested.set()
    services.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, job.result_file) == (JobState.QUEUED, 0, "")


def test_a_job_whose_worker_died_is_started_again_then_given_up(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", hostname="h", pid=1, started_at=now, seen_at=now)
    kept = Job.objects.create(kind="tests.count", owner=world.admin, scope_key="x", state="running", worker_id="alive")
    lost = Job.objects.create(kind="tests.count", owner=world.admin, scope_key="x", state="running", worker_id="dead")
    tired = Job.objects.create(
        kind="tests.count", owner=world.admin, scope_key="x", state="running", worker_id="dead", attempts=3
    )
    assert services.recover_lost(now) == 2
    states = {j.pk: j.state for j in Job.objects.all()}
    assert states == {kept.pk: JobState.RUNNING, lost.pk: JobState.QUEUED, tired.pk: JobState.FAILED}


def test_expired_results_are_deleted_with_their_files(world, committed):
    job = start(world.officer_a, committed)
    job.refresh_from_db()
    path = services.result_dir() / job.result_file
    assert path.exists()
    services.purge_expired(job.expires_at + timedelta(seconds=1))
    assert not Job.objects.filter(pk=job.pk).exists() and not Path(path).exists()


def test_everyone_has_my_jobs_in_the_menu(world, login):
    for user in (world.officer_a, world.township_user_a2):
        assert reverse("jobs:list") in login(user).get(reverse("home")).content.decode()
