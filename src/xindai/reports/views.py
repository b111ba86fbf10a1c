"""统计报表: a report page (table with totals, sorting, drill-down, print, Excel) and comparison charts."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from xindai.core.viewhelpers import paginate, require_perm
from xindai.reports import selectors
from xindai.reports.exports import report_xlsx
from xindai.reports.forms import GROUP_CHOICES, KIND_CHOICES, ReportForm
from xindai.reports.selectors import DRILL, LABELS, MAIN


@permission_required("reports.view", raise_exception=True)
def report_page(request):
    form = ReportForm(request.GET or None)
    report = selectors.sorted_report(request.user, form.choices(), form.filters(), request.GET.get("sort", ""))
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, "reports.export")
        return report_xlsx(report)
    # The page shows 100 rows at a time (all of them when printing); totals are the whole set's.
    printing = request.GET.get("print") == "1"
    page = paginate(request, report.rows, default_size=100)
    rows = report.rows if printing else page.object_list
    selectors.with_links(request.user, report, rows)
    columns = selectors.report_columns(report.kind)
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "report": report,
            "rows": rows,
            "page": None if printing else page,
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


CHART_FILTERS = ("loan_type", "branch", "officer", "region")


@permission_required("reports.view", raise_exception=True)
def charts(request):
    """对比图: each report by county and by branch (bars; a line for the NPL ratio), and the trend
    of the main figure over the last 12 month-ends, each with its data table."""
    form = ReportForm(request.GET or None)
    choice = form.choices()
    kind = choice["kind"]
    panels = selectors.chart_panels(request.user, kind, choice, form.filters())
    trend = selectors.trend(request.user, kind, choice["as_of"], form.filters())
    main = str(LABELS[MAIN[kind]])
    chart_data = {"panels": [{k: v for k, v in p.items() if k != "rows"} for p in panels], "trend": trend}
    context = {"form": form, "kind": kind, "main_label": main, "panels": panels, "trend": trend}
    # Switching report keeps the filters the report page chose (they are not fields of the switch).
    context["kept"] = [(name, value) for name in CHART_FILTERS for value in request.GET.getlist(name)]
    context |= {"title": dict(KIND_CHOICES)[kind], "chart_data": {**chart_data, "main": main, "kind": kind}}
    return render(request, "reports/charts.html", context)
