"""移交: the transfer page — all of an officer's loans, or those named, to another officer/branch."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xindai.core.approval import SUBMITTED, Action, submit_or_run
from xindai.core.display import shown_params
from xindai.core.viewhelpers import run_service
from xindai.credit import transfer
from xindai.credit.forms import TransferForm


@permission_required("credit.transfer", raise_exception=True)
def transfer_page(request):
    officers, branches = transfer.destinations(request.user)
    form = TransferForm(request.POST or None, officers=officers, branches=branches)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(form, lambda: _submit_or_run(request.user, data, form.iou_numbers()))
        if done:
            messages.success(
                request,
                SUBMITTED if done[1] else _("%(count)s loan(s) transferred.") % shown_params({"count": done[0]}),
            )
            return redirect("credit:transfer")
    return render(request, "credit/transfer.html", {"form": form})


def _submit_or_run(user, data, ious):
    ids = transfer.selected_loan_ids(user, data.get("from_officer"), ious)
    params = {
        "loan_ids": ids,
        "officer_id": data["officer"].pk,
        "branch_id": data["branch"].pk if data.get("branch") else None,
        "effective_from": data["effective_from"].isoformat(),
        "reason": data["reason"],
    }
    return submit_or_run(
        Action.TRANSFER,
        actor=user,
        params=params,
        target=transfer.target_of(ids),
        branch=transfer.source_branch(user, ids),
        run=lambda: transfer.loans_transfer(
            actor=user,
            loan_ids=ids,
            officer_id=params["officer_id"],
            branch_id=params["branch_id"],
            effective_from=data["effective_from"],
            reason=params["reason"],
        ),
    )
