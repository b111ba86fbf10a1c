"""A report as Excel: its rows and total, the main figure as a chart under them."""

from operator import itemgetter

from django.http import HttpResponse
from django.utils.translation import gettext as _

from xindai.core.xlsx import Column, ColumnChart, xlsx_download
from xindai.reports import queries
from xindai.reports.forms import GROUP_CHOICES, KIND_CHOICES
from xindai.reports.selectors import LABELS, MAIN, report_columns


def report_xlsx(report) -> HttpResponse:
    """The report as a sheet: its rows and total, the main figure as a chart under them."""
    kind, group = dict(KIND_CHOICES)[report.kind], dict(GROUP_CHOICES)[report.group]
    figures = [
        Column(
            label, itemgetter(name), "ratio" if name == "npl_ratio" else "int" if name in queries.COUNTS else "money"
        )
        for name, label in report_columns(report.kind)
    ]
    columns = [
        Column(_("code"), itemgetter("key"), width=20),
        Column(_("name"), itemgetter("name"), width=20),
        *figures,
    ]
    period = f"{report.date_from} — {report.date_to}" if report.date_from else f"{_('as of')} {report.as_of}"
    main = [name for name, _label in report_columns(report.kind)].index(MAIN[report.kind])
    return xlsx_download(
        f"{kind}-{group}",
        title=str(kind),
        heading=f"{kind}（{group}） {period}",
        columns=columns,
        rows=report.rows,
        total_row={**report.total, "key": "", "name": _("Total")},
        freeze_columns=2,
        chart=ColumnChart(str(LABELS[MAIN[report.kind]]), values=2 + main, labels=1),
    )
