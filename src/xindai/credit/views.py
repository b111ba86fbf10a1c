"""Pages of the credit operations: the checker's inbox (待我审批), the maker's requests (我的申请),
a request's decision, the approval settings, and the loan actions (展期/重组, 核销, 减免, 移交)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core.approval import SUBMITTED, Action, submit_or_run
from xindai.core.display import shown_params
from xindai.core.errors import BusinessError
from xindai.core.viewhelpers import paginate, require_perm, run_service
from xindai.credit import approvals, selectors
from xindai.credit.forms import DecisionForm, LoanChangeForm, PolicyForm, ReasonForm, WaiverForm
from xindai.credit.kinds import _change_args
from xindai.credit.models import ApprovalRequest
from xindai.credit.restructure import credit_settings, loan_change_apply
from xindai.credit.waiver import installment_waive, waiver_owing
from xindai.credit.writeoff import check_write_off, loan_write_off
from xindai.loans.selectors import loan_detail

approver = permission_required(approvals.APPROVE_PERMISSION, raise_exception=True)


@approver
def inbox(request):
    requests = approvals.inbox(request.user)
    action = request.GET.get("action", "")
    if action:
        requests = requests.filter(action=action)
    page = paginate(request, requests.order_by("expires_at", "id"))
    counts = selectors.counts_by_action(approvals.inbox(request.user))
    return render(request, "credit/inbox.html", {"page": page, "counts": counts, "action": action})


@approver
@require_POST
def bulk(request):
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    approve = request.POST.get("decision") == "approve"
    try:
        result = approvals.approvals_decide_bulk(
            actor=request.user, request_ids=ids, approve=approve, reason=request.POST.get("reason", "")
        )
    except BusinessError as err:
        messages.error(request, str(err))
        return redirect("credit:inbox")
    messages.success(request, _("%(count)s request(s) decided.") % shown_params({"count": result.approved}))
    for request_id, error in result.failed:
        messages.error(request, _("Request %(id)s: %(error)s") % {"id": request_id, "error": error})
    return redirect("credit:inbox")


def request_detail(request, pk):
    item = _visible(request.user, pk)
    if item.maker_id != request.user.pk:  # the maker, or a checker
        require_perm(request.user, approvals.APPROVE_PERMISSION)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        require_perm(request.user, approvals.APPROVE_PERMISSION)
        approve = request.POST.get("decision") == "approve"
        decided = run_service(
            form,
            lambda: approvals.approval_decide(
                actor=request.user, request_id=item.pk, approve=approve, reason=form.cleaned_data["reason"]
            ),
        )
        if decided:
            messages.success(request, _("Request %(status)s.") % {"status": decided.get_status_display()})
            return redirect("credit:inbox")
    can_decide = request.user.has_perm(approvals.APPROVE_PERMISSION) and item.maker_id != request.user.pk
    return render(
        request,
        "credit/request.html",
        {
            "item": item,
            "status": approvals.display_status(item),
            "form": form,
            "can_decide": can_decide,
        },
    )


def _visible(user, pk) -> ApprovalRequest:
    return get_object_or_404(ApprovalRequest.objects.visible_to(user).select_related("maker", "checker", "loan"), pk=pk)


def mine(request):
    page = paginate(request, approvals.my_requests(request.user))
    page.object_list = selectors.requests_with_status(page.object_list)
    return render(request, "credit/mine.html", {"page": page})


@permission_required("system.manage_settings", raise_exception=True)
def policy(request):
    settings_row = credit_settings()
    initial = {f: getattr(settings_row, f) for f in ("max_extensions", "watch_months", "waive_interest")}
    form = PolicyForm(request.POST or None, policies=approvals.policy_rows(), initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in initial}
        if (
            run_service(
                form,
                lambda: approvals.approval_policy_update(actor=request.user, values=form.values(), settings=values),
            )
            is not None
        ):
            messages.success(request, _("Settings saved."))
            return redirect("credit:policy")
    return render(request, "credit/policy.html", {"form": form})


def _done(request, submitted: bool, loan, message: str):
    messages.success(request, SUBMITTED if submitted else message)
    return redirect("loans:detail", loan.pk)


def loan_change(request, pk):
    loan = loan_detail(request.user, pk)
    require_perm(request.user, "credit.extend")
    form = LoanChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        params = form.params()
        done = run_service(
            form,
            lambda: submit_or_run(
                Action.EXTENSION,
                actor=request.user,
                loan=loan,
                params=params,
                run=lambda: _apply_change(request.user, loan, params),
            ),
        )
        if done:
            return _done(
                request,
                done[1],
                loan,
                _("The new plan is in force from %(date)s.") % {"date": params["effective_from"]},
            )
    return render(request, "credit/change_form.html", {"loan": loan, "form": form})


def _apply_change(user, loan, params):
    return loan_change_apply(actor=user, loan_id=loan.pk, reason=params["reason"], **_change_args(params))


def write_off(request, pk):
    loan = loan_detail(request.user, pk)
    require_perm(request.user, "credit.write_off")
    form = ReasonForm(request.POST or None)
    try:
        figures, refusal = check_write_off(request.user, loan, timezone.localdate()), None
    except BusinessError as err:
        figures, refusal = None, str(err)
    if request.method == "POST" and figures and form.is_valid():
        reason = form.cleaned_data["reason"]
        done = run_service(
            form,
            lambda: submit_or_run(
                Action.WRITE_OFF,
                actor=request.user,
                loan=loan,
                params={"reason": reason},
                run=lambda: loan_write_off(actor=request.user, loan_id=loan.pk, reason=reason),
            ),
        )
        if done:
            return _done(request, done[1], loan, _("Loan %(iou)s written off.") % {"iou": loan.iou_number})
    return render(
        request, "credit/write_off.html", {"loan": loan, "form": form, "figures": figures, "refusal": refusal}
    )


def waive(request, pk):
    installment = selectors.installment_in_scope(request.user, pk)
    require_perm(request.user, "credit.waive")

    form = WaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        params = form.params(installment.pk)
        amounts = {k: form.cleaned_data.get(k) or Decimal("0.00") for k in ("penalty", "compound", "interest")}
        done = run_service(
            form,
            lambda: submit_or_run(
                Action.WAIVER,
                actor=request.user,
                loan=installment.loan,
                params=params,
                run=lambda: installment_waive(
                    actor=request.user, installment_id=installment.pk, reason=params["reason"], **amounts
                ),
            ),
        )
        if done:
            return _done(request, done[1], installment.loan, _("Waiver recorded."))
    owed = waiver_owing(installment)
    return render(request, "credit/waive.html", {"installment": installment, "form": form, "owed": owed})
