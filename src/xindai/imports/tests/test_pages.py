"""The import page: the check and the import run as background jobs; their page shows the
counts, the errors and the marked file; uploads are private to their user and deleted when
refused or imported; the request that starts a job answers at once."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xindai.imports import loan_import as li
from xindai.imports.tests.files import loan_row, workbook
from xindai.jobs.models import Job, JobState
from xindai.loans.models import Loan
from xindai.loans.tests.factories import loan_type


@pytest.fixture(autouse=True)
def types(world):
    return loan_type("畜牧业贷款")


def upload(client, committed, content: bytes, kind="loans", name="贷款.xlsx"):
    with committed():
        response = client.post(reverse("imports:upload"), {"kind": kind, "file": SimpleUploadedFile(name, content)})
    return response


def uploads() -> list[Path]:
    return list(Path(settings.XINDAI_IMPORT_DIR).glob("*.xlsx"))


def test_check_then_import(world, login, committed):
    client = login(world.manager_a)
    response = upload(client, committed, workbook([loan_row(1), loan_row(2)]))
    check = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[check.pk])
    assert check.state == JobState.DONE and check.result["ok"] and check.owner == world.manager_a
    page = client.get(response.url).content.decode()
    assert "贷款 2" in page.replace("，", " ").replace(",", " ") or 'data-testid="import-run"' in page
    assert Loan.objects.count() == 0
    with committed():
        done = client.post(reverse("imports:run", args=["loans", check.result["token"]]), {"filename": "贷款.xlsx"})
    run = Job.objects.get(kind="imports.run")
    assert done.status_code == 302 and run.state == JobState.DONE and Loan.objects.count() == 2
    assert "导入" in client.get(done.url).content.decode()
    assert uploads() == []  # used up
    assert client.post(reverse("imports:run", args=["loans", check.result["token"]])).status_code == 404


def test_a_file_with_errors_cannot_be_imported_and_comes_back_marked(world, login, committed):
    client = login(world.manager_a)
    upload(client, committed, workbook([loan_row(1, **{li.RATE: "abc"})]))
    job = Job.objects.get()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert not job.result["ok"] and "年利率" in page and 'data-testid="import-run"' not in page
    marked = client.get(reverse("jobs:result", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(marked.streaming_content))).active
    assert sheet.cell(1, sheet.max_column).value == "错误说明"


def test_an_unreadable_file_is_refused_and_deleted(world, login, committed):
    client = login(world.manager_a)
    upload(client, committed, b"PK\x03\x04 not really a workbook")
    job = Job.objects.get()
    assert job.result["file_error"].startswith("无法作为 Excel 工作簿")
    assert uploads() == []


def test_another_users_upload_and_job_are_not_found(world, login, committed):
    upload(login(world.manager_a), committed, workbook([loan_row(1)]))
    job = Job.objects.get()
    other = login(world.admin)
    assert other.post(reverse("imports:run", args=["loans", job.result["token"]])).status_code == 404
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert other.post(reverse("imports:run", args=["loans", "not-a-token"])).status_code == 404


def test_uploads_are_kept_outside_the_checkout_by_default():
    from xindai import settings as project

    assert not Path(project.XINDAI_IMPORT_DIR).resolve().is_relative_to(project.BASE_DIR)


def test_not_an_xlsx_is_refused_by_the_form(world, login, committed):
    response = upload(login(world.manager_a), committed, b"a,b\n", name="data.csv")
    assert response.status_code == 200 and "xlsx" in response.content.decode() and not Job.objects.exists()


def test_the_template_downloads(world, login):
    response = login(world.manager_a).get(reverse("imports:template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
