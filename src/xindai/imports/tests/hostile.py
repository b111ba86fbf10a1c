"""Hostile and broken workbooks, generated as the issue measured them (and written fast: the
XML is streamed into the zip by hand, so 200,000 rows take a second, not a minute)."""

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELS_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{RELS_NS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELS_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
EMPTY_STRINGS = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="0" uniqueCount="0"></sst>'


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _row_xml(number: int, values: Iterable[object]) -> str:
    cells = "".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
        for i, v in enumerate(values)
        if v is not None
    )
    return f'<row r="{number}">{cells}</row>'


def _chunks(parts: Iterable[str], size: int = 1 << 20) -> Iterable[bytes]:
    buffer, length = [], 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


def xlsx(
    rows: Iterable[Iterable[object]] = (),
    *,
    sheet_xml: Iterable[bytes] | None = None,
    shared_strings: Iterable[bytes] | None = None,
    leave_out: tuple[str, ...] = (),
) -> bytes:
    """A workbook whose first sheet holds `rows` (inline strings), or the given parts as they are."""
    if sheet_xml is None:
        numbered = (_row_xml(n, values) for n, values in enumerate(rows, start=1))
        sheet_xml = _chunks(
            [
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>',
                *numbered,
                "</sheetData></worksheet>",
            ]
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        parts = {
            "[Content_Types].xml": [CONTENT_TYPES.encode()],
            "_rels/.rels": [ROOT_RELS.encode()],
            "xl/workbook.xml": [WORKBOOK.encode()],
            "xl/_rels/workbook.xml.rels": [WORKBOOK_RELS.encode()],
            "xl/worksheets/sheet1.xml": sheet_xml,
            "xl/sharedStrings.xml": shared_strings if shared_strings is not None else [EMPTY_STRINGS.encode()],
        }
        for name, chunks in parts.items():
            if name in leave_out:
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def many_shared_strings(count: int) -> bytes:
    """A small file whose shared-string table holds `count` strings (10 M: ~0.6 MB, 170 MB unpacked)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{count}" uniqueCount="{count}">'.encode()
    block = b"<si><t>a</t></si>" * 100_000

    def strings():
        yield head
        for _ in range(count // 100_000):
            yield block
        yield b"</sst>"

    sheet = [
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'.encode()
    ]
    return xlsx(sheet_xml=sheet, shared_strings=strings())


def one_long_string(megabytes: int) -> bytes:
    """A small file with one cell of `megabytes` MB of text in its shared strings."""
    block = b"A" * (1 << 20)

    def strings():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>'.encode()
        for _ in range(megabytes):
            yield block
        yield b"</t></si></sst>"

    sheet = [
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'.encode()
    ]
    return xlsx(sheet_xml=sheet, shared_strings=strings())


def sheet_of(body: str) -> bytes:
    """A workbook whose first sheet's XML is `body` inside <sheetData> (malformed on purpose)."""
    return xlsx(sheet_xml=[f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{body}'.encode()])
