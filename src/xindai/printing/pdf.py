"""The forms as PDF, laid out with fpdf2: A4, a notice a page, receipts two a page, a table grid.

The text is set in WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 or GPL-3+ with the font
exception), a TrueType collection that the PyPI package `paperang-p2-fonts-cjk` installs (the
same file as Debian's fonts-wqy-microhei). It is found through importlib.resources, never on a
system path, and fpdf2 embeds the subset of glyphs a document uses (CIDFontType2, /FontFile2,
with a ToUnicode map), so the PDF shows and copies the same on a computer without Chinese
fonts. A TrueType font rather than Noto CJK: fpdf2 embeds the CFF outlines of Noto with an
encoding CMap that pypdf and pdfminer cannot read the text back through.
"""

from collections.abc import Iterable
from datetime import date
from importlib.resources import as_file, files

from django.utils.translation import gettext as _
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TextMode, WrapMode, XPos, YPos

from xindai.printing.documents import Notice, Receipt

FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_FILE = "fonts/wqy-microhei.ttc"  # face 0: WenQuanYi Micro Hei; face 1 is its monospaced twin
FONT = "WenQuanYiMicroHei"

MARGIN = 18  # mm
WIDTH = 210 - 2 * MARGIN  # the A4 content width
LABEL_FILL = (236, 240, 245)
LABEL = FontFace(family=FONT, size_pt=10, fill_color=LABEL_FILL)
VALUE = FontFace(family=FONT, size_pt=10.5)
CAPITALS = FontFace(family=FONT, size_pt=12)
# four columns: label, value, label, value
COLUMNS = (27, 58, 27, 58)
ROW_HEIGHT = 7


