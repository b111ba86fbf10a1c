"""/api/v1 — Loans: search, detail with plan versions and ledger, create with a plan preview."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from xindai.api import idempotency, inputs
from xindai.api import serializers as out
from xindai.api.pagination import Keyset, page_schema
from xindai.api.views.common import _date, _doc, _page, _params, _query
from xindai.api.views_base import ApiView, body, filtered, form_data, need, valid
from xindai.loans import selectors, services
from xindai.loans.filters import LoanFilter
from xindai.loans.forms import LoanForm
from xindai.repayments.loan_section import ledger_section

# Loans ------------------------------------------------------------------------------------------


def _loan_rows(user, ids):

    return selectors.loans_for_page(user, ids)


class LoanList(ApiView):
    keyset = Keyset("-start_date", "-id")

    @_doc("贷款查询", page_schema(out.LoanSerializer), parameters=_params(LoanFilter), tags=["loans"], op="loans_list")
    def get(self, request):

        need(request.user, "loans.view")
        filterset, loans, _totals = selectors.loan_search(request.user, _query(request))
        filtered(filterset)
        ids, following = self.keyset.keys(request, loans)
        return _page(out.LoanSerializer, _loan_rows(request.user, ids), following, request)

    @_doc(
        "新增贷款 (with its plan)",
        None,
        request=inputs.LoanIn,
        responses={201: out.LoanSerializer},
        tags=["loans"],
        idempotent=True,
    )
    def post(self, request):
        need(request.user, "loans.add")
        return idempotency.run(request, "loans.create", lambda: self._create(request))

    def _create(self, request):

        form = valid(LoanForm(form_data(body(request), inputs.LoanIn().fields), actor=request.user))
        loan = services.loan_register(actor=request.user, terms=form.terms())
        return Response(out.LoanSerializer(_loan_rows(request.user, [loan.pk])[0]).data, status=201)


class LoanPreview(ApiView):
    @_doc("还款计划预览", out.PlanPreviewSerializer, request=inputs.LoanIn, tags=["loans"])
    def post(self, request):

        need(request.user, "loans.add")
        form = valid(LoanForm(form_data(body(request), inputs.LoanIn().fields), actor=request.user))
        rows, totals = selectors.plan_preview(form.terms())
        return Response(out.PlanPreviewSerializer({"rows": rows, "totals": totals}).data)


class LoanDetail(ApiView):
    @_doc(
        "贷款详情: the plan in force on as_of, plan versions, ledger",
        out.LoanDetailSerializer,
        parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD (default today)")],
        tags=["loans"],
    )
    def get(self, request, pk):

        loan = selectors.loan_detail(request.user, pk)
        need(request.user, "loans.view")
        as_of = _date(request, "as_of") or timezone.localdate()
        rows, totals = selectors.plan_rows(loan, as_of)
        loan.plan_as_of, loan.plan, loan.plan_totals = as_of, rows, totals
        loan.plan_versions_list = list(selectors.plan_versions(request.user, loan))
        loan.ledger = list(ledger_section(request.user, loan)["repayments"])  # the loan page's ledger
        loan.arrears = selectors.loan_arrears(loan, loan.days_overdue)
        data = out.LoanDetailSerializer(loan, context={"request": request}).data
        return Response(data)
