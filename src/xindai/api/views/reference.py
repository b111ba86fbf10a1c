"""/api/v1 — The four reports by every grouping, and the region tree, branches and loan types."""

from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from xindai.api import serializers as out
from xindai.api.pagination import PARAMETERS as PAGE
from xindai.api.pagination import Keyset, in_order, page_schema
from xindai.api.problems import bad_request
from xindai.api.views.common import _doc, _page, _query
from xindai.api.views_base import ApiView, need, valid
from xindai.loans.models import LoanType
from xindai.org.models import Branch, Region
from xindai.reports import selectors
from xindai.reports.forms import ReportForm
from xindai.reports.queries import KINDS

# Reports and reference data -------------------------------------------------------------------


class Report(ApiView):
    @_doc(
        "统计报表: disbursement / collection (date_from, date_to), balance / quality (as_of) by any grouping",
        out.ReportSerializer,
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=["disbursement", "collection", "balance", "quality"]
            ),
            OpenApiParameter("group", str, enum=["county", "township", "village", "customer", "branch", "officer"]),
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("as_of", str),
            OpenApiParameter("loan_type", int),
            OpenApiParameter("branch", int),
            OpenApiParameter("officer", int),
            OpenApiParameter("region", int),
        ],
        tags=["reports"],
    )
    def get(self, request, kind):

        if kind not in KINDS:
            raise Http404
        need(request.user, "reports.view")
        params = _query(request)
        params["kind"] = kind
        form = valid(ReportForm(params))
        choice = form.choices()
        report = selectors.report_for(request.user, kind, choice["group"], choice, form.filters())
        return Response(
            {
                "kind": report.kind,
                "group": report.group,
                "date_from": _iso(report.date_from),
                "date_to": _iso(report.date_to),
                "as_of": _iso(report.as_of),
                "rows": [_figures(row) for row in report.rows],
                "total": _figures(report.total),
            }
        )


def _iso(day):
    return day.isoformat() if day else None


def _figures(row: dict) -> dict:

    shown = {}
    for key, value in row.items():
        if key in ("detail", "drill_pk", "cells"):
            continue
        if isinstance(value, Decimal):
            value = f"{value:.4f}" if key == "npl_ratio" else f"{value:.2f}"
        shown[key] = value
    return shown


class RegionList(ApiView):
    keyset = Keyset("id")

    @_doc(
        "区划 (the region tree as rows with parent_id)",
        page_schema(out.RegionSerializer),
        parameters=[OpenApiParameter("parent", int), OpenApiParameter("level", int), *PAGE],
        tags=["reference"],
    )
    def get(self, request):

        rows = Region.objects.all()
        for name in ("parent", "level"):
            raw = request.query_params.get(name, "")
            if raw:
                if not raw.isdigit():
                    raise bad_request(_whole(), [{"field": name, "detail": _whole()}])
                rows = rows.filter(**{f"{name}_id" if name == "parent" else name: int(raw)})
        ids, following = self.keyset.keys(request, rows)
        return _page(out.RegionSerializer, in_order(Region.objects.filter(pk__in=ids), ids), following, request)


def _whole():

    return _("Enter a whole number.")


class BranchList(ApiView):
    keyset = Keyset("id")

    @_doc("网点 (branches)", page_schema(out.BranchSerializer), parameters=PAGE, tags=["reference"])
    def get(self, request):

        ids, following = self.keyset.keys(request, Branch.objects.all())
        return _page(out.BranchSerializer, in_order(Branch.objects.filter(pk__in=ids), ids), following, request)


class LoanTypeList(ApiView):
    keyset = Keyset("id")

    @_doc("贷款种类 (loan types)", page_schema(out.LoanTypeSerializer), parameters=PAGE, tags=["reference"])
    def get(self, request):

        ids, following = self.keyset.keys(request, LoanType.objects.all())
        return _page(out.LoanTypeSerializer, in_order(LoanType.objects.filter(pk__in=ids), ids), following, request)
