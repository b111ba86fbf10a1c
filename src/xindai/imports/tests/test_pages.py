"""The import page: check, errors, marked file, import; uploads are private to their user."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xindai.imports import loan_import as li
from xindai.imports.tests.files import loan_row, workbook
from xindai.loans.models import Loan
from xindai.loans.tests.factories import loan_type


@pytest.fixture(autouse=True)
def types(world):
    return loan_type("畜牧业贷款")


def upload(client, content: bytes, kind="loans", name="贷款.xlsx"):
    return client.post(reverse("imports:upload"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_check_then_import(world, login):
    client = login(world.manager_a)
    response = upload(client, workbook([loan_row(1), loan_row(2)]))
    assert response.status_code == 200 and response.context["result"].ok
    assert Loan.objects.system("tests").count() == 0
    token = response.context["token"]
    done = client.post(reverse("imports:run", args=["loans", token]))
    assert done.status_code == 302 and Loan.objects.system("tests").count() == 2
    assert client.post(reverse("imports:run", args=["loans", token])).status_code == 404  # used up


def test_a_file_with_errors_cannot_be_imported_and_comes_back_marked(world, login):
    client = login(world.manager_a)
    response = upload(client, workbook([loan_row(1, **{li.RATE: "abc"})]))
    result = response.context["result"]
    assert not result.ok and "年利率" in response.content.decode()
    token = response.context["token"]
    marked = client.get(reverse("imports:errors", args=["loans", token]))
    sheet = load_workbook(io.BytesIO(marked.content)).active
    assert sheet.cell(1, sheet.max_column).value == "错误说明"
    again = client.post(reverse("imports:run", args=["loans", token]))
    assert again.status_code == 200 and Loan.objects.system("tests").count() == 0


def test_another_users_upload_is_not_found(world, login):
    response = upload(login(world.manager_a), workbook([loan_row(1)]))
    token = response.context["token"]
    other = login(world.admin)
    assert other.get(reverse("imports:errors", args=["loans", token])).status_code == 404
    assert other.post(reverse("imports:run", args=["loans", token])).status_code == 404
    assert other.get(reverse("imports:errors", args=["loans", "not-a-token"])).status_code == 404


def test_not_an_xlsx_is_refused_by_the_form(world, login):
    response = upload(login(world.manager_a), b"a,b\n", name="data.csv")
    assert response.status_code == 200 and "xlsx" in response.content.decode()


def test_the_template_downloads(world, login):
    response = login(world.manager_a).get(reverse("imports:template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
