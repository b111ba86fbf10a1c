"""One number and date format everywhere (#18): messages showed "金额999999.00超过应还总额3285.42。",
"合计 3177.47。", and pages "2026年12月1日" beside 2026-12-01."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from xindai.core.display import shown, shown_params
from xindai.core.errors import BusinessError
from xindai.repayments import arithmetic, services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_parameters_are_shown_the_one_way():
    assert shown_params(
        {
            "amount": Decimal("999999"),
            "day": date(2026, 12, 1),
            "at": datetime(2026, 12, 1, 9, 5, tzinfo=SHANGHAI),
            "n": 60037,
        }
    ) == {"amount": "999,999.00", "day": "2026-12-01", "at": "2026-12-01 09:05", "n": "60,037"}
    assert shown(Decimal("4.3500"), "rate") == "4.35"


def test_a_refused_overpayment_reads_with_thousands_separators():
    owing = services.Owing(Decimal("3000.00"), Decimal("285.42"), Decimal("0"), Decimal("0"))
    with translation.override("zh-hans"):
        try:
            services._allocate(Decimal("999999.00"), owing)
        except BusinessError as err:
            assert str(err) == "金额 999,999.00 元超过应还总额 3,285.42 元。"
        else:
            raise AssertionError("not refused")
    assert arithmetic  # the pure module raises, the Django layer formats


def test_business_errors_format_their_amounts():
    assert str(BusinessError("total %(total)s", {"total": Decimal("3177.47")})) == "total 3,177.47"


def test_dates_render_one_way_in_zh_hans():
    with translation.override("zh-hans"):
        text = Template("{{ d }} {{ d|date }} {{ t|date:'DATETIME_FORMAT' }}").render(
            Context({"d": date(2026, 12, 1), "t": datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)})
        )
    assert text == "2026-12-01 2026-12-01 2026-12-01 09:00"


def test_counts_in_messages_have_thousands_separators():
    """ "共60037期" read as "共60,037期": an int parameter is a count — but not a year, an id or a
    number; small counts stay ints, so a %d in a message still takes them."""
    assert str(BusinessError("共%(count)s期", {"count": 60037})) == "共60,037期"
    assert shown_params({"count": 1234567, "year": 2026, "loan_id": 4711, "period_number": 1200, "length": 17}) == {
        "count": "1,234,567",
        "year": 2026,
        "loan_id": 4711,
        "period_number": 1200,
        "length": 17,
    }
    assert "%(length)d" % shown_params({"length": 17}) == "17"  # noqa: UP031 - the %d of idnumber.py
    assert shown(True, "count") is True


def test_the_count_filter_is_the_one_format():
    text = Template("{% load xindai %}{{ a|count }} {{ b|count }} {{ c|count }}").render(
        Context({"a": 60037, "b": 7, "c": None})
    )
    assert text == "60,037 7 "


def test_the_excel_totals_row_counts_with_separators():
    import io

    import openpyxl

    from xindai.core.xlsx import Column, write_xlsx

    target = io.BytesIO()
    with translation.override("zh-hans"):
        write_xlsx(target, title="t", columns=[Column("a", lambda r: r)], rows=[1, 2], totals={"count": 60037})
    sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue())).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("60,037" in value for value in cells), cells
