"""The printed forms: what they say in HTML and in PDF, who may print them, and the batch of a
settlement day (one receipt per page, scoped, a fixed number of queries)."""

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment
from xindai.loans.tests.factories import make_loan
from xindai.org.models import Role, ScopeKind
from xindai.org.tests.factories import UserFactory
from xindai.printing.selectors import receipts_due_on
from xindai.printing.tests.conftest import SETTLEMENT_DAY
from xindai.printing.tests.pdfs import assert_fonts_embedded, pdf_pages, pdf_text

MA_ADDRESS = "甘州区梁家墩镇梁家墩村一社18号"


def notice_url(loan, pdf=False):
    return reverse("printing:notice_pdf" if pdf else "printing:notice", args=[loan.pk])


def receipt_url(installment, pdf=False):
    return reverse("printing:receipt_pdf" if pdf else "printing:receipt", args=[installment.pk])


def receipts_url(day=SETTLEMENT_DAY, pdf=False):
    return reverse("printing:receipts_pdf" if pdf else "printing:receipts") + f"?date={day.isoformat()}"


# --- the disbursement notice ----------------------------------------------------------------


def test_the_notice_shows_the_loan_in_figures_and_in_capitals(world, login, book):
    response = login(world.officer_a).get(notice_url(book.ma))
    assert response.status_code == 200
    html = response.content.decode()
    notice = response.context["notices"][0]
    assert notice.number == "FKA-MA"
    assert notice.date == date(2026, 2, 10)
    for text in [
        "放款通知单",
        "张掖市城市商业银行",
        "甘州支行",
        "FKA-MA",
        "马建国",
        book.ma.customer.id_number,
        MA_ADDRESS,
        "13800000001",
        "A-MA",
        "畜牧业贷款",
        "购买基础母牛",
        "¥50,000.00",
        "人民币伍万元整",
        "5.22%",
        "2026-02-10",
        "2027-02-10",
        str(book.ma.get_method_display()),
        "梁家墩一社联保小组",
        "王信贷",
        "借款人签字",
        "支行负责人",
    ]:
        assert text in html, text
    assert notice.term_months == 12
    assert reverse("printing:notice_pdf", args=[book.ma.pk]) in html


def test_the_notice_masks_personal_data_for_a_role_without_full_view(world, login, book):
    printer = Role.objects.create(name="打印岗", permissions=["loans.view", "loans.print"])
    clerk = UserFactory(role=printer, scope=ScopeKind.BRANCH, branch=world.branch_a)
    html = login(clerk).get(notice_url(book.ma)).content.decode()
    id_number = book.ma.customer.id_number
    assert id_number not in html and f"{id_number[:4]}**********{id_number[-4:]}" in html
    assert "13800000001" not in html and "138****0001" in html
    text = pdf_text(login(clerk).get(notice_url(book.ma, pdf=True)).content)
    assert id_number not in text and "138****0001" in text


