"""Hostile and broken workbooks are refused early and cheaply, each with a clear message.

Each file the issue measured is generated here and checked by a fresh `xindai import` process
against the test database, timed and with its peak memory read from the kernel (VmHWM): every
one is refused within 15 s with less than 500 MB at its peak."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils.translation import gettext

from xindai.imports import loan_import as li
from xindai.imports import workbook
from xindai.imports.loan_import import import_loans
from xindai.imports.tests import hostile
from xindai.imports.tests.files import loan_row
from xindai.imports.workbook import MSG_EMPTY, MSG_MISSING, MSG_UNREADABLE
from xindai.loans.tests.factories import loan_type
from xindai.messaging.tests.standins.worker import REPO

LIMIT_S, LIMIT_MB = 15, 500
HEADERS = list(loan_row(1))


def measured_import(path) -> tuple[float, float, dict]:
    """(seconds, peak MB, the JSON answer) of `xindai import loans PATH --dry-run --json`; the peak
    is the process's own (VmHWM), not the parent's memory a forked child starts with."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "import-test",
        "HTTPS": "0",
        "DATABASE_NAME": connection.settings_dict["NAME"],
    }
    out, peak = path.with_suffix(".json"), path.with_suffix(".peak")
    command = ["import", "loans", str(path), "--dry-run", "--json", "--user", "admin"]
    started = time.monotonic()
    with out.open("wb") as stdout:
        subprocess.run(
            [sys.executable, "-m", "xindai.imports.tests.peak", str(peak), *command],
            cwd=REPO,
            env=env,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    seconds = time.monotonic() - started
    return seconds, int(peak.read_text()) / 1024, json.loads(out.read_text())


def _rows(count: int, **overrides):
    yield HEADERS
    for n in range(count):
        yield list({**loan_row(n + 1), **overrides}.values())


HOSTILE = {
    "10 M shared strings": (lambda: hostile.many_shared_strings(10_000_000), workbook.MSG_TOO_MANY_STRINGS),
    "one 400 MB string": (lambda: hostile.one_long_string(400), workbook.MSG_TOO_BIG),
    "one 50 MB string": (lambda: hostile.one_long_string(50), workbook.MSG_TEXT_TOO_LONG),
    "200,000 rows": (lambda: hostile.xlsx(_rows(200_000)), workbook.MSG_TOO_MANY),
    "a cell in column ZZZZZZ": (
        lambda: hostile.sheet_of('<row r="1"><c r="ZZZZZZ1"><v>1</v></c></row></sheetData></worksheet>'),
        workbook.MSG_TOO_WIDE,
    ),
    "a cell in row 1,048,576": (
        lambda: hostile.sheet_of('<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>'),
        workbook.MSG_TOO_MANY,
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_quickly_and_cheaply(world, tmp_path, name):
    make, message = HOSTILE[name]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(make())
    seconds, peak_mb, answer = measured_import(path)
    assert answer["file_error"].startswith(gettext(message).split("%")[0]), answer
    print(f"{name}: {seconds:.1f} s, {peak_mb:.0f} MB")
    assert seconds < LIMIT_S and peak_mb < LIMIT_MB, (seconds, peak_mb)


@pytest.mark.django_db(transaction=True)
def test_a_file_of_99000_wrong_rows_stops_after_1000_errors_quickly(world, tmp_path):
    loan_type("畜牧业贷款")
    path = tmp_path / "errors.xlsx"
    path.write_bytes(hostile.xlsx(_rows(99_000, **{li.COUNTY: "不存在区", li.MOBILE: "12345"})))
    seconds, peak_mb, answer = measured_import(path)
    print(f"99,000 wrong rows: {seconds:.1f} s, {peak_mb:.0f} MB")
    assert not answer["ok"] and answer["too_many_errors"] and len(answer["errors"]) == li.MAX_ERRORS
    assert seconds < LIMIT_S and peak_mb < LIMIT_MB, (seconds, peak_mb)


MALFORMED = {
    "a sheet cut off in the middle": hostile.sheet_of('<row r="1"><c r="A1" t="inlineStr"><is><t>客户'),
    "a shared string that is not there": hostile.sheet_of(
        '<row r="1"><c r="A1" t="s"><v>99999</v></c></row></sheetData></worksheet>'
    ),
    "a number cell holding text": hostile.sheet_of(
        '<row r="1"><c r="A1" t="n"><v>abc</v></c><c r="B1" t="d"><v>2026-02-30</v></c></row></sheetData></worksheet>'
    ),
    "a bad cell reference": hostile.sheet_of('<row r="1"><c r="1A"><v>1</v></c></row></sheetData></worksheet>'),
    "no workbook part": hostile.xlsx([HEADERS], leave_out=("xl/workbook.xml",)),
    "no sheet part": hostile.xlsx([HEADERS], leave_out=("xl/worksheets/sheet1.xml",)),
    "not a zip at all": b"PK\x03\x04" + b"\x00" * 15_000,
    "a zip of something else": hostile.xlsx([HEADERS], leave_out=("xl/workbook.xml", "xl/worksheets/sheet1.xml")),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_workbook_is_one_clear_message(world, name):
    result = import_loans(MALFORMED[name], world.admin, dry_run=True)
    expected = [gettext(message).split("%")[0] for message in (MSG_UNREADABLE, MSG_EMPTY, MSG_MISSING)]
    assert not result.ok and any(result.file_error.startswith(text) for text in expected), result.file_error
