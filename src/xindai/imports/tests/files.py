"""Workbooks for the import tests, written the way clerks fill them in."""

import io

from openpyxl import Workbook

from xindai.core.idnumber import check_character
from xindai.imports import loan_import as li


def id_number(seq: int, birth: str = "19900101", male: bool = True) -> str:
    serial = seq * 2 + (1 if male else 0)
    first17 = f"620702{birth}{serial % 1000:03d}"
    return first17 + check_character(first17)


def loan_row(seq: int = 1, **overrides) -> dict:
    row = {
        li.NAME: f"客户{seq}",
        li.ID: id_number(seq),
        li.MOBILE: f"139{seq:08d}",
        li.COUNTY: "甘州区",
        li.TOWNSHIP: "梁家墩镇",
        li.VILLAGE: "梁家墩村",
        li.IOU: f"IMP{seq:06d}",
        li.AMOUNT: "50,000.00",
        li.TYPE: "畜牧业贷款",
        li.RATE: "5.22",
        li.START: "2026-02-10",
        li.END: "2027-02-10",
        li.METHOD: "按季付息到期还本",
        li.BRANCH: "甘州支行",
        li.OFFICER: "王信贷",
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict], headers: list[str] | None = None) -> bytes:
    headers = headers or list(dict.fromkeys(key for row in rows for key in row))
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
