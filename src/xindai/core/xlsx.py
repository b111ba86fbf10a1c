"""Lists to Excel (数据导出): a streamed .xlsx with Chinese headers, real numbers and dates.

XlsxWriter in constant-memory mode writes each row to disk as it comes; rows come from a
queryset's ``iterator()``, so the memory an export needs does not grow with the list. The file
is written to an anonymous temporary file and streamed from there.
"""

import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from xindai.core.display import shown_params

FORMATS = {
    "money": "#,##0.00",
    "rate": "0.00##",
    "int": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "ratio": "0.00%",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header, how a row gives its value, its kind (text or FORMATS) and width."""

    header: Any
    value: Callable[[Any], Any]
    kind: str = "text"
    width: int = 14
    total: str | None = None  # the key of the column's figure in the totals dict


@dataclass(frozen=True, slots=True)
class ColumnChart:
    """A column chart under the rows: the values of column `values` by the labels of column `labels`."""

    name: str
    values: int
    labels: int


class _Sheet:
    def __init__(self, target, title: str, columns: list[Column], heading: str = "", freeze_columns: int = 0):
        self.book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
        self.sheet = self.book.add_worksheet(title[:31])
        top = 0
        if heading:  # a line above the headers (what the sheet is, for which period)
            self.sheet.write_string(0, 0, heading)
            top = 2
        self.columns = columns
        self.formats = {kind: self.book.add_format({"num_format": code}) for kind, code in FORMATS.items()}
        self.bold = {kind: self.book.add_format({"num_format": code, "bold": True}) for kind, code in FORMATS.items()}
        self.bold["text"] = self.book.add_format({"bold": True})
        header = self.book.add_format(
            {
                "bold": True,
                "bg_color": "#DDE7F3",
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "border": 1,
            }
        )
        for index, column in enumerate(columns):
            self.sheet.set_column(index, index, column.width)
            self.sheet.write_string(top, index, str(column.header), header)
        self.sheet.freeze_panes(top + 1, freeze_columns)
        self.first_row = self.next_row = top + 1

    def _cell(self, row: int, index: int, kind: str, value: Any, style) -> None:
        if kind == "text" or isinstance(value, str):
            self.sheet.write_string(row, index, str(value), style)
        elif kind == "datetime":
            value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
            self.sheet.write_datetime(row, index, value, style)
        elif kind == "date":
            self.sheet.write_datetime(row, index, value, style)
        else:
            self.sheet.write_number(row, index, float(value), style)

    def write(self, values: Iterable[Any], bold: bool = False) -> None:
        row, styles = self.next_row, self.bold if bold else self.formats
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if value is not None and value != "":
                self._cell(row, index, column.kind, value, styles.get(column.kind))
        self.next_row += 1

    def add_chart(self, chart: ColumnChart, last_row: int) -> None:
        drawn = self.book.add_chart({"type": "column"})
        name = self.sheet.name
        drawn.add_series(
            {
                "name": chart.name,
                "categories": [name, self.first_row, chart.labels, last_row, chart.labels],
                "values": [name, self.first_row, chart.values, last_row, chart.values],
            }
        )
        drawn.set_title({"name": chart.name})
        drawn.set_legend({"none": True})
        self.sheet.insert_chart(self.next_row + 1, 1, drawn, {"x_scale": 2, "y_scale": 1.2})


def write_xlsx(
    target,
    *,
    title: str,
    columns: list[Column],
    rows: Iterable[Any],
    totals: dict | None = None,
    total_row: Any = None,
    heading: str = "",
    freeze_columns: int = 0,
    chart: ColumnChart | None = None,
) -> int:
    """Write the sheet to `target` (a path or a binary file); returns the number of data rows.

    `totals` gives each column's figure by its `total` key (a list's totals); `total_row` is
    one more row, in bold, read by the columns like the others (a report's total)."""
    sheet = _Sheet(target, title, columns, heading, freeze_columns)
    count = 0
    for obj in rows:
        sheet.write(column.value(obj) for column in columns)
        count += 1
    last_row = sheet.next_row - 1
    if totals is not None:
        values = [totals.get(column.total) if column.total else None for column in columns]
        values[0] = _("Total (%(count)s rows)") % shown_params({"count": totals.get("count", count)})
        sheet.write(values, bold=True)
    if total_row is not None:
        sheet.write((column.value(total_row) for column in columns), bold=True)
    if chart is not None and count:
        sheet.add_chart(chart, last_row)
    sheet.book.close()
    return count


def xlsx_download(filename: str, **sheet) -> HttpResponse:
    """A small sheet (a report's rows) written in memory, as a download named like xlsx_response."""
    buffer = io.BytesIO()
    write_xlsx(buffer, **sheet)
    name = f"{filename}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def xlsx_response(filename: str, **sheet) -> FileResponse:
    """An .xlsx download of one sheet (see write_xlsx); the file name gets today's date."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(handle, **sheet)
    handle.seek(0)
    name = f"{filename}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
