"""Repayment import: each amount applied to the loan's oldest amounts owed as of its date,
every error with its row, all or nothing; and the `xindai import` command."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from xindai.customers.tests.factories import CustomerFactory
from xindai.imports.repayment_import import import_repayments
from xindai.imports.tests.files import loan_row, workbook
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments.models import Repayment

D = Decimal


@pytest.fixture
def loans(world):
    """Two 3-month 等额本金 loans of 3,000.00 at 4.35 % from 2026-01-10: installments of 1,000.00
    principal due 02-10, 03-10, 04-10 with interest 10.88, 7.25, 3.63; and officer_b's bullet."""
    ma = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    zhao = CustomerFactory(village=world.village_b1, registered_by=world.officer_b)
    kinds = {"loan_type": loan_type("农户小额信用贷款"), "annual_rate": D("4.35"), "amount": D("3000.00")}
    dates = {"start_date": date(2026, 1, 10), "end_date": date(2026, 4, 10)}
    return {
        "ma": make_loan(
            world.admin, ma, world.officer_a, iou_number="R-MA", method="equal_principal", **kinds, **dates
        ),
        "zhao": make_loan(world.admin, zhao, world.officer_b, iou_number="R-ZHAO", method="bullet", **kinds, **dates),
    }


def rows(*items):
    data = [
        {"借据编号": iou, "还款日期": day, "还款金额": amount, **(extra[0] if extra else {})}
        for iou, day, amount, *extra in items
    ]
    return workbook(data, headers=["借据编号", "还款日期", "还款金额", "渠道"])


def installments(loan):
    return list(loan.installments.order_by("period"))


def test_an_amount_settles_the_oldest_installment_then_the_next(world, loans):
    interest1 = installments(loans["ma"])[0].interest
    result = import_repayments(rows(("R-MA", "2026-02-10", "1100.00")), world.admin)
    assert result.ok, result.errors
    first, second, _third = installments(loans["ma"])
    assert first.settled_on == date(2026, 2, 10) and first.principal_paid == D("1000.00")
    rest = D("1100.00") - D("1000.00") - interest1
    # paid on the first due date: nothing overdue, the rest goes to the next period's interest, then principal
    assert second.interest_paid == min(rest, second.interest)
    assert second.principal_paid == rest - second.interest_paid
    assert Repayment.objects.system("tests").filter(channel="import").count() == 2


def test_a_late_payment_pays_penalty_first(world, loans):
    result = import_repayments(rows(("R-MA", "2026-03-12", "100.00", {"渠道": "转账"})), world.admin)
    assert result.ok
    entry = Repayment.objects.system("tests").get()
    assert entry.channel == "transfer" and entry.penalty > 0 and entry.installment.period == 1
    assert entry.penalty + entry.compound + entry.interest + entry.principal == D("100.00")


def test_rows_of_one_loan_apply_in_date_order_whatever_the_file_order(world, loans):
    content = rows(("R-MA", "2026-03-10", "1007.25"), ("R-MA", "2026-02-10", "1010.88"))
    result = import_repayments(content, world.admin)
    assert result.ok, result.errors
    first, second, third = installments(loans["ma"])
    assert first.settled_on == date(2026, 2, 10) and second.settled_on == date(2026, 3, 10) and not third.settled_on


@pytest.mark.parametrize(
    "item, column",
    [
        (("NOPE", "2026-02-10", "10"), "借据编号"),
        (("R-ZHAO", "2026-02-10", "10"), "借据编号"),  # outside officer_a's scope
        (("R-MA", "2099-01-01", "10"), "还款日期"),
        (("R-MA", "2025-12-31", "10"), "还款日期"),
        (("R-MA", "2026-02-10", "999999"), "还款金额"),
        (("R-MA", "2026-02-10", "0"), "还款金额"),
        (("R-MA", "2026-02-10", "abc"), "还款金额"),
        (("R-MA", "2026-02-10", "10", {"渠道": "支付宝"}), "渠道"),
    ],
)
def test_each_error_names_its_row_and_writes_nothing(world, loans, item, column):
    result = import_repayments(rows(("R-MA", "2026-02-10", "10"), item), world.officer_a)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert not Repayment.objects.system("tests").exists()


def test_a_dry_run_counts_without_writing(world, loans):
    result = import_repayments(rows(("R-MA", "2026-02-10", "2000")), world.admin, dry_run=True)
    assert result.ok and result.repayments_created == 2 and not Repayment.objects.system("tests").exists()


def test_the_command_prints_json_and_exits_by_outcome(world, loans, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(rows(("R-MA", "2026-02-10", "100")))
    call_command("import", "repayments", str(good), "--json", "--dry-run")
    data = json.loads(capsys.readouterr().out)
    assert data == {"ok": True, "repayments_created": 1, "loans_affected": 1, "errors": []}
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(rows(("NOPE", "2026-02-10", "100")))
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "repayments", str(bad), "--json")
    assert exit_code.value.code == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["row"] == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"junk")
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "loans", str(junk), "--json")
    assert exit_code.value.code == 2


def test_the_loan_command_imports_as_a_user_and_writes_the_template(world, tmp_path, capsys):
    loan_type("畜牧业贷款")
    path = tmp_path / "loans.xlsx"
    path.write_bytes(workbook([loan_row(1)]))
    call_command("import", "loans", str(path), "--json", "--user", "manager_a")
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["loans_created"] == 1 and data["customers_created"] == 1
    assert set(data) == {
        "ok",
        "customers_created",
        "customers_matched",
        "loans_created",
        "installments_created",
        "errors",
    }
    template = tmp_path / "template.xlsx"
    call_command("import", "template", "loans", str(template))
    assert template.read_bytes()[:2] == b"PK"
