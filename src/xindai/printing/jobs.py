"""Batch printing in the background: the interest receipts of a day, when there are more than
settings.PRINT_INLINE_MAX of them (a page each), as one PDF on the job's page."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindai.core.system_settings import get_system_settings
from xindai.jobs.registry import job_kind
from xindai.printing import pdf, selectors
from xindai.printing.documents import receipt_for


def receipts_of(user, day: date) -> list:
    bank_name = get_system_settings().bank_name
    return [receipt_for(row, bank_name=bank_name) for row in selectors.receipts_due_on(user, day)]


@job_kind("printing.receipts", gettext_lazy("Print interest receipts"), "loans.print")
def receipts_job(job, progress) -> dict:
    day = date.fromisoformat(job.params["date"])
    progress.start(0, _("collecting the receipts"))
    documents = receipts_of(job.owner, day)
    progress.start(len(documents), _("writing the PDF"))
    empty = _("No interest is due on %(date)s in your data scope.") % {"date": day.isoformat()}
    content = pdf.receipts_pdf(documents, empty_message=empty)
    progress.result_file(f"扣息回单-{day.isoformat()}.pdf").write_bytes(content)
    return {"receipts": len(documents)}
