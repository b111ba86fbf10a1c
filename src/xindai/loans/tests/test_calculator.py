"""贷款计算器: the plan of any terms for users with loans.view, errors in Chinese next to their field."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from xindai.org.models import Role
from xindai.org.tests.factories import UserFactory

URL = reverse("loans:calculator")
EXAMPLE_1 = {
    "amount": "100,000.00",
    "annual_rate": "4.90",
    "start_date": "2026-01-31",
    "end_date": "2026-07-31",
    "method": "equal_installment",
}
EXAMPLE_2 = {
    "amount": "50000",
    "annual_rate": "5.22",
    "start_date": "2026-02-10",
    "end_date": "2027-02-10",
    "method": "quarterly_interest",
    "settlement_day": "20",
}


def table_rows(html: str) -> list[list[str]]:
    """The body rows of the schedule table as lists of cell texts."""
    table = re.search(r'<table[^>]*data-testid="schedule-table".*?</table>', html, re.S)
    assert table, "no schedule table on the page"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(0), re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def test_the_empty_calculator_shows_the_form_and_no_plan(world, login):
    response = login(world.officer_a).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "贷款计算器" in html
    assert "业务管理" in html
    assert 'data-testid="schedule-table"' not in html
    assert response.context["form"].initial.get("settlement_day") is None  # the field's own initial
    assert response.context["form"]["settlement_day"].value() == 20


def test_worked_example_1_shows_six_equal_payments(world, login):
    response = login(world.officer_a).get(URL, EXAMPLE_1)
    assert response.status_code == 200
    rows = table_rows(response.content.decode())
    due = ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31"]
    assert [row[2] for row in rows] == due
    assert rows[0] == ["1", "2026-01-31", "2026-02-28", "28", "16,497.34", "408.33", "16,905.67", "83,502.66"]
    assert rows[-1][4:] == ["16,836.91", "68.75", "16,905.66", "0.00"]
    assert response.context["totals"] == {
        "principal": Decimal("100000.00"),
        "interest": Decimal("1434.01"),
        "total": Decimal("101434.01"),
    }
    assert "101,434.01" in response.content.decode()


def test_worked_example_2_shows_quarterly_interest_then_principal(world, login):
    response = login(world.officer_a).get(URL, EXAMPLE_2)
    rows = table_rows(response.content.decode())
    assert [(row[2], row[3], row[4], row[5], row[6]) for row in rows] == [
        ("2026-03-20", "38", "0.00", "275.50", "275.50"),
        ("2026-06-20", "92", "0.00", "667.00", "667.00"),
        ("2026-09-20", "92", "0.00", "667.00", "667.00"),
        ("2026-12-20", "91", "0.00", "659.75", "659.75"),
        ("2027-02-10", "52", "50,000.00", "377.00", "50,377.00"),
    ]
    assert response.context["totals"]["interest"] == Decimal("2646.25")


def test_the_settlement_day_defaults_to_the_20th_when_left_empty(world, login):
    response = login(world.officer_a).get(URL, EXAMPLE_2 | {"settlement_day": ""})
    assert [row[2] for row in table_rows(response.content.decode())][:1] == ["2026-03-20"]


def test_external_users_may_use_the_calculator_too(world, login):
    response = login(world.county_user_a).get(URL, EXAMPLE_2)
    assert response.status_code == 200
    assert len(table_rows(response.content.decode())) == 5


def test_a_user_without_loans_view_gets_403(world, login):
    user = UserFactory(role=Role.objects.create(name="无权限"))
    assert login(user).get(URL, EXAMPLE_1).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response["Location"]


def test_a_term_of_no_whole_months_is_refused_on_the_end_date_in_chinese(world, login):
    response = login(world.officer_a).get(URL, EXAMPLE_1 | {"end_date": "2026-07-15"})
    assert response.status_code == 200
    assert field_errors(response, "end_date") == [
        "2026-01-31至2026-07-15的期限不是整月数；采用该还款方式时，到期日必须为起始日加整数个月（例如2026-06-30）。"
    ]
    html = response.content.decode()
    assert "期限不是整月数" in html
    assert 'data-testid="schedule-table"' not in html
    assert 'value="2026-07-15"' in html  # the user's input is kept


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"amount": "5万"}, "amount", "金额不是有效数字"),
        ({"amount": "0"}, "amount", "贷款金额必须大于零"),
        ({"amount": "100.005"}, "amount", "金额的小数超过2位"),
        ({"annual_rate": "-1"}, "annual_rate", "利率不能为负数"),
        ({"annual_rate": "40"}, "annual_rate", "超过上限36%"),
        ({"annual_rate": "0.0435"}, "annual_rate", "看起来输入的是小数"),
        ({"end_date": "2026-01-01"}, "end_date", "到期日2026-01-01必须晚于起始日2026-01-31"),
        ({"start_date": "2026-02-30"}, "start_date", "输入一个有效的日期"),
        ({"amount": ""}, "amount", "这个字段是必填项"),
        ({"settlement_day": "29", "method": "monthly_interest"}, "settlement_day", "结息日必须是每月1日至28日"),
    ],
)
def test_bad_input_shows_a_chinese_error_next_to_its_field(world, login, change, field, reason):
    response = login(world.officer_a).get(URL, EXAMPLE_1 | change)
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert len(errors) == 1
    assert reason in errors[0]
    assert reason in response.content.decode()
    assert response.context["rows"] is None


def test_absurd_terms_that_cannot_round_to_the_fen_are_a_form_error(world, login):
    terms = {"amount": "0.10", "annual_rate": "0", "start_date": "2026-01-01", "end_date": "2027-01-01"}
    response = login(world.officer_a).get(URL, EXAMPLE_1 | terms | {"method": "equal_principal"})
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "负数" in errors[0]


def test_the_custom_method_is_not_offered_because_it_needs_a_plan(world, login):
    response = login(world.officer_a).get(URL, EXAMPLE_1 | {"method": "custom"})
    assert field_errors(response, "method")
    assert 'value="custom"' not in response.content.decode()


# The shared table ----------------------------------------------------------------------------------


def test_the_shared_table_shows_a_status_column_only_when_asked():
    row = SimpleNamespace(
        period=1,
        start_date="",
        due_date=None,
        days=31,
        principal=Decimal("1234.5"),
        interest=Decimal("5.00"),
        total=Decimal("1239.50"),
        balance=Decimal("0.00"),
        status="overdue",
        principal_paid=Decimal("100.00"),
        interest_paid=Decimal("5.00"),
        penalty_and_compound_paid=Decimal("0.37"),
    )
    totals = {"principal": Decimal("1234.50"), "interest": Decimal("5.00"), "total": Decimal("1239.50")}
    plain = render_to_string("loans/_schedule_table.html", {"rows": [row], "totals": totals})
    assert "text-bg-danger" not in plain
    assert '<td class="xd-num">1,234.50</td>' in plain
    with_status = render_to_string("loans/_schedule_table.html", {"rows": [row], "totals": totals, "show_status": True})
    assert '<span class="badge text-bg-danger">' in with_status
    assert "100.00" in with_status and "0.37" in with_status
