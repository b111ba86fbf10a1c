"""Due and overdue lists, repayment confirmation one by one and in batches, reversal, early
repayment and classification (还款管理)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xindai.core import approval
from xindai.core.display import shown_params
from xindai.core.errors import BusinessError
from xindai.core.money import format_amount
from xindai.core.viewhelpers import paginate, require_perm, run_service, wants_export
from xindai.jobs.exports import export_response
from xindai.loans.quality import BUCKET_LABELS
from xindai.loans.selectors import loan_detail
from xindai.repayments import batch as batches
from xindai.repayments import early, selectors, services
from xindai.repayments.batch import BATCH_MAX
from xindai.repayments.classification import classification_set
from xindai.repayments.forms import BatchForm, ClassificationForm, ConfirmForm, EarlyForm, ReverseForm

BUCKETS = {bucket.value: gettext_lazy(label) for bucket, label in BUCKET_LABELS.items()}


@permission_required("repayments.view", raise_exception=True)
def due_list(request):
    options, filterset, rows, totals = selectors.installment_search(request.user, request.GET)
    view, as_of, within = options.values()
    if wants_export(request, "loans.export"):
        return export_response(request, "due")
    page = paginate(request, rows.values_list("pk", flat=True), count=totals["count"])
    page.object_list = selectors.rows_for_page(request.user, page.object_list, as_of, view)
    return render(
        request,
        "repayments/due_list.html",
        {
            "options": options,
            "filter": filterset,
            "page": page,
            "totals": totals,
            "view": view,
            "as_of": as_of,
            "within": within,
            "buckets": BUCKETS,
            "batch_max": BATCH_MAX,
            "query": request.GET.urlencode(),
        },
    )


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def installment_confirm(request, pk):
    """还款确认: the oldest installment still owing, any amount up to all that is owed on the date;
    the split of the amount is shown once (the confirming step) before anything is posted."""
    as_of = timezone.localdate()
    installment = selectors.installment_in_scope(request.user, pk, as_of)
    require_perm(request.user, "repayments.confirm")
    loan_url = reverse("loans:detail", args=[installment.loan_id])
    form = ConfirmForm(request.POST or None, initial={"paid_on": _date_param(request) or as_of})
    valid = form.is_bound and form.is_valid()
    owing, owing_error = _owing(installment, form.cleaned_data["paid_on"] if valid else _date_param(request) or as_of)
    if not form.is_bound and owing:
        form.initial["amount"] = owing.total
    preview = None
    if valid and request.POST.get("action") == "confirm":
        data = form.cleaned_data
        entry = run_service(form, lambda: services.repayment_confirm(actor=request.user, installment_id=pk, **data))
        if entry:
            messages.success(request, _confirmed_message(entry, installment))
            return redirect(_back(request, loan_url))
    elif valid and request.POST.get("action") != "edit":
        data = form.cleaned_data
        preview = run_service(form, lambda: services.payment_preview(installment, data["amount"], data["paid_on"]))
    context = {"installment": installment, "form": form, "owing": owing, "owing_error": owing_error}
    context.update(preview=preview, remaining=owing.total - preview.total if preview and owing else None)
    context["next"] = _back(request, loan_url)
    template = "repayments/_owing.html" if request.headers.get("HX-Target") == "xd-owing" else "repayments/confirm.html"
    return render(request, template, context)


def _confirmed_message(entry, installment) -> str:
    return _("Repayment of %(amount)s yuan on %(iou)s period %(period)s confirmed.") % {
        "amount": format_amount(entry.amount),
        "iou": installment.loan.iou_number,
        "period": installment.period,
    }


def _date_param(request):
    try:
        return parse_date(request.GET.get("paid_on", ""))
    except ValueError:
        return None


def _owing(installment, paid_on):
    if installment.settled_on is not None:
        return None, _("This installment is settled.")
    last = services.last_payment_dates([installment.pk]).get(installment.pk)
    try:
        services.check_oldest(installment)
        services.check_date(installment.loan, paid_on, last)
    except BusinessError as err:
        return None, str(err)
    return services.owing_on(installment, paid_on), None


def _batch_selection(request):
    """The installments a batch is about: the ticked rows, or every row of the filtered list."""
    if request.POST.get("all") == "1":
        params = QueryDict(request.POST.get("query", ""))
        _options, _filterset, rows, totals = selectors.installment_search(request.user, params)
        return rows.values_list("pk", flat=True), totals["count"], params
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    return ids, len(ids), None


@permission_required("repayments.confirm", raise_exception=True)
@require_POST
def batch(request):
    """批量处理: a summary of the selection as of a date, then all of it confirmed or nothing."""
    ids, count, params = _batch_selection(request)
    selected, chosen, error = selectors.batch_chosen(request.user, ids, count)
    form = BatchForm(request.POST if "paid_on" in request.POST else None)
    paid_on = form.cleaned_data["paid_on"] if form.is_bound and form.is_valid() else timezone.localdate()
    back = _back(request, reverse("repayments:due"))
    if not error and request.POST.get("action") == "confirm" and form.is_valid():
        terms = {name: form.cleaned_data.get(name) for name in ("channel", "remark", "expected_total")}
        confirm = lambda: batches.repayments_confirm_batch(  # noqa: E731
            actor=request.user, installment_ids=selected, paid_on=paid_on, **terms
        )
        if done := run_service(form, confirm):
            totals = shown_params({"count": done.count, "total": done.total})
            messages.success(request, _("%(count)s repayments confirmed: %(total)s in all.") % totals)
            return redirect(back)
    summary = batches.batch_summary(chosen, paid_on) if not error else None
    if summary is not None and not form.is_bound:
        form = BatchForm(initial={"paid_on": paid_on, "expected_total": summary.total})
    elif summary is not None:
        form.data = form.data.copy()
        form.data["expected_total"] = str(summary.total)
    context = {"form": form, "summary": summary, "error": error, "count": count, "next": back}
    context |= {"all": request.POST.get("all") == "1", "query": request.POST.get("query", "")}
    context |= {"ids": [] if params is not None else list(ids)}
    context["rows"] = selectors.page_rows(selectors.owed_rows(chosen, paid_on)[:200])
    return render(request, "repayments/batch.html", context)


def repayment_reverse(request, pk):
    """冲正: a reversal with a reason; the original stays in the ledger. An early repayment's
    entry reverses the early repayment (its replaced plan is in force again)."""
    entry = selectors.repayment_in_scope(request.user, pk)
    require_perm(request.user, "repayments.reverse")
    form = ReverseForm(request.POST or None)
    loan_url = reverse("loans:detail", args=[entry.loan_id])
    review = request.method == "POST" and form.is_valid() and request.POST.get("action") != "confirm"
    if request.method == "POST" and form.is_valid() and not review:
        reason = form.cleaned_data["reason"]
        if early_record := getattr(entry, "early", None):
            call = lambda: early.early_repayment_reverse(actor=request.user, early_id=early_record.pk, reason=reason)  # noqa: E731
        else:
            call = lambda: services.repayment_reverse(actor=request.user, repayment_id=entry.pk, reason=reason)  # noqa: E731
        params = {"repayment_id": entry.pk, "reason": reason}
        done = run_service(
            form,
            lambda: approval.submit_or_run(
                approval.Action.REPAYMENT_REVERSAL, actor=request.user, loan=entry.loan, params=params, run=call
            ),
        )
        if done:
            reversed_ = _("Repayment of %(amount)s yuan reversed.") % {"amount": format_amount(entry.amount)}
            messages.success(request, str(approval.SUBMITTED) if done[1] else reversed_)
            return redirect(loan_url)
    return render(request, "repayments/reverse.html", {"entry": entry, "form": form, "review": review})


def early_repayment(request, pk):
    """提前还款: partial (the rest of the plan regenerated, shown first) or full (the loan settled)."""
    loan = loan_detail(request.user, pk)
    require_perm(request.user, "repayments.confirm")
    form = EarlyForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "confirm":
            record = run_service(
                form,
                lambda: early.early_repayment_confirm(
                    actor=request.user,
                    loan_id=loan.pk,
                    paid_on=data["paid_on"],
                    principal=data["principal"],
                    channel=data["channel"],
                    remark=data["remark"],
                ),
            )
            if record:
                messages.success(
                    request,
                    _("Early repayment of %(principal)s principal and %(interest)s interest confirmed.")
                    % shown_params({"principal": record.principal, "interest": record.interest}),
                )
                return redirect("loans:detail", loan.pk)
        else:
            plan = run_service(form, lambda: early.early_plan(loan, data["paid_on"], data["principal"]))
    return render(request, "repayments/early.html", {"loan": loan, "form": form, "plan": plan})


def classification(request, pk):
    """五级分类认定: set the classification by hand with a reason, or go back to the suggestion."""
    as_of = timezone.localdate()
    loan = loan_detail(request.user, pk)
    require_perm(request.user, "repayments.classify")
    figures = {
        "days_overdue": loan.days_overdue,
        "suggested_category": loan.suggested_category,
        "category": loan.category,
    }
    form = ClassificationForm(request.POST or None, initial={"category": loan.classification_override})
    if request.method == "POST" and form.is_valid():
        params = {"category": form.cleaned_data["category"], "reason": form.cleaned_data["reason"]}
        done = run_service(
            form,
            lambda: approval.submit_or_run(
                approval.Action.CLASSIFICATION,
                actor=request.user,
                loan=loan,
                params=params,
                run=lambda: classification_set(actor=request.user, loan=loan, as_of=as_of, **params),
            ),
        )
        if done:
            messages.success(request, str(approval.SUBMITTED) if done[1] else _("Classification saved."))
            return redirect("loans:detail", loan.pk)
    return render(
        request,
        "repayments/classification.html",
        {
            "loan": loan,
            "form": form,
            "figures": figures,
            "history": selectors.classification_history(request.user, loan),
        },
    )


@permission_required("repayments.view", raise_exception=True)
def ledger_list(request):
    """还款记录查询: repayments and reversals in scope, with totals net of reversals."""
    filterset, entries, totals = selectors.repayment_search(request.user, request.GET)
    if wants_export(request, "loans.export"):
        return export_response(request, "ledger")
    page = paginate(request, entries.values_list("pk", flat=True), count=totals["count"])
    page.object_list = selectors.ledger_for_page(request.user, page.object_list)
    return render(request, "repayments/ledger_list.html", {"filter": filterset, "page": page, "totals": totals})
