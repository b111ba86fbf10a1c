"""The import as background jobs: the check (a dry run, with the file handed back marked) and
the import itself. Progress is the row being checked; a refused file is deleted at once."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindai.core.errors import BusinessError
from xindai.imports.loan_import import import_loans
from xindai.imports.repayment_import import import_repayments
from xindai.imports.template import marked_file
from xindai.imports.uploads import discard, stored
from xindai.jobs.registry import job_kind

KINDS = {"loans": import_loans, "repayments": import_repayments}
SHOWN_ERRORS = 500
MARK_UP_TO_ROWS = 20_000  # marking loads the whole workbook (openpyxl): bigger files get the list only


def _upload(job):
    try:
        return stored(job.owner, job.params["token"]).read_bytes()
    except Http404:
        raise BusinessError(gettext_lazy("The uploaded file is no longer there; upload it again.")) from None


def _summary(job, result) -> dict:
    data = result.as_dict()
    data["errors_count"] = len(result.errors)
    data["errors"] = data["errors"][:SHOWN_ERRORS]
    return data | {"kind": job.params["kind"], "token": job.params["token"]}


def _progress(progress):
    def report(done: int, total: int) -> None:
        if progress.job.total != total:
            progress.start(total, _("checking rows"))
        progress.advance(done)

    return report


@job_kind(
    "imports.check",
    gettext_lazy("Check an import file"),
    "loans.import",
    result_template="imports/_check_result.html",
)
def check(job, progress) -> dict:
    content = _upload(job)
    result = KINDS[job.params["kind"]](content, job.owner, dry_run=True, on_progress=_progress(progress))
    if result.file_error:
        discard(job.owner, job.params["token"])
    elif result.errors and result.rows <= MARK_UP_TO_ROWS:
        progress.advance(progress.job.total, _("marking the errors in the file"))
        progress.result_file(_("import-errors") + ".xlsx").write_bytes(marked_file(content, result.errors))
    return _summary(job, result)


@job_kind("imports.run", gettext_lazy("Import a file"), "loans.import", result_template="imports/_run_result.html")
def run(job, progress) -> dict:
    content = _upload(job)
    result = KINDS[job.params["kind"]](content, job.owner, on_progress=_progress(progress))
    if result.ok:
        discard(job.owner, job.params["token"])
    return _summary(job, result)
