"""In a real Chromium a branch manager uploads a loan file with errors, downloads it back with
the errors marked, corrects it and imports it."""

import io

import pytest
from openpyxl import load_workbook

from xindai.imports import loan_import as li
from xindai.imports.tests.files import loan_row, workbook
from xindai.loans.models import Loan
from xindai.loans.tests.factories import loan_type
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_with_errors_download_marked_fix_and_import(page, live_server, world, tmp_path):
    loan_type("畜牧业贷款")
    bad = tmp_path / "贷款.xlsx"
    bad.write_bytes(workbook([loan_row(1), loan_row(2, **{li.AMOUNT: "五万", li.VILLAGE: "不存在村"})]))
    sign_in(page, live_server, "manager_a")
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(bad))
    page.click("[data-testid=upload-submit]")
    page.wait_for_selector("[data-testid=import-errors]")
    table = page.inner_text("[data-testid=import-errors]")
    assert "贷款金额" in table and "五万" in table and "所在村" in table
    assert page.locator("[data-testid=import-run]").count() == 0

    with page.expect_download() as download:
        page.click("[data-testid=job-result]")
    saved = tmp_path / "marked.xlsx"
    download.value.save_as(saved)
    marked = load_workbook(saved)
    sheet = marked.active
    headers = [c.value for c in sheet[1]]
    assert headers[-1] == "错误说明" and "贷款金额" in sheet.cell(3, len(headers)).value

    sheet.cell(3, headers.index(li.AMOUNT) + 1, "50,000")
    sheet.cell(3, headers.index(li.VILLAGE) + 1, "梁家墩村")
    fixed = tmp_path / "贷款-改.xlsx"
    out = io.BytesIO()
    marked.save(out)
    fixed.write_bytes(out.getvalue())
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(fixed))
    page.click("[data-testid=upload-submit]")
    page.wait_for_selector("[data-testid=import-run]")
    assert "2" in page.inner_text("[data-testid=import-counts]")
    page.click("[data-testid=import-run]")
    page.wait_for_selector("[data-testid=import-done]")
    assert Loan.objects.count() == 2
