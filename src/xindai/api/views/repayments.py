"""/api/v1 — Installments due or overdue as of a date, repayments (single, batch, reverse)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from xindai.api import idempotency, inputs
from xindai.api import serializers as out
from xindai.api.pagination import Keyset, page_schema
from xindai.api.problems import bad_request
from xindai.api.views.common import _doc, _page, _params, _query
from xindai.api.views_base import ApiView, body, bound, filtered, form_data, need, valid
from xindai.loans.models import Installment
from xindai.repayments import batch as batches
from xindai.repayments import early, selectors, services
from xindai.repayments.filters import InstallmentFilter
from xindai.repayments.forms import BatchForm, ConfirmForm, ReverseForm

# Installments and repayments ------------------------------------------------------------------


class InstallmentList(ApiView):
    keyset = Keyset("payable_on", "id")

    @_doc(
        "到期/逾期: installments due or overdue as of a date, with what each owes on it",
        page_schema(out.OwedInstallmentSerializer),
        parameters=_params(
            InstallmentFilter,
            OpenApiParameter("view", str, enum=["overdue", "due"]),
            OpenApiParameter("as_of", str, description="YYYY-MM-DD (default today)"),
            OpenApiParameter("within", int, description="due: within so many days (default 7)"),
        ),
        tags=["repayments"],
    )
    def get(self, request):

        need(request.user, "repayments.view")
        params = _query(request)
        options, filterset, rows, _totals = selectors.installment_search(request.user, params)
        if options.is_bound and not options.is_valid():
            valid(options)
        filtered(filterset)
        view, as_of, _within = options.values()
        ids, following = self.keyset.keys(request, rows)
        page = selectors.rows_for_page(request.user, ids, as_of, view)
        return _page(out.OwedInstallmentSerializer, page, following, request)


def _repayment(request, entry):
    return out.RepaymentSerializer(entry, context={"request": request}).data


class RepaymentCreate(ApiView):
    @_doc(
        "还款确认 (one installment)",
        None,
        request=inputs.RepaymentIn,
        responses={201: out.RepaymentSerializer},
        tags=["repayments"],
        idempotent=True,
    )
    def post(self, request):
        need(request.user, "repayments.confirm")
        return idempotency.run(request, "repayments.create", lambda: self._confirm(request))

    def _confirm(self, request):

        data = body(request)
        installment_id = data.get("installment")
        if not isinstance(installment_id, int) or isinstance(installment_id, bool):
            raise bad_request(_required(), [{"field": "installment", "detail": _required()}])
        # In scope or 404 (the owed figures are the service's to compute, under its lock).
        installment = get_object_or_404(Installment.objects.visible_to(request.user).only("pk"), pk=installment_id)
        form = valid(bound(ConfirmForm, form_data(data, ("paid_on", "amount", "channel", "remark"))))
        values = form.cleaned_data
        entry = services.repayment_confirm(
            actor=request.user,
            installment_id=installment.pk,
            amount=values["amount"],
            paid_on=values["paid_on"],
            channel=values["channel"],
            remark=values["remark"],
        )
        return Response(_repayment(request, entry), status=201)


def _required():

    return _("Give the id of an installment.")


class RepaymentBatch(ApiView):
    @_doc(
        "批量处理: settle many installments in full on one date, all or nothing",
        None,
        request=inputs.BatchIn,
        responses={201: out.BatchResultSerializer},
        tags=["repayments"],
        idempotent=True,
    )
    def post(self, request):
        need(request.user, "repayments.confirm")
        return idempotency.run(request, "repayments.batch", lambda: self._batch(request))

    def _batch(self, request):

        data = body(request)
        ids = data.get("installments")
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            message = _("Give the ids of the installments as a list of numbers.")
            raise bad_request(message, [{"field": "installments", "detail": message}])
        form = valid(bound(BatchForm, form_data(data, ("paid_on", "channel", "remark", "expected_total"))))
        values = form.cleaned_data
        done = batches.repayments_confirm_batch(
            actor=request.user,
            installment_ids=ids,
            paid_on=values["paid_on"],
            channel=values["channel"],
            remark=values["remark"],
            expected_total=values.get("expected_total"),
        )
        result = {name: getattr(done, name) for name in ("count", "principal", "interest", "penalty", "compound")}
        return Response(out.BatchResultSerializer({**result, "total": done.total}).data, status=201)


class RepaymentReverse(ApiView):
    @_doc(
        "冲正: reverse a repayment with a reason",
        None,
        request=inputs.ReverseIn,
        responses={201: out.RepaymentSerializer},
        tags=["repayments"],
    )
    def post(self, request, pk):

        entry = selectors.repayment_in_scope(request.user, pk)
        need(request.user, "repayments.reverse")
        reason = valid(ReverseForm(form_data(body(request), ("reason",)))).cleaned_data["reason"]
        if early_record := getattr(entry, "early", None):
            early.early_repayment_reverse(actor=request.user, early_id=early_record.pk, reason=reason)
            reversal = entry.__class__.objects.visible_to(request.user).get(reverses=entry)
        else:
            reversal = services.repayment_reverse(actor=request.user, repayment_id=entry.pk, reason=reason)
        return Response(_repayment(request, reversal), status=201)
