"""短信群发 and 语音群发 from the compose page as a background job: the recipients read again in
the owner's scope, the messages built and queued a chunk at a time (mass_sending.sending_build), and
the job's page linking to the batch's 发送记录 (which checks permission and scope when opened)."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindai.jobs.registry import job_kind
from xindai.messaging import mass_sending
from xindai.messaging.models import MassSending
from xindai.messaging.recipients import recipients_for


@job_kind(
    mass_sending.JOB_KIND,
    gettext_lazy("Mass sending"),
    "messaging.send",
    result_template="messaging/_sending_job.html",
)
def send_job(job, progress) -> dict:
    batch = MassSending.objects.visible_to(job.owner).get(pk=job.params["sending"])
    progress.start(0, _("reading the recipients"))
    recipients, _form = recipients_for(job.owner, job.params["source"], QueryDict(job.params["data"]))

    def report(done: int, total: int) -> None:
        if progress.job.total != total:
            progress.start(total, _("making the messages"))
        progress.advance(done)

    batch = mass_sending.sending_build(
        batch=batch, recipients=recipients, channel=job.params["channel"], on_progress=report
    )
    return {"sending": batch.pk, "messages": batch.messages_count, "skipped": batch.skipped_opted_out}
