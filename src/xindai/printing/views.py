"""Print pages (A4, no menu) and PDF downloads of the disbursement notice and the interest
receipts. An object outside the user's scope answers 404, a role without loans.print 403."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from xindai.core.system_settings import get_system_settings
from xindai.core.viewhelpers import require_perm
from xindai.jobs.services import job_start
from xindai.printing import pdf, selectors
from xindai.printing.documents import notice_for, receipt_for
from xindai.printing.forms import ReceiptsForm
from xindai.printing.jobs import receipts_of

PERM = "loans.print"


def notice(request, loan_pk: int):
    document = _notice(request, loan_pk)
    context = {
        "notices": [document],
        "pdf_url": reverse("printing:notice_pdf", args=[loan_pk]),
        "back_url": reverse("loans:detail", args=[loan_pk]),
    }
    return render(request, "printing/notice.html", context)


def notice_pdf(request, loan_pk: int):
    document = _notice(request, loan_pk)
    return _pdf(pdf.notices_pdf([document]), f"放款通知单-{document.number}.pdf")


def receipt(request, installment_pk: int):
    document = _receipt(request, installment_pk)
    context = {
        "receipts": [document],
        "pdf_url": reverse("printing:receipt_pdf", args=[installment_pk]),
        "back_url": reverse("loans:detail", args=[document.loan_id]),
    }
    return render(request, "printing/receipt.html", context)


def receipt_pdf(request, installment_pk: int):
    document = _receipt(request, installment_pk)
    return _pdf(pdf.receipts_pdf([document]), f"扣息回单-{document.number}.pdf")


@permission_required(PERM, raise_exception=True)
def receipts(request):
    """The receipts of all interest settlements of a date (default today), two to an A4 page."""
    form = ReceiptsForm(request.GET or {"date": timezone.localdate().isoformat()})
    documents, day = [], None
    if form.is_valid():
        day = form.cleaned_data["date"]
        documents = _receipts_of(request, day)
    context = {"form": form, "day": day, "receipts": documents, "back_url": reverse("repayments:due")}
    if documents:
        context["pdf_url"] = reverse("printing:receipts_pdf") + f"?date={day.isoformat()}"
    return render(request, "printing/receipts.html", context)


@permission_required(PERM, raise_exception=True)
def receipts_pdf(request):
    form = ReceiptsForm(request.GET)
    if not form.is_valid():
        raise Http404
    day = form.cleaned_data["date"]
    documents = receipts_of(request.user, day)
    if len(documents) > settings.PRINT_INLINE_MAX:  # hundreds of pages: written in the background
        job = job_start(
            actor=request.user, kind="printing.receipts", params={"date": day.isoformat()}, subject=str(day)
        )
        return redirect("jobs:detail", job.pk)
    empty = _("No interest is due on %(date)s in your data scope.") % {"date": day.isoformat()}
    return _pdf(pdf.receipts_pdf(documents, empty_message=empty), f"扣息回单-{day.isoformat()}.pdf")


def _notice(request, loan_pk: int):
    loan = selectors.notice_loan(request.user, loan_pk)
    require_perm(request.user, PERM)
    return notice_for(loan, user=request.user, bank_name=get_system_settings().bank_name)


def _receipt(request, installment_pk: int):
    installment = selectors.receipt_installment(request.user, installment_pk)
    require_perm(request.user, PERM)
    return receipt_for(installment, bank_name=get_system_settings().bank_name)


def _receipts_of(request, day):
    return receipts_of(request.user, day)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
