"""The four reports against figures worked by hand on a small book, every grouping, past dates,
scope, the page (drill-down, Excel read back) and the command's JSON."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from xindai.core.scope import system_scope
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import services
from xindai.repayments.classification import classification_set
from xindai.repayments.early import early_repayment_confirm
from xindai.reports import queries

EVERYTHING = system_scope("tests")

D = Decimal


@pytest.fixture
def book(world):
    """Four loans, all 短期周转贷款 bullets at 4.35 % unless said:
    - MA  (officer_a, 梁家墩村, county A): 10,000.00, 2026-01-01 → 2026-04-01, interest 108.75;
      paid 100.00 on 2026-05-01 (penalty 54.38, compound 0.59, interest 45.03), then reversed;
      overdue from 2026-04-02.
    - LI  (officer_a, 王家庄村, county A): 20,000.00, 2026-01-01 → 2026-03-01, settled in full
      on 2026-03-01 (interest 20,000 × 59 × 4.35 / 36000 = 142.58).
    - ZHAO (officer_b, 新丰村, county B): 30,000.00 等额本金 3 months from 2026-01-10: first
      installment (10,000.00 + 108.75) paid on its due date 2026-02-10; the rest unpaid (overdue).
    - WANG (officer_a, 梁家墩村): 12,000.00 等额本息 12 months from 2026-06-05, disbursed in June.
    """
    w = world
    kind = loan_type("短期周转贷款")

    def loan(customer, officer, iou, amount, start, end, method="bullet"):
        return make_loan(
            w.admin,
            customer,
            officer,
            iou_number=iou,
            amount=D(amount),
            annual_rate=D("4.35"),
            start_date=start,
            end_date=end,
            method=method,
            loan_type=kind,
        )

    ma = loan(
        CustomerFactory(name="马建国", village=w.village_a1, registered_by=w.officer_a),
        w.officer_a,
        "MA",
        "10000.00",
        date(2026, 1, 1),
        date(2026, 4, 1),
    )
    li = loan(
        CustomerFactory(name="李明辉", village=w.village_a2, registered_by=w.officer_a),
        w.officer_a,
        "LI",
        "20000.00",
        date(2026, 1, 1),
        date(2026, 3, 1),
    )
    zhao = loan(
        CustomerFactory(name="赵天佑", village=w.village_b1, registered_by=w.officer_b),
        w.officer_b,
        "ZHAO",
        "30000.00",
        date(2026, 1, 10),
        date(2026, 4, 10),
        "equal_principal",
    )
    wang = loan(
        CustomerFactory(name="王秀英", village=w.village_a1, registered_by=w.officer_a),
        w.officer_a,
        "WANG",
        "12000.00",
        date(2026, 6, 5),
        date(2027, 6, 5),
        "equal_installment",
    )
    # Each payment is booked on the day it was made (its accounting date), the reversal too.
    with booked_on(date(2026, 5, 1)):
        entry = services.repayment_confirm(
            actor=w.admin, installment_id=ma.installments.get().pk, amount=D("100"), paid_on=date(2026, 5, 1)
        )
        services.repayment_reverse(actor=w.admin, repayment_id=entry.pk, reason="录错")
    with booked_on(date(2026, 3, 1)):
        services.repayment_confirm(
            actor=w.admin, installment_id=li.installments.get().pk, amount=None, paid_on=date(2026, 3, 1)
        )
    with booked_on(date(2026, 2, 10)):
        services.repayment_confirm(
            actor=w.admin, installment_id=zhao.installments.get(period=1).pk, amount=None, paid_on=date(2026, 2, 10)
        )
    return {"ma": ma, "li": li, "zhao": zhao, "wang": wang}


def booked_on(day):
    return time_machine.travel(day, tick=False)


def by_key(report):
    return {row["key"]: row for row in report.rows}


def test_disbursement_counts_loans_started_in_the_period(world, book):
    report = queries.run(
        "disbursement", "county", user=EVERYTHING, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)
    )
    rows = by_key(report)
    assert (rows[world.county_a.code]["loans"], rows[world.county_a.code]["amount"]) == (2, D("30000.00"))
    assert (rows[world.county_b.code]["loans"], rows[world.county_b.code]["amount"]) == (1, D("30000.00"))
    assert report.total == {"loans": 3, "amount": D("60000.00")}


def test_collection_is_net_of_reversals(world, book):
    report = queries.run(
        "collection", "officer", user=EVERYTHING, date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)
    )
    rows = by_key(report)
    a = rows["officer_a"]  # LI paid 20,142.58; MA's 100.00 reversed
    assert (a["repayments"], a["principal"], a["interest"], a["penalty"], a["total"]) == (
        1,
        D("20000.00"),
        D("142.58"),
        D("0.00"),
        D("20142.58"),
    )
    b = rows["officer_b"]
    assert (b["repayments"], b["principal"], b["total"]) == (1, D("10000.00"), D("10108.75"))


def test_balance_as_of_a_past_date_ignores_later_payments(world, book):
    before = queries.run("balance", "branch", user=EVERYTHING, as_of=date(2026, 2, 9))
    after = queries.run("balance", "branch", user=EVERYTHING, as_of=date(2026, 5, 1))
    assert by_key(before)[world.branch_b.code]["outstanding_principal"] == D("30000.00")
    b = by_key(after)[world.branch_b.code]
    assert (b["loans"], b["outstanding_principal"], b["overdue_principal"]) == (1, D("20000.00"), D("20000.00"))
    a = by_key(after)[world.branch_a.code]  # MA only: LI settled 03-01, WANG not yet disbursed
    assert (a["loans"], a["outstanding_principal"], a["overdue_principal"]) == (1, D("10000.00"), D("10000.00"))


def test_quality_puts_each_loans_whole_principal_in_its_bucket_and_category(world, book):
    report = queries.run("quality", "county", user=EVERYTHING, as_of=date(2026, 7, 15))
    a = by_key(report)[world.county_a.code]
    # MA: 104 days overdue (due 04-01) → 91–180, 次级; WANG: 12,000 less what its first payment...
    assert a["bucket_91_180"] == D("10000.00") and a["substandard"] == D("10000.00")
    assert a["bucket_1_30"] == a["special_mention"] == D("12000.00")  # WANG: first due 07-05, unpaid, 10 days
    b = by_key(report)[world.county_b.code]  # ZHAO: oldest unpaid due 03-10 → 127 days, 20,000 left
    assert b["bucket_91_180"] == D("20000.00") and b["npl"] == D("20000.00")
    assert report.total["npl_ratio"] == queries.npl_ratio(D("30000.00"), D("42000.00"))


def test_an_override_moves_the_loan_to_its_set_class_from_the_day_it_was_set(world, book):
    from django.utils import timezone

    from xindai.repayments.classification import classification_set

    today = timezone.localdate()
    classification_set(actor=world.admin, loan=book["ma"], category="loss", reason="失联", as_of=today)
    assert by_key(queries.run("quality", "county", user=EVERYTHING, as_of=today))[world.county_a.code]["loss"] == D(
        "10000.00"
    )
    before = by_key(queries.run("quality", "county", user=EVERYTHING, as_of=date(2026, 7, 15)))[world.county_a.code]
    assert before["loss"] == D("0.00") and before["substandard"] == D("10000.00")  # not yet set then


@pytest.mark.parametrize("group", queries.GROUPS)
def test_every_grouping_adds_up_to_the_same_total(world, book, group):
    report = queries.run("balance", group, user=EVERYTHING, as_of=date(2026, 5, 1))
    assert report.total["outstanding_principal"] == D("30000.00")
    assert sum(row["outstanding_principal"] for row in report.rows) == D("30000.00")


def test_a_county_users_report_is_the_countys_rows_only(world, book):
    report = queries.run("balance", "county", user=world.county_user_a, as_of=date(2026, 5, 1))
    assert [row["key"] for row in report.rows] == [world.county_a.code]
    assert report.total["outstanding_principal"] == D("10000.00")
    officer = queries.run(
        "collection", "county", user=world.officer_b, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)
    )
    assert officer.total["total"] == D("10108.75")


def test_an_early_repayment_is_collected_and_lowers_the_balance(world, book):
    with booked_on(date(2026, 6, 20)):
        early_repayment_confirm(
            actor=world.admin, loan_id=book["wang"].pk, paid_on=date(2026, 6, 20), principal=D("2000.00")
        )
    balance = queries.run("balance", "customer", user=EVERYTHING, as_of=date(2026, 6, 30))
    wang = next(r for r in balance.rows if r["name"] == "王秀英")
    assert wang["outstanding_principal"] == D("10000.00")


def test_the_page_drills_down_and_exports_its_figures(world, login, book):
    client = login(world.admin)
    url = reverse("reports:report")
    page = client.get(url, {"kind": "balance", "group": "county", "as_of": "2026-05-01"})
    assert page.status_code == 200 and "drill-link" in page.content.decode()
    down = client.get(url, {"kind": "balance", "group": "township", "as_of": "2026-05-01", "region": world.county_a.pk})
    assert [r["name"] for r in down.context["report"].rows] == ["甘州区 · 梁家墩镇"]  # its county, past the area
    detail = down.context["report"].rows[0]["detail"]
    loans = client.get(detail)
    assert {loan.iou_number for loan in loans.context["page"].object_list} == {"MA", "WANG"}
    ledger = client.get(
        url, {"kind": "collection", "group": "officer", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    )
    officer_row = next(r for r in ledger.context["report"].rows if r["key"] == "officer_b")
    entries = client.get(officer_row["detail"]).context["page"].object_list
    assert {e.loan.iou_number for e in entries} == {"ZHAO"}
    export = client.get(url, {"kind": "balance", "group": "county", "as_of": "2026-05-01", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    total = next(v for v in values if v[1] in ("合计", "Total"))
    assert total[3] == 30000
    charts = client.get(reverse("reports:charts"), {"kind": "quality", "as_of": "2026-07-15"})
    assert charts.status_code == 200 and len(charts.context["trend"]) == 12


def test_the_command_prints_the_documented_json(world, book, capsys):
    call_command("report", "quality", "--by", "county", "--as-of", "2026-07-15", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "quality" and data["by"] == "county" and data["as_of"] == "2026-07-15"
    assert data["total"]["npl_ratio"] == "0.7143" and data["total"]["npl"] == "30000.00"
    call_command(
        "report",
        "disbursement",
        "--by",
        "officer",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--user",
        "officer_a",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in data["rows"]] == ["officer_a"] and data["total"]["loans"] == 3
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("report", "balance", "--by", "county", "--from", "2026-01-01")
    assert error.value.returncode == 2


def test_days_overdue_as_of_a_past_date_land_on_the_bucket_edges(world, book):
    # MA is due 2026-04-01: on 05-01 it is 30 days overdue (1–30), on 05-02 31 days (31–60).
    on_30 = by_key(queries.run("quality", "county", user=EVERYTHING, as_of=date(2026, 5, 1)))[world.county_a.code]
    on_31 = by_key(queries.run("quality", "county", user=EVERYTHING, as_of=date(2026, 5, 2)))[world.county_a.code]
    assert on_30["bucket_1_30"] == D("10000.00") and on_30["bucket_31_60"] == D("0.00")
    assert on_31["bucket_31_60"] == D("10000.00") and on_31["bucket_1_30"] == D("0.00")


@pytest.mark.parametrize("who", ["everything", "manager_a", "county_user_a"])
def test_the_charts_trend_is_the_reports_totals_at_each_month_end(world, book, who):
    """queries.trend skips the figures owed: its outstanding principal, NPL and ratio are still
    exactly 贷款余额's and 资产质量's totals on every date (scoped like them)."""
    user = EVERYTHING if who == "everything" else getattr(world, who)
    with booked_on(date(2026, 6, 20)):  # superseded installments from 06-20 on
        early_repayment_confirm(
            actor=world.admin, loan_id=book["wang"].pk, paid_on=date(2026, 6, 20), principal=D("2000.00")
        )
    with booked_on(date(2026, 7, 10)):  # set by hand to 可疑 on 07-10, cleared on 09-01
        classification_set(
            actor=world.admin, loan=book["wang"], category="doubtful", reason="人工", as_of=date(2026, 7, 10)
        )
    book["wang"].refresh_from_db()
    assert book["wang"].classification_override == "doubtful", book["wang"].classification_override
    with booked_on(date(2026, 9, 1)):
        classification_set(actor=world.admin, loan=book["wang"], category="", reason="恢复", as_of=date(2026, 9, 1))
    days = [date(2026, 1, 31), date(2026, 3, 31), date(2026, 4, 30), date(2026, 6, 19), date(2026, 6, 30)]
    days += [
        date(2026, 7, 9),
        date(2026, 7, 10),
        date(2026, 7, 15),
        date(2026, 8, 31),
        date(2026, 11, 30),
        date(2026, 12, 1),
    ]
    with time_machine.travel(date(2026, 12, 1), tick=False):
        points = queries.trend(user, days)
        for point, day in zip(points, days, strict=True):
            quality = queries.run("quality", "county", user=user, as_of=day, compare=False).total
            balance = queries.run("balance", "officer", user=user, as_of=day).total
            assert point["as_of"] == day
            outstanding = point["outstanding_principal"]
            assert outstanding == balance["outstanding_principal"] == quality["outstanding_principal"]
            assert (point["npl"], point["npl_ratio"]) == (quality["npl"], quality["npl_ratio"])
    assert any(p["npl"] for p in points) and any(p["outstanding_principal"] for p in points)


def test_quality_compares_with_the_previous_month_end_and_year_end(world, book):
    with time_machine.travel(date(2026, 12, 1), tick=False):
        report = queries.run("quality", "township", user=EVERYTHING, as_of=date(2026, 7, 15))
        for label, day in (("month_end", date(2026, 6, 30)), ("year_end", date(2025, 12, 31))):
            then = queries.run("quality", "county", user=EVERYTHING, as_of=day, compare=False).total
            assert report.comparison[label]["as_of"] == day
            assert (report.comparison[label]["npl"], report.comparison[label]["npl_ratio"]) == (
                then["npl"],
                then["npl_ratio"],
            )
    assert report.comparison["month_end"]["npl"] > 0


def test_township_rows_name_their_county_on_screen_and_in_excel(world, login, book):
    """梁家墩镇 alone does not say where it is: a township row reads "甘州区 · 梁家墩镇" (one query
    for all the rows' counties), in the report, on the page and in the Excel file."""
    client = login(world.admin)
    townships = client.get(reverse("reports:report"), {"kind": "balance", "group": "township", "as_of": "2026-05-01"})
    assert all(row["name"].count(" · ") == 1 for row in townships.context["report"].rows)
    counties = client.get(reverse("reports:report"), {"kind": "balance", "group": "county", "as_of": "2026-05-01"})
    assert all(" · " not in row["name"] for row in counties.context["report"].rows)  # the county alone
    params = {"kind": "balance", "group": "township", "as_of": "2026-05-01"}
    assert "甘州区 · 梁家墩镇" in client.get(reverse("reports:report"), params).content.decode()
    export = client.get(reverse("reports:report"), params | {"export": "xlsx"})
    names = [row[1].value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=4)]
    assert "甘州区 · 梁家墩镇" in names
