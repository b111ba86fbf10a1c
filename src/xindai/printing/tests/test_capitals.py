"""Amounts in capitals on the printed forms: worked examples, refusals, and a property test
against a strict parser written here independently of the code under test."""

import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindai.printing.capitals import CapitalsError, amount_in_capitals

D = Decimal

EXAMPLES = [
    # the examples
    ("100000.00", "人民币壹拾万元整"),
    ("1005.30", "人民币壹仟零伍元叁角整"),
    ("0.05", "人民币伍分"),
    ("100000001.01", "人民币壹亿零壹元零壹分"),
    ("10.00", "人民币壹拾元整"),
    ("0.00", "人民币零元整"),
    ("1000001.00", "人民币壹佰万零壹元整"),
    ("100010000.00", "人民币壹亿零壹万元整"),
    ("1.05", "人民币壹元零伍分"),
    ("9999999999999.99", "人民币玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # 《支付结算办法》附件一 第四条 examples
    ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    # below one yuan: no 元, no leading 零
    ("0.50", "人民币伍角整"),
    ("0.55", "人民币伍角伍分"),
    ("0.01", "人民币壹分"),
    # 角 without 分 and 分 without 角
    ("12.30", "人民币壹拾贰元叁角整"),
    ("12.03", "人民币壹拾贰元零叁分"),
    ("10.03", "人民币壹拾元零叁分"),
    ("10.30", "人民币壹拾元零叁角整"),
    # 壹拾 wherever 拾 leads a number or a section
    ("15.00", "人民币壹拾伍元整"),
    ("100000.00", "人民币壹拾万元整"),
    ("1000000000.00", "人民币壹拾亿元整"),
    ("110000.00", "人民币壹拾壹万元整"),
    # zeros inside a group and across 万 / 亿
    ("1010.00", "人民币壹仟零壹拾元整"),
    ("1001.00", "人民币壹仟零壹元整"),
    ("10005.00", "人民币壹万零伍元整"),
    ("100700.00", "人民币壹拾万零柒佰元整"),
    ("107000.00", "人民币壹拾万柒仟元整"),
    ("20000000.00", "人民币贰仟万元整"),
    ("100000000.00", "人民币壹亿元整"),
    ("100100000.00", "人民币壹亿零壹拾万元整"),
    ("1001000000.00", "人民币壹拾亿零壹佰万元整"),
    ("1000000000000.00", "人民币壹万亿元整"),
    ("1000100000000.00", "人民币壹万零壹亿元整"),
    ("1000000000001.00", "人民币壹万亿零壹元整"),
    ("1010101010.10", "人民币壹拾亿壹仟零壹拾万壹仟零壹拾元零壹角整"),
    ("123456789012.34", "人民币壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
    # figures this system prints every day
    ("16905.67", "人民币壹万陆仟玖佰零伍元陆角柒分"),
    ("275.50", "人民币贰佰柒拾伍元伍角整"),
    ("50377.00", "人民币伍万零叁佰柒拾柒元整"),
]


@pytest.mark.parametrize(("figures", "capitals"), EXAMPLES)
def test_the_capitals_of_worked_examples(figures: str, capitals: str) -> None:
    assert amount_in_capitals(D(figures)) == capitals


@pytest.mark.parametrize(("figures", "capitals"), EXAMPLES)
def test_the_parser_reads_the_worked_examples(figures: str, capitals: str) -> None:
    assert parse_capitals(capitals) == D(figures)


def test_trailing_zeros_beyond_the_fen_are_not_extra_precision() -> None:
    assert amount_in_capitals(D("1.500")) == "人民币壹元伍角整"
    assert amount_in_capitals(D("10")) == "人民币壹拾元整"
    assert amount_in_capitals(D("1E+3")) == "人民币壹仟元整"
    assert amount_in_capitals(D("-0.00")) == "人民币零元整"


def refusal(value: object) -> CapitalsError:
    with pytest.raises(CapitalsError) as info:
        amount_in_capitals(value)  # type: ignore[arg-type]
    assert str(info.value) == info.value.message % info.value.params
    return info.value


@pytest.mark.parametrize("value", [D("-0.01"), D("-100000")])
def test_negative_amounts_are_refused(value: Decimal) -> None:
    assert refusal(value).code == "negative"


@pytest.mark.parametrize("value", [1.5, 10, "10.00", None, True])
def test_anything_but_a_decimal_is_refused(value: object) -> None:
    error = refusal(value)
    assert error.code == "not_decimal"
    assert type(value).__name__ in str(error)


@pytest.mark.parametrize("value", [D("1.005"), D("0.001"), D("100000.999")])
def test_more_than_two_places_are_refused_not_rounded(value: Decimal) -> None:
    assert refusal(value).code == "too_precise"


@pytest.mark.parametrize("value", [D("10000000000000"), D("9999999999999.991"), D("1E+20")])
def test_amounts_beyond_the_largest_printable_are_refused(value: Decimal) -> None:
    assert refusal(value).code == "too_large"


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), D("sNaN")])
def test_non_numbers_are_refused(value: Decimal) -> None:
    assert refusal(value).code == "not_finite"


