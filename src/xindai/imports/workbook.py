"""Reading an uploaded workbook: the first sheet, columns matched by their header in any order.

A header is compared without spaces, asterisks and remarks in brackets, so "贷款金额（元）*"
matches 贷款金额; columns the import does not know are ignored. The header is row 1, so the
first data row is row 2 — the numbers the clerk sees in Excel.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from xindai.core.pure import PureError, _
from xindai.imports.cells import compact

_REMARK = re.compile(r"[（(【\[].*?[）)】\]]|\*")
MSG_UNREADABLE = _("The file cannot be read as an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
MSG_EMPTY = _("The workbook has no header row: the first row must hold the column names.")
MSG_MISSING = _("Required columns are missing: %(columns)s. Use the import template's headers.")
MSG_NO_ROWS = _("The file has no data rows below the header.")
MAX_ROWS = 100_000
MSG_TOO_MANY = _("The file has more than %(max)s rows; split it into several files.")


class FileProblem(PureError):
    """The file as a whole cannot be imported (unreadable, no header, missing columns)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    headers: list[str]  # as found, by column position
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, {known header: raw value})


def header_key(value: object) -> str:
    return _REMARK.sub("", compact(value))


def read_sheet(content: bytes, known: list[str], required: list[str]) -> Sheet:
    """Read the first sheet of `content`; raise FileProblem for what makes the file unusable."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileProblem("unreadable", MSG_UNREADABLE) from None
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header_row = next(lines, None)
        if not header_row or not any(compact(v) for v in header_row):
            raise FileProblem("no_header", MSG_EMPTY)
        headers = [header_key(v) for v in header_row]
        positions = {name: headers.index(name) for name in known if name in headers}
        missing = [name for name in required if name not in positions]
        if missing:
            raise FileProblem("missing_columns", MSG_MISSING, columns="、".join(missing))
        rows = []
        for number, values in enumerate(lines, start=2):
            if not any(compact(v) for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileProblem("too_many_rows", MSG_TOO_MANY, max=MAX_ROWS)
            rows.append((number, {name: values[i] if i < len(values) else None for name, i in positions.items()}))
    finally:
        workbook.close()
    if not rows:
        raise FileProblem("no_rows", MSG_NO_ROWS)
    return Sheet(headers, rows)
