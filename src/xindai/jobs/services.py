"""Starting, running and cleaning up background jobs.

A job is a row first (queued), then a task on the worker's queue once the transaction that
wrote it commits; the request that starts it answers at once with the job's page. The worker
runs it with the owner's permissions checked again, reports progress on the row, and keeps the
result file for settings.JOB_KEEP. A worker asked to stop gives the job back to the queue
(its work is all-or-nothing), and a job whose worker died is started again by the next sweep.
"""

import logging
import time
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.core.figures import scope_key
from xindai.jobs import worker
from xindai.jobs.models import Job, JobState, WorkerHeartbeat
from xindai.jobs.registry import kind_of

log = logging.getLogger(__name__)

MSG_NOT_ALLOWED = _("You are not allowed to start this job.")
MSG_LOST_PERMISSION = _("The job was not run: its owner no longer has the permission for it.")
MSG_INTERNAL = _(
    "The job stopped because of an internal error (it has been logged). Try again, or tell the administrator."
)
MSG_WORKER_DIED = _("The job stopped three times because its worker stopped. Try again later.")
PROGRESS_EVERY_S = 0.5
MAX_ATTEMPTS = 3


class Interrupted(Exception):
    """The worker was asked to stop: the job goes back to the queue, its work undone."""


def result_dir() -> Path:
    folder = Path(settings.JOB_RESULT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_start(*, actor, kind: str, params: dict, subject: str = "") -> Job:
    """Queue a job of `kind` for `actor`; the worker takes it once the transaction commits."""
    if not actor.has_perm(kind_of(kind).perm):
        raise BusinessError(MSG_NOT_ALLOWED)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, owner=actor, params=params, subject=subject[:200], scope_key=scope_key(actor)
        )
        audit.record(actor, AuditAction.JOB_STARTED, job, changes={"kind": kind, "subject": job.subject})
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


class Progress:
    """Handed to a job's function: how far it is (written at most twice a second), whether to
    stop, and where its result file goes."""

    def __init__(self, job: Job):
        self.job = job
        self._written = 0.0

    def start(self, total: int, step: str = "") -> None:
        self.job.total, self.job.done, self.job.step = total, 0, str(step)[:200]
        self._write(force=True)

    def advance(self, done: int, step: str | None = None) -> None:
        if worker.stopping():
            raise Interrupted
        self.job.done = min(done, self.job.total) if self.job.total else done
        if step is not None:
            self.job.step = str(step)[:200]
        self._write()

    def result_file(self, name: str) -> Path:
        """The path to write the result to; the download is offered as `name`."""
        suffix = Path(name).suffix
        self.job.result_file, self.job.result_name = f"{self.job.pk}-{uuid.uuid4().hex}{suffix}", name[:200]
        return result_dir() / self.job.result_file

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._written >= PROGRESS_EVERY_S:
            self._written = now
            Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=self.job.total, step=self.job.step)


def run(job_id: int) -> None:
    """Run one queued job (the worker's task). Only one worker gets it: the claim is a
    conditional update."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, worker_id=worker.worker_id, attempts=F("attempts") + 1
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    kind = kind_of(job.kind)
    if not (job.owner.is_active and job.owner.has_perm(kind.perm)):
        _finish(job, JobState.FAILED, error=str(MSG_LOST_PERMISSION))
        return
    progress = Progress(job)
    try:
        summary = kind.run(job, progress)
    except Interrupted:
        _requeue(job)
        return
    except BusinessError as err:
        _finish(job, JobState.FAILED, error=str(err))
        return
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobState.FAILED, error=str(MSG_INTERNAL))
        return
    job.result = summary or {}
    _finish(job, JobState.DONE)


def _finish(job: Job, state: str, *, error: str = "") -> None:
    now = timezone.now()
    job.state, job.error, job.finished_at, job.expires_at = state, error, now, now + settings.JOB_KEEP
    if state == JobState.DONE:
        job.done = job.total
    job.save(
        update_fields=[
            "state",
            "error",
            "finished_at",
            "expires_at",
            "done",
            "total",
            "step",
            "result",
            "result_file",
            "result_name",
        ]
    )


def _requeue(job: Job) -> None:
    _remove_file(job)
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED, worker_id="", done=0, result_file="")
    run_job.enqueue(job.pk)


def recover_lost(now: datetime | None = None) -> int:
    """Jobs left running by a worker that died go back to the queue (or fail after three tries)."""
    now = now or timezone.now()
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=now - settings.WORKER_DEAD_AFTER).values("worker_id")
    lost = list(Job.objects.filter(state=JobState.RUNNING).exclude(worker_id__in=alive))
    for job in lost:
        if job.attempts >= MAX_ATTEMPTS:
            _finish(job, JobState.FAILED, error=str(MSG_WORKER_DIED))
        else:
            _requeue(job)
    return len(lost)


def purge_expired(now: datetime | None = None) -> int:
    """1. Recover jobs whose worker died. 2. Delete expired jobs and their files. 3. Delete the
    queue's finished task rows older than a day. 4. Delete heartbeats of workers long gone."""
    now = now or timezone.now()
    recover_lost(now)
    expired = list(Job.objects.filter(expires_at__lt=now))
    for job in expired:
        _remove_file(job)
    Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
    DBTaskResult.objects.filter(finished_at__lt=now - settings.JOB_KEEP).delete()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - 10 * settings.WORKER_DEAD_AFTER).delete()
    return len(expired)


def _remove_file(job: Job) -> None:
    if job.result_file:
        (result_dir() / job.result_file).unlink(missing_ok=True)


# The worker's tasks (Django's tasks framework; the database queue of django-tasks-db).


@task()
def run_job(job_id: int) -> None:
    """Run one background job."""
    run(job_id)


@task()
def housekeeping() -> int:
    """Restart jobs whose worker died; delete expired results and old queue rows."""
    return purge_expired()
