"""The worker's tasks for background jobs and its own housekeeping."""

from django.tasks import task


@task()
def run_job(job_id: int) -> None:
    """Run one background job."""
    from xindai.jobs.services import run

    run(job_id)


@task()
def housekeeping() -> int:
    """Restart jobs whose worker died; delete expired results and old queue rows."""
    from xindai.jobs.services import purge_expired

    return purge_expired()
