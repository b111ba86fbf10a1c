"""The PDF layout on its own: the font comes from the installed package, long values wrap
inside their cell, and every form starts a page."""

import hashlib
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib.resources import files
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from xindai.printing import pdf
from xindai.printing.capitals import amount_in_capitals
from xindai.printing.documents import Notice, Receipt, figures
from xindai.printing.tests.pdfs import pdf_pages, pdf_text

# The file Debian ships as fonts-wqy-microhei 0.2.0-beta-3.1: a new version of the package
# that changed the font would be noticed here before it reached a printed form.
WQY_MICROHEI_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"

NOTICE = Notice(
    bank_name="张掖市城市商业银行",
    branch="甘州支行",
    number="FKA-1",
    date=date(2026, 2, 10),
    borrower="马建国",
    id_number="620702198001010011",
    address="甘州区梁家墩镇梁家墩村一社第十八号院东侧二排三号（原畜牧养殖合作社旧址南门对面，邻近村委会文化广场）",
    mobile="13800000001",
    iou_number="A-1",
    loan_type="畜牧业贷款",
    purpose="购买基础母牛二十头、修建标准化暖棚两座并配套青贮窖，用于扩大肉牛养殖规模",
    amount=Decimal("9876543210.98"),
    amount_figures=figures(Decimal("9876543210.98")),
    amount_capitals=amount_in_capitals(Decimal("9876543210.98")),
    annual_rate="5.22%",
    term_months=12,
    start_date=date(2026, 2, 10),
    end_date=date(2027, 2, 10),
    method="按季付息到期还本",
    guarantee_group="梁家墩一社联保小组",
    officer="王信贷",
)
RECEIPT = Receipt(
    loan_id=1,
    bank_name="张掖市城市商业银行",
    branch="甘州支行",
    number="KXA-1-01",
    borrower="马建国",
    iou_number="A-1",
    period=1,
    interest_from=date(2026, 2, 10),
    interest_to=date(2026, 3, 20),
    days=38,
    interest_basis=Decimal("50000.00"),
    interest_basis_figures="¥50,000.00",
    annual_rate="5.22%",
    interest=Decimal("275.50"),
    interest_figures="¥275.50",
    interest_capitals="人民币贰佰柒拾伍元伍角整",
    deducted_on=date(2026, 3, 20),
)


def test_the_font_is_the_installed_package_file_never_a_system_one():
    font = Path(str(files(pdf.FONT_PACKAGE).joinpath(pdf.FONT_FILE)))
    assert font.is_file()
    assert not str(font).startswith("/usr/share/fonts")
    assert hashlib.sha256(font.read_bytes()).hexdigest() == WQY_MICROHEI_SHA256


def test_a_long_address_and_purpose_wrap_inside_their_cells_on_one_page():
    content = pdf.notices_pdf([NOTICE])
    assert pdf_pages(content) == 1
    text = pdf_text(content)
    for expected in ["第十八号院东侧二排三号", "邻近村委会文化广场", "用于扩大肉牛养殖规模", "¥9,876,543,210.98"]:
        assert expected in text, expected
    assert NOTICE.amount_capitals in text


def test_each_notice_starts_a_page():
    assert pdf_pages(pdf.notices_pdf([NOTICE, replace(NOTICE, borrower="李明辉")])) == 2


def _numbers_by_half(content: bytes) -> list[tuple[list[str], list[str]]]:
    """Per page, the receipt numbers printed in its top half and in its bottom half."""
    pages = []
    for page in PdfReader(BytesIO(content)).pages:
        halves = ([], [])
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size, halves=halves, height=height):
            for number in re.findall(r"KXA-\d+-\d+", text):
                y = tm[5] * cm[3] + cm[5]  # from the bottom of the page
                halves[0 if y > height / 2 else 1].append(number)

        page.extract_text(visitor_text=visit)
        pages.append(halves)
    return pages


def test_receipts_print_two_to_an_a4_page_with_a_cut_line_between():
    """Banks print 扣息回单 two to a page and cut them apart: 7 receipts are 4 pages, the first of
    each pair in the top half, the second in the bottom half, a cut line between them."""
    receipts = [replace(RECEIPT, number=f"KXA-1-{n:02d}", period=n) for n in range(1, 8)]
    content = pdf.receipts_pdf(receipts)
    assert pdf_pages(content) == 4
    halves = _numbers_by_half(content)
    assert halves == [
        (["KXA-1-01"], ["KXA-1-02"]),
        (["KXA-1-03"], ["KXA-1-04"]),
        (["KXA-1-05"], ["KXA-1-06"]),
        (["KXA-1-07"], []),
    ]
    pages = pdf_text(content).split("\n")
    assert [page.count("cuthere") + page.count("沿此线裁开") for page in pages] == [1, 1, 1, 0]
    assert all(page.count("银行盖章") == (2 if n < 3 else 1) for n, page in enumerate(pages))  # whole receipts


def test_a_receipt_with_long_names_still_fits_its_half_page():
    long = replace(RECEIPT, branch="张掖市城市商业银行甘州支行梁家墩分理处营业部" * 3, borrower="马" * 20)
    content = pdf.receipts_pdf([long, long])
    assert pdf_pages(content) == 1 and pdf_text(content).count("银行盖章") == 2


def test_a_batch_without_receipts_is_one_page_saying_so():
    content = pdf.receipts_pdf([], empty_message="No interest is due on 2026-03-21 in your data scope.")
    assert pdf_pages(content) == 1
    assert "Nointerestisdueon2026-03-21" in pdf_text(content)
