"""统计报表: a report page (table with totals, sorting, drill-down, print, Excel) and comparison charts."""

import copy
import io
from urllib.parse import quote, urlencode

import xlsxwriter
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindai.core.figures import cached
from xindai.core.viewhelpers import paginate, require_perm
from xindai.core.xlsx import XLSX
from xindai.loans.quality import BUCKET_LABELS, CATEGORY_LABELS
from xindai.org.models import Branch, Region, User
from xindai.reports import queries
from xindai.reports.forms import GROUP_CHOICES, KIND_CHOICES, ReportForm, month_ends

# Drilling down: a row of one grouping opens the next one, filtered to that row.
DRILL = {"county": "township", "township": "village", "village": "customer", "branch": "officer", "officer": "customer"}
LABELS = {
    "loans": gettext_lazy("loans"),
    "amount": gettext_lazy("amount"),
    "repayments": gettext_lazy("repayments"),
    "principal": gettext_lazy("principal"),
    "interest": gettext_lazy("interest"),
    "penalty": gettext_lazy("penalty interest"),
    "total": gettext_lazy("total"),
    "outstanding_principal": gettext_lazy("outstanding principal"),
    "overdue_principal": gettext_lazy("of which overdue"),
    **{bucket.value: gettext_lazy(label) for bucket, label in BUCKET_LABELS.items()},
    **{category.value: gettext_lazy(label) for category, label in CATEGORY_LABELS.items()},
    "interest_on_balance": gettext_lazy("interest owed on the balance sheet"),
    "interest_off_balance": gettext_lazy("interest owed off the balance sheet"),
    "npl": gettext_lazy("non-performing"),
    "npl_ratio": gettext_lazy("NPL ratio"),
}
MAIN = {"disbursement": "amount", "collection": "total", "balance": "outstanding_principal", "quality": "npl"}


def _report(request):
    form = ReportForm(request.GET or None)
    choice = form.choices()
    report = _run(request.user, choice["kind"], choice["group"], choice, form.filters())
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") in ("name", *queries.FIGURES[report.kind]):
        report.rows.sort(key=lambda r: r[sort.lstrip("-")], reverse=sort.startswith("-"))
    return form, choice, report


def _run(user, kind, group, choice, filters, *, compare=True):
    """A report, computed once a minute at most for the same scope and criteria (core/figures.py)."""
    period = {key: choice.get(key) for key in ("date_from", "date_to", "as_of")}
    return copy.deepcopy(
        cached(
            "report",
            user,
            (kind, group, period, filters, compare),
            lambda: queries.run(kind, group, user=user, filters=filters, compare=compare, **period),
        )
    )


def _columns(kind):
    return [(name, str(LABELS[name])) for name in queries.FIGURES[kind]]


@permission_required("reports.view", raise_exception=True)
def report_page(request):
    form, choice, report = _report(request)
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, "reports.export")
        return _xlsx(report, choice)
    # The page shows 100 rows at a time (all of them when printing); totals are the whole set's.
    page = paginate(request, report.rows, default_size=100)
    rows = page.object_list if request.GET.get("print") != "1" else report.rows
    group_ids = _row_ids(request.user, report, rows)
    columns = _columns(report.kind)
    for row in rows:
        row["detail"] = _detail_url(report, row, group_ids)
        row["drill_pk"] = group_ids.get(row["key"])
        row["cells"] = [(name, row[name]) for name, _label in columns]
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "report": report,
            "rows": rows,
            "page": page if request.GET.get("print") != "1" else None,
            "total_cells": [(name, report.total[name]) for name, _label in columns],
            "columns": columns,
            "drill": DRILL.get(report.group),
            "drill_param": {"branch": "branch", "officer": "officer"}.get(report.group, "region"),
            "title": dict(KIND_CHOICES)[report.kind],
            "group_label": dict(GROUP_CHOICES)[report.group],
            "printed_at": timezone.localtime(),
            "query": request.GET.urlencode(),
        },
    )


def _detail_url(report, row, ids) -> str:
    """The loans (or, for collections, the repayments) behind a row's figures."""

    params = {}
    if report.group == "customer":
        params["customer_id"] = row["id"]  # by the customer, never by the (masked) ID number
    elif report.group in ("county", "township", "village") and row["key"] in ids:
        params["region"] = ids[row["key"]]
    elif report.group in ("branch", "officer") and row["key"] in ids:
        params[report.group] = ids[row["key"]]
    else:
        return ""
    if report.kind == "collection":
        params.update(paid_from=report.date_from.isoformat(), paid_to=report.date_to.isoformat())
        return reverse("repayments:ledger") + "?" + urlencode(params)
    if report.kind == "disbursement":
        params.update(start_from=report.date_from.isoformat(), start_to=report.date_to.isoformat())
    return reverse("loans:list") + "?" + urlencode(params)


