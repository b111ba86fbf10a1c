"""Reading jobs: the owner's list, one job, and its result file — checked again when fetched."""

from pathlib import Path

from django.core.exceptions import PermissionDenied

from xindai.core.errors import NotFound
from xindai.jobs.models import Job, JobState
from xindai.jobs.registry import kind_of
from xindai.jobs.services import result_dir, scope_key


def my_jobs(user):
    return Job.objects.visible_to(user).order_by("-id")


def job_of(user, pk: int) -> Job:
    """The user's own job (anyone else's answers 404, like one that does not exist)."""
    job = Job.objects.visible_to(user).filter(pk=pk).first()
    if job is None:
        raise NotFound
    return job


def result_of(user, job: Job) -> Path:
    """The result file of a finished job: 403 when the owner lost the kind's permission or the
    data scope changed since it was made, 404 when there is none (or it was deleted)."""
    if not user.has_perm(kind_of(job.kind).perm) or job.scope_key != scope_key(user):
        raise PermissionDenied
    if job.state != JobState.DONE or not job.result_file:
        raise NotFound
    path = result_dir() / job.result_file
    if not path.exists():
        raise NotFound
    return path
