"""Background jobs (我的任务) and the heartbeats of the workers that run them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running `xindai worker`, written every few seconds; deleted when it stops."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("waiting")  # 排队中
    RUNNING = "running", _("running")  # 进行中
    DONE = "done", _("done")  # 已完成
    FAILED = "failed", _("failed")  # 失败


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JobQuerySet":
        """A job and its result are its owner's alone (they hold the owner's scope of data)."""
        return self.filter(owner_id=user.pk) if getattr(user, "is_authenticated", False) else self.none()


class Job(models.Model):
    """Long work started by a user and run by a worker: who, what, how far, and what came of it.

    The result file holds data of the owner's scope: only the owner fetches it, with the
    permission of the kind still held and the same data scope as when the job started."""

    kind = models.CharField(_("kind"), max_length=40)  # a registered kind (jobs/registry.py)
    subject = models.CharField(_("subject"), max_length=200, blank=True)  # e.g. the uploaded file's name
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    params = models.JSONField(default=dict, blank=True)
    scope_key = models.CharField(max_length=200)  # the owner's data scope when the job started
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=200, blank=True)  # a file name under JOB_RESULT_DIR
    result_name = models.CharField(max_length=200, blank=True)  # the name the download gets
    error = models.TextField(_("error"), blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True, db_index=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["owner", "-id"], name="job_owner_recent")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
