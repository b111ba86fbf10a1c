"""`xindai schedule`: the worked examples of docs/domain.md as exact JSON, the table, and exit status 2
with a Chinese reason on standard error (and nothing on standard output) for every invalid input."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import xindai

EXAMPLE_1 = ["--amount", "100000", "--rate", "4.90", "--start", "2026-01-31", "--end", "2026-07-31"]
EXAMPLE_2 = ["--amount", "50,000.00", "--rate", "5.22", "--start", "2026-02-10", "--end", "2027-02-10"]


def run(*args: str) -> subprocess.CompletedProcess:
    """The command as a user runs it: its own process, its real exit status and streams."""
    env = {**os.environ, "DEBUG": "1", "PYTHONPATH": str(Path(xindai.__file__).parent.parent)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "xindai", "schedule", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


def schedule(*args: str) -> str:
    out = StringIO()
    call_command("schedule", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    """The reason call_command gives for refusing the arguments, having checked the status is 2."""
    with pytest.raises(CommandError) as info:
        schedule(*args)
    assert info.value.returncode == 2
    return str(info.value)


def installment(period, due_date, principal, interest, total, balance) -> dict:
    keys = ("period", "due_date", "principal", "interest", "total", "balance")
    return dict(zip(keys, (period, due_date, principal, interest, total, balance), strict=True))


# The worked examples -------------------------------------------------------------------------------


def test_worked_example_2_quarterly_interest_as_exact_json():
    out = schedule(*EXAMPLE_2, "--method", "quarterly_interest", "--json")
    assert json.loads(out) == {
        "method": "quarterly_interest",
        "amount": "50000.00",
        "installments": [
            installment(1, "2026-03-20", "0.00", "275.50", "275.50", "50000.00"),
            installment(2, "2026-06-20", "0.00", "667.00", "667.00", "50000.00"),
            installment(3, "2026-09-20", "0.00", "667.00", "667.00", "50000.00"),
            installment(4, "2026-12-20", "0.00", "659.75", "659.75", "50000.00"),
            installment(5, "2027-02-10", "50000.00", "377.00", "50377.00", "0.00"),
        ],
        "total_principal": "50000.00",
        "total_interest": "2646.25",
    }


def test_worked_example_1_equal_installment_as_exact_json():
    out = schedule(*EXAMPLE_1, "--method", "equal_installment", "--json")
    assert json.loads(out) == {
        "method": "equal_installment",
        "amount": "100000.00",
        "installments": [
            installment(1, "2026-02-28", "16497.34", "408.33", "16905.67", "83502.66"),
            installment(2, "2026-03-31", "16564.70", "340.97", "16905.67", "66937.96"),
            installment(3, "2026-04-30", "16632.34", "273.33", "16905.67", "50305.62"),
            installment(4, "2026-05-31", "16700.26", "205.41", "16905.67", "33605.36"),
            installment(5, "2026-06-30", "16768.45", "137.22", "16905.67", "16836.91"),
            installment(6, "2026-07-31", "16836.91", "68.75", "16905.66", "0.00"),
        ],
        "total_principal": "100000.00",
        "total_interest": "1434.01",
    }


def test_json_keys_come_in_the_documented_order():
    data = json.loads(schedule(*EXAMPLE_1, "--method", "equal_installment", "--json"))
    assert list(data) == ["method", "amount", "installments", "total_principal", "total_interest"]
    assert list(data["installments"][0]) == ["period", "due_date", "principal", "interest", "total", "balance"]


def test_json_amounts_are_strings_with_two_decimals_never_numbers():
    data = json.loads(schedule("--amount", "1000", "--rate", "0", "--start", "2026-01-01", "--end", "2026-04-01",
                               "--method", "equal_principal", "--json"))  # fmt: skip
    assert data["amount"] == "1000.00"
    assert [row["principal"] for row in data["installments"]] == ["333.33", "333.33", "333.34"]
    assert [row["interest"] for row in data["installments"]] == ["0.00", "0.00", "0.00"]
    assert data["total_interest"] == "0.00"


def test_json_from_a_real_process_is_one_object_and_nothing_else():
    result = run(*EXAMPLE_2, "--method", "quarterly_interest", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data, end = json.JSONDecoder().raw_decode(result.stdout)
    assert result.stdout[end:].strip() == ""
    assert isinstance(data, dict)
    assert data["installments"][-1] == installment(5, "2027-02-10", "50000.00", "377.00", "50377.00", "0.00")


def test_method_may_be_given_by_its_chinese_label_and_json_names_the_code():
    data = json.loads(schedule(*EXAMPLE_2, "--method", "按季付息到期还本", "--json"))
    assert data["method"] == "quarterly_interest"
    assert data["total_interest"] == "2646.25"


def test_settlement_day_moves_the_interest_dates():
    data = json.loads(schedule(*EXAMPLE_2, "--method", "quarterly_interest", "--settlement-day", "21", "--json"))
    assert [row["due_date"] for row in data["installments"]] == [
        "2026-03-21",
        "2026-06-21",
        "2026-09-21",
        "2026-12-21",
        "2027-02-10",
    ]
    # 39 days from 2026-02-10: 50,000 × 39 × 5.22 / 36000 = 282.75
    assert data["installments"][0]["interest"] == "282.75"


def test_bullet_is_one_installment_of_principal_and_interest():
    data = json.loads(schedule(*EXAMPLE_2, "--method", "bullet", "--json"))
    # 365 days: 50,000 × 365 × 5.22 / 36000 = 2646.25
    assert data["installments"] == [installment(1, "2027-02-10", "50000.00", "2646.25", "52646.25", "0.00")]


# The table -------------------------------------------------------------------------------------------


def test_table_shows_amounts_with_thousands_separators_and_a_totals_line():
    out = schedule(*EXAMPLE_1, "--method", "equal_installment")
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 1 + 1 + 6 + 1 + 1  # header, rule, six installments, rule, totals
    assert lines[2].split() == ["1", "2026-02-28", "16,497.34", "408.33", "16,905.67", "83,502.66"]
    assert lines[7].split() == ["6", "2026-07-31", "16,836.91", "68.75", "16,905.66", "0.00"]
    assert lines[-1].split()[-3:] == ["100,000.00", "1,434.01", "101,434.01"]


def test_table_columns_are_aligned_on_the_right_edge_of_each_amount():
    lines = schedule(*EXAMPLE_2, "--method", "quarterly_interest").rstrip("\n").split("\n")
    rows = lines[2:7]
    # Every amount column ends at the same offset on every installment line.
    for amount in ("275.50", "667.00", "659.75", "377.00"):
        ends = {line.index(amount) + len(amount) for line in rows if amount in line}
        assert len(ends) == 1
    assert len({len(line) for line in rows}) == 1


# Refusals: status 2, the reason in Chinese on standard error, nothing on standard output ------------


def test_a_term_that_is_not_whole_months_exits_2_with_the_reason_in_chinese():
    result = run("--amount", "100000", "--rate", "4.90", "--start", "2026-01-31", "--end", "2026-07-15",
                 "--method", "equal_installment", "--json")  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert "2026-01-31至2026-07-15的期限不是整月数" in result.stderr
    assert "例如2026-06-30" in result.stderr  # the nearest whole-month end date


def test_a_negative_rate_exits_2_with_the_reason_in_chinese():
    result = run("--amount", "100000", "--rate", "-1", "--start", "2026-01-31", "--end", "2026-07-31",
                 "--method", "equal_installment", "--json")  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert "利率不能为负数" in result.stderr


def test_a_missing_argument_exits_2_with_the_reason_in_chinese():
    result = run("--amount", "100000", "--start", "2026-01-31", "--end", "2026-07-31", "--method", "bullet", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "--rate：这个字段是必填项。"


def test_an_argument_argparse_cannot_read_also_exits_2():
    result = run(*EXAMPLE_1, "--method", "bullet", "--no-such-option")
    assert result.returncode == 2
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--amount", "5万"], "金额不是有效数字"),
        (["--amount", "100.005"], "金额的小数超过2位"),
        (["--amount", "0"], "贷款金额必须大于零"),
        (["--rate", "abc"], "利率不是有效数字"),
        (["--rate", "40"], "年利率"),
        (["--start", "2026/01/31"], "输入一个有效的日期"),
        (["--end", "2026-02-30"], "输入一个有效的日期"),
        (["--end", "2026-01-01"], "到期日2026-01-01必须晚于起始日2026-01-31"),
        (["--settlement-day", "x"], "输入整数"),
        (["--settlement-day", "29"], "结息日必须是每月1日至28日"),
        (["--method", "monthly"], "不是有效的还款方式"),
        (["--method", "custom"], "不能用于此项计算"),
        (["--method", "自定义"], "不能用于此项计算"),
    ],
)
def test_invalid_input_is_refused_with_status_2_and_a_chinese_reason(args, reason):
    options = dict(zip(EXAMPLE_1[::2], EXAMPLE_1[1::2], strict=True)) | {"--method": "bullet"}
    options |= dict(zip(args[::2], args[1::2], strict=True))
    message = refused(*[part for pair in options.items() for part in pair], "--json")
    assert reason in message


def test_a_refusal_from_a_real_process_writes_nothing_on_standard_output():
    result = run(*EXAMPLE_1, "--method", "custom", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "还款方式“自定义”不能用于此项计算。"
