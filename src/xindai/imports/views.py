"""数据导入: upload a loan or repayment file; the check and the import run in the background
(我的任务) and their page shows the counts, every error and the file marked with them."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core.viewhelpers import run_service
from xindai.core.xlsx import XLSX
from xindai.imports import uploads
from xindai.imports.forms import UploadForm
from xindai.imports.jobs import KINDS
from xindai.imports.template import loan_template
from xindai.jobs.services import job_start

can_import = permission_required("loans.import", raise_exception=True)


@can_import
def upload(request):
    """The upload form; a posted file is stored and checked by a background job."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind, file = form.cleaned_data["kind"], form.cleaned_data["file"]
        token = uploads.store(request.user, file.read())
        params = {"kind": kind, "token": token, "filename": file.name}
        job = run_service(
            form, lambda: job_start(actor=request.user, kind="imports.check", params=params, subject=file.name)
        )
        if job:
            return redirect("jobs:detail", job.pk)
        uploads.discard(request.user, token)
    return render(request, "imports/upload.html", {"form": form})


@can_import
@require_POST
def run(request, kind: str, token: str):
    """Import a checked file (checked again, written in one transaction or not at all)."""
    if kind not in KINDS:
        raise Http404
    path = uploads.stored(request.user, token)
    params = {"kind": kind, "token": token, "filename": request.POST.get("filename", "")[:200]}
    job = job_start(actor=request.user, kind="imports.run", params=params, subject=params["filename"] or path.name)
    return redirect("jobs:detail", job.pk)


@can_import
def template(request):
    response = HttpResponse(loan_template(request.user), content_type=XLSX)
    name = _("loan-import-template") + ".xlsx"

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
