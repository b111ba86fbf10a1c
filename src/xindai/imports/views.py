"""数据导入: upload a loan or repayment file, see what it would do and every error, download the
file back with its errors marked, then import it — or nothing."""

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core.xlsx import XLSX
from xindai.imports.forms import UploadForm
from xindai.imports.loan_import import import_loans
from xindai.imports.repayment_import import import_repayments
from xindai.imports.template import loan_template, marked_file

STALE_AFTER_S = 24 * 3600
KINDS = {"loans": import_loans, "repayments": import_repayments}
can_import = permission_required("loans.import", raise_exception=True)


def _folder() -> Path:
    folder = Path(settings.XINDAI_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - STALE_AFTER_S
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)  # an upload checked but never imported
    return folder


def _stored(request, token: str) -> Path:
    """The upload `token` of this user (404 for anyone else's or a malformed token)."""
    try:
        uuid.UUID(token)
    except ValueError:
        raise Http404 from None
    path = _folder() / f"{request.user.pk}-{token}.xlsx"
    if not path.exists():
        raise Http404
    return path


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@can_import
def upload(request):
    """The upload form; a posted file is checked (a dry run) and kept for the import step."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        content = form.cleaned_data["file"].read()
        token = str(uuid.uuid4())
        (_folder() / f"{request.user.pk}-{token}.xlsx").write_bytes(content)
        result = KINDS[kind](content, request.user, dry_run=True)
        context.update(result=result, token=token, kind=kind, filename=form.cleaned_data["file"].name)
    return render(request, "imports/upload.html", context)


@can_import
@require_POST
def run(request, kind: str, token: str):
    """Import a checked file (validated again, written in one transaction or not at all)."""
    if kind not in KINDS:
        raise Http404
    path = _stored(request, token)
    result = KINDS[kind](path.read_bytes(), request.user)
    if not result.ok:
        return render(
            request, "imports/upload.html", {"form": UploadForm(), "result": result, "token": token, "kind": kind}
        )
    path.unlink(missing_ok=True)
    if kind == "loans":
        text = _("Imported %(loans)s loans (%(created)s new customers, %(matched)s existing) with their plans.") % {
            "loans": result.loans_created,
            "created": result.customers_created,
            "matched": result.customers_matched,
        }
        messages.success(request, text)
        return redirect("loans:list")
    messages.success(request, _("Imported %(count)s repayment entries.") % {"count": result.repayments_created})
    return redirect("repayments:ledger")


@can_import
def errors_file(request, kind: str, token: str):
    """The uploaded file with a 错误说明 column and the wrong cells marked."""
    if kind not in KINDS:
        raise Http404
    content = _stored(request, token).read_bytes()
    result = KINDS[kind](content, request.user, dry_run=True)
    return _download(marked_file(content, result.errors), _("import-errors") + ".xlsx")


@can_import
def template(request):
    return _download(loan_template(request.user), _("loan-import-template") + ".xlsx")