class FormPDF(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_title(title)
        self.set_creator("Xindai")
        with as_file(files(FONT_PACKAGE).joinpath(FONT_FILE)) as path:
            self.add_font(FONT, "", path, collection_font_number=0)

    def heading(self, bank_name: str, title: str) -> None:
        self.set_font(FONT, size=13)
        self.cell(WIDTH, 7, bank_name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=20)
        self.set_char_spacing(4)
        # Regular weight only: stroking the outline as well makes the title bold.
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.25):
            self.cell(WIDTH, 13, title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_char_spacing(0)
        self.set_draw_color(0)
        self.line(MARGIN + WIDTH / 2 - 28, self.get_y() - 1, MARGIN + WIDTH / 2 + 28, self.get_y() - 1)
        self.ln(4)

    def meta_line(self, left: str, right: str) -> None:
        """`left` and `right` on one line above the grid, or on two when they would meet."""
        self.set_font(FONT, size=10.5)
        y = self.get_y()
        self.cell(WIDTH, 6, left, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.get_string_width(left + right) + 10 <= WIDTH:
            self.set_y(y)
        self.cell(WIDTH, 6, right, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def grid(self, rows: Iterable[tuple]) -> None:
        """Rows of (label, value) pairs; a row of a single pair spans the whole width."""
        with self.table(
            col_widths=COLUMNS,
            width=WIDTH,
            first_row_as_headings=False,
            line_height=ROW_HEIGHT / 1.4,
            min_row_height=ROW_HEIGHT + 2,
            padding=(1.2, 2),
            text_align=Align.L,
            v_align="MIDDLE",
            wrapmode=WrapMode.WORD,  # at spaces; CJK text and longer words break anywhere
        ) as table:
            for pairs in rows:
                row = table.row()
                for label, value, *style in pairs:
                    row.cell(label, style=LABEL)
                    row.cell(value, style=style[0] if style else VALUE, colspan=3 if len(pairs) == 1 else 1)

    def signatures(self, captions: list[str], height: float = 26) -> None:
        """Boxes two by two, each with its caption and a date line."""
        self.ln(6)
        self.set_font(FONT, size=10.5)
        half = WIDTH / 2
        for start in range(0, len(captions), 2):
            y = self.get_y()
            for column, caption in enumerate(captions[start : start + 2]):
                x = MARGIN + column * half
                self.rect(x, y, half, height)
                self.set_xy(x + 3, y + 3)
                self.cell(half - 6, 6, caption + "：")
                self.set_xy(x + 3, y + height - 8)
                self.cell(half - 6, 6, "年　　月　　日", align=Align.R)
            self.set_xy(MARGIN, y + height)


def notices_pdf(notices: list[Notice]) -> bytes:
    pdf = FormPDF(_("Disbursement notice"))
    for notice in notices:
        pdf.add_page()
        _notice_page(pdf, notice)
    return bytes(pdf.output())


# Receipts are printed two to an A4 page and cut apart (银行一页打印两张回单后裁开): each fills half
# the page between narrower top and bottom margins, a dashed cut line across the middle.
RECEIPTS_PER_PAGE = 2
RECEIPT_MARGIN = 10  # mm, top and bottom of a page of receipts
RECEIPT_SLOT = (297 - 2 * RECEIPT_MARGIN) / RECEIPTS_PER_PAGE
RECEIPT_SEAL = 34  # mm, the seal box of a receipt (42 on the notice's page would not leave two a page)


def receipts_pdf(receipts: list[Receipt], *, empty_message: str = "") -> bytes:
    pdf = FormPDF(_("Interest receipts"))
    pdf.set_auto_page_break(auto=False)  # the slots are laid out; a receipt never runs onto the next page
    for index, receipt in enumerate(receipts):
        place = index % RECEIPTS_PER_PAGE
        if place == 0:
            pdf.add_page()
        top = RECEIPT_MARGIN + place * RECEIPT_SLOT
        pdf.set_y(top + 2)
        _receipt_page(pdf, receipt)
        if pdf.get_y() > top + RECEIPT_SLOT:  # a layout change that no longer fits: fail loudly in tests
            raise ValueError(f"receipt {receipt.number} is taller than its half page")
        if place < RECEIPTS_PER_PAGE - 1 and index < len(receipts) - 1:
            _cut_line(pdf, top + RECEIPT_SLOT)
    if not receipts:
        pdf.set_auto_page_break(auto=True, margin=MARGIN)
        pdf.add_page()
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(WIDTH, 8, empty_message, wrapmode=WrapMode.WORD)
    return bytes(pdf.output())


def _notice_page(pdf: FormPDF, n: Notice) -> None:
    pdf.heading(n.bank_name, "放款通知单")
    pdf.meta_line(f"{_('Notice number')}：{n.number}", f"{_('Date')}：{_day(n.date)}")
    term = f"{n.term_months}　（{_day(n.start_date)} 至 {_day(n.end_date)}）"
    pdf.grid(
        [
            ((_("borrower"), n.borrower), (_("ID number"), n.id_number)),
            ((_("address"), n.address),),
            ((_("mobile"), n.mobile), (_("IOU number"), n.iou_number)),
            ((_("loan type"), n.loan_type), (_("purpose"), n.purpose or "—")),
            ((_("Amount in figures"), n.amount_figures), (_("annual rate"), n.annual_rate)),
            ((_("Amount in words"), n.amount_capitals, CAPITALS),),
            ((_("Term (months)"), term),),
            ((_("repayment method"), n.method), (_("joint-guarantee group"), n.guarantee_group or "—")),
            ((_("loan officer"), n.officer), (_("handling branch"), n.branch)),
        ]
    )
    pdf.signatures(["借款人签字", "信贷员", "复核", "支行负责人"])


def _receipt_page(pdf: FormPDF, r: Receipt) -> None:
    pdf.heading(r.bank_name, "扣息回单")
    pdf.meta_line(f"{_('Receipt number')}：{r.number}", f"{_('Deduction date')}：{_day(r.deducted_on)}")
    pdf.grid(
        [
            ((_("borrower"), r.borrower), (_("IOU number"), r.iou_number)),
            (
                (_("Interest period"), f"{_day(r.interest_from)} 至 {_day(r.interest_to)}"),
                (_("Interest days"), str(r.days)),
            ),
            ((_("Interest basis"), r.interest_basis_figures), (_("annual rate"), r.annual_rate)),
            ((_("Interest in figures"), r.interest_figures), (_("period"), str(r.period))),
            ((_("Interest in words"), r.interest_capitals, CAPITALS),),
            ((_("handling branch"), r.branch),),
        ]
    )
    _seal_box(pdf)


def _cut_line(pdf: FormPDF, y: float) -> None:
    """A dashed line across the page at `y`, where the sheet is cut, with a small "cut here"."""
    with pdf.local_context(dash_pattern={"dash": 2, "gap": 1.5}, line_width=0.2):
        pdf.line(6, y, 204, y)
    pdf.set_font(FONT, size=7)
    label = _("cut here")
    width = pdf.get_string_width(label) + 4
    pdf.set_xy(105 - width / 2, y - 2)
    with pdf.local_context(fill_color=(255, 255, 255)):  # white behind the label: it interrupts the line
        pdf.cell(width, 4, label, align=Align.C, fill=True)


def _seal_box(pdf: FormPDF) -> None:
    pdf.ln(5)
    y = pdf.get_y()
    pdf.set_font(FONT, size=10.5)
    pdf.set_xy(MARGIN, y + 4)
    pdf.cell(WIDTH - 60, 6, "经办：　　　　　　　复核：")
    size = RECEIPT_SEAL
    x = MARGIN + WIDTH - size
    with pdf.local_context(dash_pattern={"dash": 1.5, "gap": 1}):
        pdf.rect(x, y, size, size)
    pdf.set_xy(x, y + size - 9)
    pdf.cell(size, 6, "银行盖章", align=Align.C)
    pdf.set_xy(MARGIN, y + size)


def _day(day: date) -> str:
    return day.isoformat()