def test_the_module_is_pure_python_without_django() -> None:
    code = "import sys, xindai.printing.capitals; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- an independent, strict parser ----------------------------------------------------------
# It reads what a bank clerk reads and refuses text that breaks the writing rules: a missing or
# extra 零, 拾 without 壹, 整 in the wrong place. It shares no code with the module under test.

DIGIT = {c: n for n, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
NONZERO = "壹贰叁肆伍陆柒捌玖"
GROUP = re.compile(rf"(?:([{NONZERO}])仟)?(零)?(?:([{NONZERO}])佰)?(零)?(?:([{NONZERO}])拾)?(零)?([{NONZERO}])?")
FRACTION = re.compile(rf"(?:(零)?([{NONZERO}])角)?(零)?(?:([{NONZERO}])分)?(整)?")


class Malformed(AssertionError):
    pass


def parse_capitals(text: str) -> Decimal:
    if not text.startswith("人民币"):
        raise Malformed(text)
    body = text.removeprefix("人民币")
    if body == "零元整":
        return D("0.00")
    yuan_text, has_yuan, fraction_text = body.rpartition("元") if "元" in body else ("", "", body)
    yuan = parse_integer(yuan_text) if has_yuan else 0
    if has_yuan and yuan == 0:
        raise Malformed(text)
    jiao, fen = parse_fraction(fraction_text, yuan)
    return D(yuan * 100 + jiao * 10 + fen).scaleb(-2)


def parse_integer(text: str) -> int:
    """Splits at the last 亿, then the last 万; the part after a unit starts with 零 exactly
    when it is non-zero and shorter than its section (10005 → 壹万零伍, 107000 → 壹拾万柒仟)."""
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if unit in text:
            high_text, _, low_text = text.rpartition(unit)
            high = parse_integer(high_text)
            low = parse_integer(low_text.removeprefix("零")) if low_text else 0
            if not high or low_text.startswith("零") != (0 < low < size // 10):
                raise Malformed(text)
            return high * size + low
    return parse_group(text)


def parse_group(text: str) -> int:
    match = GROUP.fullmatch(text)
    if not text or not match:
        raise Malformed(text)
    thousands, z1, hundreds, z2, tens, z3, units = match.groups()
    digits = [DIGIT[d] if d else 0 for d in (thousands, hundreds, tens, units)]
    zeros = [bool(z1), bool(z2), bool(z3)]
    # one 零 for each run of zeros between non-zero digits, right after the digit before the run
    for i, zero in enumerate(zeros):
        run_starts_here = digits[i] != 0 and digits[i + 1] == 0
        if zero != (run_starts_here and any(digits[i + 2 :])):
            raise Malformed(text)
    return int("".join(map(str, digits)))


def parse_fraction(text: str, yuan: int) -> tuple[int, int]:
    match = FRACTION.fullmatch(text)
    if not match:
        raise Malformed(text)
    zero_before_jiao, jiao_digit, zero_before_fen, fen_digit, whole = match.groups()
    jiao = DIGIT[jiao_digit] if jiao_digit else 0
    fen = DIGIT[fen_digit] if fen_digit else 0
    expected_zero_before_jiao = bool(jiao and yuan and yuan % 10 == 0)
    expected_zero_before_fen = bool(fen and not jiao and yuan)
    if bool(zero_before_jiao) != expected_zero_before_jiao or bool(zero_before_fen) != expected_zero_before_fen:
        raise Malformed(text)
    if bool(whole) == bool(fen) or (not yuan and not jiao and not fen):
        raise Malformed(text)
    return jiao, fen


def test_the_parser_refuses_what_breaks_the_rules() -> None:
    for text in [
        "壹拾元整",  # no 人民币
        "人民币拾元整",  # 拾 without 壹
        "人民币壹仟零零伍元整",  # two 零
        "人民币壹仟伍元整",  # 零 missing
        "人民币壹拾万零柒仟元整",  # 零 where a 万 group only ends in zeros
        "人民币壹元伍分",  # 零 missing before 分
        "人民币壹元零伍分整",  # 整 after 分
        "人民币壹拾元",  # 整 missing
        "人民币零伍分",  # 零 before a lone 分
        "人民币壹亿壹元整",  # 零 missing across 亿
    ]:
        with pytest.raises(Malformed):
            parse_capitals(text)


fen_amounts = st.integers(0, 999_999_999_999_999).map(lambda cents: D(cents).scaleb(-2))
# Mostly zeros, so that runs of 零 across 万 and 亿 come up often.
sparse_amounts = st.lists(st.sampled_from("0000000123456789"), min_size=1, max_size=15).map(
    lambda digits: D(int("".join(digits))).scaleb(-2)
)


@given(st.one_of(fen_amounts, sparse_amounts))
def test_the_parser_gives_back_every_amount(amount: Decimal) -> None:
    assert parse_capitals(amount_in_capitals(amount)) == amount


@given(st.integers(1, 9_999), st.integers(0, 9))
def test_round_amounts_keep_their_units(leading: int, shift: int) -> None:
    amount = D(leading * 10**shift).quantize(D("0.01"))
    assert parse_capitals(amount_in_capitals(amount)) == amount
