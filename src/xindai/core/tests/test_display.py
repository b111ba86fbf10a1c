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
    ) == {"amount": "999,999.00", "day": "2026-12-01", "at": "2026-12-01 09:05", "n": 60037}
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