def test_the_notice_pdf_embeds_a_chinese_font_and_says_what_the_page_says(world, login, book):
    response = login(world.officer_a).get(notice_url(book.ma, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    assert pdf_pages(response.content) == 1
    text = pdf_text(response.content)
    for expected in ["放款通知单", "马建国", "人民币伍万元整", "¥50,000.00", MA_ADDRESS, "FKA-MA", "借款人签字"]:
        assert expected in text, expected
    assert_fonts_embedded(response.content)


# --- the interest receipt -------------------------------------------------------------------


def test_the_receipt_shows_the_interest_of_the_period(world, login, book):
    installment = book.installment(book.ma)
    response = login(world.officer_a).get(receipt_url(installment))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "扣息回单",
        "马建国",
        "A-MA",
        "2026-02-10 至 2026-03-20",
        ">38<",
        "¥50,000.00",
        "5.22%",
        "¥275.50",
        "人民币贰佰柒拾伍元伍角整",
        "甘州支行",
        "银行盖章",
    ]:
        assert text in html, text
    assert response.context["receipts"][0].deducted_on == date(2026, 3, 20)


def test_the_interest_basis_is_the_plan_balance_before_the_period(world, login, book):
    second = book.installment(book.li, 2)
    receipt = login(world.officer_a).get(receipt_url(second)).context["receipts"][0]
    assert (receipt.interest_basis, receipt.interest, receipt.days) == (D("8000.00"), D("29.00"), 28)
    assert receipt.interest_capitals == "人民币贰拾玖元整"
    assert receipt.number == "KXA-LI-02"


def test_a_settled_installment_shows_the_day_it_was_settled(world, login, book):
    installment = book.installment(book.ma)
    Installment.objects.system("tests").filter(pk=installment.pk).update(settled_on=date(2026, 3, 18))
    receipt = login(world.officer_a).get(receipt_url(installment)).context["receipts"][0]
    assert receipt.deducted_on == date(2026, 3, 18)


def test_the_receipt_pdf(world, login, book):
    response = login(world.officer_b).get(receipt_url(book.installment(book.zhao), pdf=True))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in ["扣息回单", "赵天佑", "B-ZHAO", "人民币贰佰柒拾伍元伍角整", "¥275.50", "银行盖章"]:
        assert expected in text, expected
    assert_fonts_embedded(response.content)


# --- the receipts of a settlement day -------------------------------------------------------


@pytest.mark.parametrize(
    ("user_kind", "borrowers"),
    [("officer_a", ["马建国", "李明辉"]), ("officer_b", ["赵天佑"]), ("admin", ["马建国", "李明辉", "赵天佑"])],
)
def test_the_receipts_of_a_day_are_those_of_the_scope_two_per_page(world, login, book, user_kind, borrowers):
    client = login(getattr(world, user_kind))
    page = client.get(receipts_url())
    assert sorted(r.borrower for r in page.context["receipts"]) == sorted(borrowers)
    assert page.content.decode().count('data-testid="receipt"') == len(borrowers)
    content = client.get(receipts_url(pdf=True)).content
    assert pdf_pages(content) == (len(borrowers) + 1) // 2  # two receipts to an A4 page
    pages = pdf_text(content).split("\n")
    for name in ["马建国", "李明辉", "赵天佑"]:
        assert sum(name in text for text in pages) == (1 if name in borrowers else 0), name


def test_a_day_without_interest_says_so(world, login, book):
    client = login(world.officer_a)
    page = client.get(receipts_url(date(2026, 3, 21)))
    assert page.context["receipts"] == []
    assert 'data-testid="no-receipts"' in page.content.decode()
    assert "pdf_url" not in page.context
    content = client.get(receipts_url(date(2026, 3, 21), pdf=True)).content
    assert pdf_pages(content) == 1
    assert "2026-03-21" in pdf_text(content)


def test_the_receipts_page_opens_on_today_and_refuses_a_malformed_date(world, login, book):
    client = login(world.officer_a)
    assert client.get(reverse("printing:receipts")).context["day"] is not None
    page = client.get(reverse("printing:receipts") + "?date=2026-02-30")
    assert page.status_code == 200 and page.context["form"].errors
    assert client.get(reverse("printing:receipts_pdf") + "?date=oops").status_code == 404
    assert client.get(reverse("printing:receipts_pdf")).status_code == 404


def more_loans_due_on_the_settlement_day(world, count, start=0):
    for n in range(start, start + count):
        customer = CustomerFactory(village=world.village_b1, registered_by=world.officer_b)
        make_loan(world.admin, customer, world.officer_b, iou_number=f"B-MORE-{n}")


def test_the_batch_reads_its_rows_in_one_query(world, book, django_assert_num_queries):
    more_loans_due_on_the_settlement_day(world, 4)
    from xindai.printing.documents import receipt_for

    with django_assert_num_queries(1):
        rows = receipts_due_on(world.officer_b, SETTLEMENT_DAY)
        receipts = [receipt_for(row, bank_name="银行") for row in rows]
    assert len(receipts) == 5


@pytest.mark.parametrize("pdf", [False, True])
def test_the_batch_costs_the_same_queries_for_one_receipt_as_for_five(world, login, book, pdf):
    client = login(world.officer_b)
    client.get(receipts_url(pdf=pdf))  # warms the settings cache

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(receipts_url(pdf=pdf))
        assert response.status_code == 200
        return len(captured)

    one = queries()
    more_loans_due_on_the_settlement_day(world, 4)
    assert queries() == one
    assert pdf_pages(client.get(receipts_url(pdf=True)).content) == 3  # five receipts, two to a page


def test_the_batch_pdf_takes_three_queries_whatever_its_size(world, login, book, django_assert_num_queries):
    client = login(world.officer_b)
    client.get(receipts_url(pdf=True))  # warms the settings cache
    for extra in (0, 4):
        more_loans_due_on_the_settlement_day(world, extra, start=extra)
        with django_assert_num_queries(3):  # the session, the user, the installments with their loans
            response = client.get(receipts_url(pdf=True))
        assert pdf_pages(response.content) == (1 + extra + 1) // 2  # two receipts to a page


# --- who may print what: the rows are in src/xindai/tests/test_permission_matrix.py ---------


def test_a_township_user_without_loans_print_gets_403_on_a_loan_in_its_township(world, login, book):
    assert login(world.township_user_a2).get(notice_url(book.li)).status_code == 403


def test_a_missing_object_is_404(world, login, book):
    client = login(world.admin)
    assert client.get(reverse("printing:notice", args=[999999])).status_code == 404
    assert client.get(reverse("printing:receipt_pdf", args=[999999])).status_code == 404


def test_a_large_batch_of_receipts_prints_in_the_background(world, login, book, committed, settings):
    from pypdf import PdfReader

    from xindai.jobs.models import Job, JobState

    settings.PRINT_INLINE_MAX = 1
    more_loans_due_on_the_settlement_day(world, 2)
    client = login(world.admin)
    with committed():
        response = client.get(receipts_url(pdf=True))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.DONE and job.result["receipts"] >= 3
    content = b"".join(client.get(reverse("jobs:result", args=[job.pk])).streaming_content)
    assert len(PdfReader(io.BytesIO(content)).pages) == (job.result["receipts"] + 1) // 2  # two to a page


def test_the_receipts_page_puts_a_cut_line_between_the_two_of_each_page(world, login, book):
    client = login(world.officer_b)
    more_loans_due_on_the_settlement_day(world, 4)  # officer_b: 赵天佑 and four more, five receipts
    html = client.get(receipts_url()).content.decode()
    assert html.count('data-testid="receipt"') == 5
    assert html.count('data-testid="cut-line"') == 2  # after the 1st and the 3rd; the 5th is alone
    assert 'class="xd-receipt-batch"' in html


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is installed by make setup-test")
def test_the_browser_prints_the_receipts_page_two_to_an_a4_page(world, login, book, tmp_path):
    """What the officer prints from the page (Ctrl+P) is what the PDF is: 4 receipts, 2 A4 pages."""
    client = login(world.officer_b)
    more_loans_due_on_the_settlement_day(world, 3)
    html = client.get(receipts_url()).content.decode()
    for url in set(re.findall(r'href="(/static/[^"]+\.css)"', html)):
        found = finders.find(url.removeprefix(settings.STATIC_URL))
        html = html.replace(f'href="{url}"', f'href="{Path(found).as_uri()}"')
    page, out = tmp_path / "receipts.html", tmp_path / "receipts.pdf"
    page.write_text(html, encoding="utf-8")
    subprocess.run(  # noqa: S603 - a fixed command line on a file of the test
        [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={out}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert pdf_pages(out.read_bytes()) == 2
    assert [text.count("银行盖章") for text in pdf_text(out.read_bytes()).split("\n")] == [2, 2]  # whole receipts