def _row_ids(user, report, rows) -> dict[str, int]:
    """The region/branch/officer id of each row's key, for drill-down links."""
    keys = [row["key"] for row in rows]
    if report.group in ("county", "township", "village"):
        return dict(Region.objects.filter(code__in=keys).values_list("code", "pk"))
    if report.group == "branch":
        return dict(Branch.objects.filter(code__in=keys).values_list("code", "pk"))
    if report.group == "officer":
        return dict(User.objects.filter(username__in=keys).values_list("username", "pk"))
    return {}


def _xlsx(report, choice) -> HttpResponse:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(str(dict(KIND_CHOICES)[report.kind])[:31])
    head = book.add_format({"bold": True, "bg_color": "#DDE7F3", "border": 1, "align": "center", "text_wrap": True})
    money = book.add_format({"num_format": "#,##0.00"})
    count = book.add_format({"num_format": "0"})
    ratio = book.add_format({"num_format": "0.00%"})
    bold = {
        k: book.add_format({**v, "bold": True})
        for k, v in {
            "m": {"num_format": "#,##0.00"},
            "c": {"num_format": "0"},
            "r": {"num_format": "0.00%"},
            "t": {},
        }.items()
    }
    columns = _columns(report.kind)
    period = f"{report.date_from} — {report.date_to}" if report.date_from else f"{_('as of')} {report.as_of}"
    sheet.write(0, 0, f"{dict(KIND_CHOICES)[report.kind]}（{dict(GROUP_CHOICES)[report.group]}） {period}")
    headers = [_("code"), _("name"), *(label for _n, label in columns)]
    for col, text in enumerate(headers):
        sheet.write_string(2, col, str(text), head)
        sheet.set_column(col, col, 20 if col < 2 else 14)
    sheet.freeze_panes(3, 2)

    def write_row(r, row, is_total=False):
        sheet.write_string(r, 0, "" if is_total else row["key"], bold["t"] if is_total else None)
        sheet.write_string(r, 1, _("Total") if is_total else row["name"], bold["t"] if is_total else None)
        for col, (name, _label) in enumerate(columns, start=2):
            value = row[name]
            kind = "r" if name == "npl_ratio" else ("c" if name in queries.COUNTS else "m")
            style = bold[kind] if is_total else {"r": ratio, "c": count, "m": money}[kind]
            sheet.write_number(r, col, float(value), style)

    for r, row in enumerate(report.rows, start=3):
        write_row(r, row)
    last = 3 + len(report.rows)
    write_row(last, report.total, is_total=True)
    main = MAIN[report.kind]
    if report.rows:
        chart = book.add_chart({"type": "column"})
        col = 2 + [n for n, _l in columns].index(main)
        chart.add_series(
            {
                "name": str(LABELS[main]),
                "categories": [sheet.name, 3, 1, last - 1, 1],
                "values": [sheet.name, 3, col, last - 1, col],
            }
        )
        chart.set_title({"name": str(LABELS[main])})
        chart.set_legend({"none": True})
        sheet.insert_chart(last + 2, 1, chart, {"x_scale": 2, "y_scale": 1.2})
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)

    name = f"{dict(KIND_CHOICES)[report.kind]}-{dict(GROUP_CHOICES)[report.group]}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@permission_required("reports.view", raise_exception=True)
def charts(request):
    """对比图: each report by county and by branch (bars; a line for the NPL ratio), and the trend
    of the main figure over the last 12 month-ends, each with its data table."""
    form = ReportForm(request.GET or None)
    choice = form.choices()
    kind = choice["kind"]
    main = MAIN[kind]
    panels = []
    for group in ("county", "branch"):
        report = _run(request.user, kind, group, choice, form.filters(), compare=False)
        panels.append(
            {
                "group": str(dict(GROUP_CHOICES)[group]),
                "names": [row["name"] for row in report.rows],
                "values": [float(row[main]) for row in report.rows],
                "ratios": [float(row["npl_ratio"]) * 100 for row in report.rows] if kind == "quality" else [],
                "rows": report.rows,
            }
        )
    trend = []
    if kind in ("balance", "quality"):
        days, filters = month_ends(choice["as_of"]), form.filters()
        points = cached("trend", request.user, (days, filters), lambda: queries.trend(request.user, days, filters))
        for point in points:
            ratio = float(point["npl_ratio"]) * 100 if kind == "quality" else 0.0
            trend.append({"day": point["as_of"].isoformat(), "value": float(point[main]), "ratio": ratio})
    return render(
        request,
        "reports/charts.html",
        {
            "form": form,
            "kind": kind,
            "main_label": str(LABELS[main]),
            "panels": panels,
            "trend": trend,
            "title": dict(KIND_CHOICES)[kind],
            "chart_data": {
                "panels": [{k: v for k, v in p.items() if k != "rows"} for p in panels],
                "trend": trend,
                "main": str(LABELS[main]),
                "kind": kind,
            },
        },
    )
