"""Every list exports to .xlsx with its filters and the user's scope: Chinese headers, real
numbers and dates, a totals row where the list has totals; 403 without the export permission."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xindai.customers.models import ContactChannel
from xindai.customers.services import contact_create
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import services

D = Decimal


@pytest.fixture
def book(world):
    w = world

    def bullet(customer, officer, iou):
        return make_loan(
            w.admin,
            customer,
            officer,
            iou_number=iou,
            amount=D("10000.00"),
            annual_rate=D("4.35"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 4, 1),
            method="bullet",
            loan_type=loan_type("农户小额信用贷款"),
        )

    ma = CustomerFactory(name="马建国", village=w.village_a1, registered_by=w.officer_a)
    zhao = CustomerFactory(name="赵天佑", village=w.village_b1, registered_by=w.officer_b)
    loans = {"ma": bullet(ma, w.officer_a, "A-MA"), "zhao": bullet(zhao, w.officer_b, "B-ZHAO")}
    for loan in loans.values():
        services.repayment_confirm(
            actor=w.admin,
            installment_id=loan.installments.get().pk,
            amount=D("100.00"),
            paid_on=date(2026, 5, 1),
        )
    channel = ContactChannel.objects.first() or ContactChannel.objects.create(name="电话")
    for customer in (ma, zhao):
        contact_create(
            actor=w.admin,
            customer=customer,
            contacted_at=datetime(2026, 5, 2, 9, 30).astimezone(),
            channel=channel,
            subject="催收",
        )
    return loans


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def export(client, name, **params):
    return client.get(reverse(name), {"export": "xlsx", **params})


@pytest.mark.parametrize(
    "name, header, params",
    [
        ("customers:list", "姓名", {}),
        ("customers:contact_list", "客户", {}),
        ("loans:list", "借据编号", {}),
        ("repayments:due", "客户", {"as_of": "2026-05-01"}),
        ("repayments:ledger", "还款日期", {}),
    ],
)
@pytest.mark.parametrize("user_kind, rows", [("admin", 2), ("officer_a", 1), ("county_user_a", 1)])
def test_each_list_exports_only_the_users_scope(world, login, book, name, header, params, user_kind, rows):
    client = login(getattr(world, user_kind))
    response = export(client, name, **params)
    if user_kind == "county_user_a" and name.startswith("customers"):
        # 畜牧部门 may export (reports.export), not customers.export
        assert response.status_code == 403
        return
    if user_kind == "county_user_a":
        assert response.status_code == 403  # loans.export is a bank permission
        return
    data = sheet(response)
    assert header in data[0]
    body = [r for r in data[1:] if not (isinstance(r[0], str) and r[0].startswith("合计"))]
    assert len(body) == rows


def test_loan_export_has_real_numbers_dates_and_a_totals_row(world, login, book):
    data = sheet(export(login(world.admin), "loans:list"))
    header = data[0]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in data[1:]}
    ma = rows["A-MA"]
    assert ma["贷款金额"] == 10000 and isinstance(ma["贷款金额"], int | float)
    assert isinstance(ma["贷款起期"], datetime) and ma["贷款起期"].date() == date(2026, 1, 1)
    assert ma["五级分类"] in {"关注", "次级", "可疑", "损失"}
    total = data[-1]
    assert str(total[0]).startswith("合计") and total[header.index("贷款金额")] == 20000


def test_due_export_follows_the_filter_and_totals_the_penalty(world, login, book):
    data = sheet(export(login(world.admin), "repayments:due", as_of="2026-06-01", customer="马"))
    header = data[0]
    assert len(data) == 3  # header, 马建国's installment, totals
    row = dict(zip(header, data[1], strict=True))
    assert row["借据编号"] == "A-MA" and row["逾期天数"] == 61 and row["逾期区间"] == "61–90天"
    assert data[-1][header.index("罚息")] == row["罚息"]


def test_ledger_export_nets_reversals_in_its_totals(world, login, book):
    entry = book["ma"].repayments.get()
    services.repayment_reverse(actor=world.admin, repayment_id=entry.pk, reason="录错")
    data = sheet(export(login(world.admin), "repayments:ledger", iou_number="A-MA"))
    header = data[0]
    assert len(data) == 4  # header, entry, reversal, totals
    assert data[-1][header.index("金额")] == 0


def test_export_masks_personal_data_for_roles_without_it(world, login, book):
    from xindai.org.models import Role

    role = Role.objects.create(name="只读导出", permissions=["customers.view", "customers.export"])
    world.officer_a.role = role
    world.officer_a.save()
    data = sheet(export(login(world.officer_a), "customers:list"))
    row = dict(zip(data[0], data[1], strict=True))
    assert "*" in row["身份证号码"] and "*" in row["手机号码"]
