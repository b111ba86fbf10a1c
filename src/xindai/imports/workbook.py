"""Reading an uploaded workbook: the first sheet, columns matched by their header in any order.

A header is compared without spaces, asterisks and remarks in brackets, so "贷款金额（元）*"
matches 贷款金额; columns the import does not know are ignored. The header is row 1, so the
first data row is row 2 — the numbers the clerk sees in Excel.

A hostile or broken file is refused early and cheaply, before anything parses it: the zip is
inflated once as a stream (Python's zipfile holds every part to its declared size and CRC)
while counting its uncompressed bytes, shared strings and rows and measuring the longest text
— a few hundred megabytes of XML behind a small file, ten million shared strings, one huge
string, too many rows are each a clear message within seconds. Only then does calamine (Rust)
read the sheet; whatever it cannot read is "not a workbook", never a server error.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineWorkbook

from xindai.core.pure import PureError, _
from xindai.imports.cells import compact

_REMARK = re.compile(r"[（(【\[].*?[）)】\]]|\*")
MSG_UNREADABLE = _("The file cannot be read as an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
MSG_EMPTY = _("The workbook has no header row: the first row must hold the column names.")
MSG_MISSING = _("Required columns are missing: %(columns)s. Use the import template's headers.")
MSG_NO_ROWS = _("The file has no data rows below the header.")
MAX_ROWS = 100_000
MSG_TOO_MANY = _("The file has more than %(max)s rows; split it into several files.")
MAX_COLUMNS = 100
MSG_TOO_WIDE = _("The sheet has more than %(max)s columns; use the import template's columns.")
MAX_UNCOMPRESSED = 250 * 1024 * 1024  # all parts; a 100,000-row sheet of inline strings is ~150 MB
MAX_PART = 200 * 1024 * 1024
MAX_SHARED_STRINGS = 1_000_000
MAX_TEXT = 32_767  # Excel's own limit for the text of one cell (bytes of XML here: a bound, not a count)
MSG_TOO_BIG = _("The workbook holds more than %(max)s MB of data once unpacked; split it into several files.")
MSG_TOO_MANY_STRINGS = _("The workbook holds more than %(max)s different texts; split it into several files.")
MSG_TEXT_TOO_LONG = _("A cell of the workbook holds more than %(max)s characters; no column of the import needs that.")
_CHUNK = 1024 * 1024
_OVERLAP = 16
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
# A cell or row reference beyond column CV (MAX_COLUMNS) or row 101,000: the reader would set
# aside room for every cell up to it, however empty.
_FAR_COLUMN = re.compile(rb' r="(?:[A-Z]{3,}|[D-Z][A-Z]|C[W-Z])\d')
_FAR_ROW = re.compile(rb' r="[A-Z]*(?:[2-9]\d{5}|1[1-9]\d{4}|10[1-9]\d{3}|\d{7,})"')
# A text of more than MAX_TEXT characters (3 bytes each in UTF-8), matched only from the start of
# a run so that the search stays linear.
_LONG_TEXT = re.compile(rb"(?<![^<])[^<]{%d}" % (MAX_TEXT * 3))


class FileProblem(PureError):
    """The file as a whole cannot be imported (unreadable, no header, missing columns)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    headers: list[str]  # as found, by column position
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, {known header: raw value})


def header_key(value: object) -> str:
    return _REMARK.sub("", compact(value))


def inspect(content: bytes) -> None:
    """Refuse what must not be parsed (raise FileProblem): not a zip, a broken one, too much
    data once unpacked, too many shared strings or rows, a text longer than any cell can be."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise FileProblem("unreadable", MSG_UNREADABLE) from None
    declared = sum(part.file_size for part in parts)
    if declared > MAX_UNCOMPRESSED or any(part.file_size > MAX_PART for part in parts):
        raise FileProblem("too_big", MSG_TOO_BIG, max=MAX_UNCOMPRESSED // 1024 // 1024)
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        raise FileProblem("unreadable", MSG_UNREADABLE)
    try:
        for part in parts:
            if part.filename.endswith(".xml") and part.filename.startswith("xl/"):
                _scan(archive, part)
    except FileProblem:
        raise
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        raise FileProblem("unreadable", MSG_UNREADABLE) from None


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Inflate one part as a stream, counting what would make parsing it costly."""
    counted = {
        "xl/sharedStrings.xml": (_SHARED_STRING, MAX_SHARED_STRINGS, "too_many_strings", MSG_TOO_MANY_STRINGS),
    }.get(part.filename)
    sheet = part.filename.startswith("xl/worksheets/")
    if sheet:
        counted = (_ROW, MAX_ROWS + 1_000, "too_many_rows", MSG_TOO_MANY)  # rows may be empty; counted exactly later
    count, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if _LONG_TEXT.search(window):
                raise FileProblem("text_too_long", MSG_TEXT_TOO_LONG, max=MAX_TEXT)
            if sheet and _FAR_COLUMN.search(window):
                raise FileProblem("too_wide", MSG_TOO_WIDE, max=MAX_COLUMNS)
            if sheet and _FAR_ROW.search(window):
                raise FileProblem("too_many_rows", MSG_TOO_MANY, max=MAX_ROWS)
            # What is kept for the next chunk: the text a run there may continue, and a few
            # bytes for a tag cut in two; a match is counted in the chunk where it starts.
            cut = max(min(len(window) - _OVERLAP, window.rfind(b"<")), 0)
            if counted is not None:
                pattern, limit, code, message = counted
                count += sum(1 for match in pattern.finditer(window) if match.start() < cut)
                if count > limit:
                    raise FileProblem(code, message, max=MAX_ROWS if code == "too_many_rows" else limit)
            tail = window[cut:]
    if counted is not None:
        count += sum(1 for _match in counted[0].finditer(tail))
        if count > counted[1]:
            raise FileProblem(counted[2], counted[3], max=MAX_ROWS if counted[2] == "too_many_rows" else counted[1])


def read_sheet(content: bytes, known: list[str], required: list[str]) -> Sheet:
    """Read the first sheet of `content`; raise FileProblem for what makes the file unusable."""
    inspect(content)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        if sheet.width > MAX_COLUMNS:
            raise FileProblem("too_wide", MSG_TOO_WIDE, max=MAX_COLUMNS)
        lines = iter(sheet.iter_rows())
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
            if not any(value != "" and compact(value) for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileProblem("too_many_rows", MSG_TOO_MANY, max=MAX_ROWS)
            rows.append((number, {name: _value(values, i) for name, i in positions.items()}))
    except FileProblem:
        raise
    except (CalamineError, ValueError, IndexError, KeyError, TypeError, OverflowError):
        raise FileProblem("unreadable", MSG_UNREADABLE) from None
    if not rows:
        raise FileProblem("no_rows", MSG_NO_ROWS)
    return Sheet(headers, rows)


def _value(values: list, index: int) -> object:
    """The cell at `index` as the cell readers expect it: None when empty."""
    value = values[index] if index < len(values) else None
    return None if value == "" else value
