import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindai.core import money
from xindai.core.money import (
    CENT,
    MoneyError,
    amount_in_words,
    format_amount,
    parse_amount,
    parse_rate,
    round_money,
)

D = Decimal


def code_of(call, value, **kwargs) -> str:  # noqa: ANN001
    with pytest.raises(MoneyError) as info:
        call(value, **kwargs)
    assert str(info.value) == info.value.message % info.value.params
    return info.value.code


# --- round_money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1.005"), "1.01"),  # half-up, not banker's rounding
        (D("1.015"), "1.02"),
        (D("1.025"), "1.03"),
        (D("2.675"), "2.68"),  # the classic float trap: Decimal has no such problem
        (D("1.004999"), "1.00"),
        (D("-1.005"), "-1.01"),
        (D("-0.004"), "0.00"),  # never -0.00
        (D("0.00"), "0.00"),
        (5, "5.00"),
        ("12.345", "12.35"),
        (" 7 ", "7.00"),
        (D("9999999999999.995"), "10000000000000.00"),
    ],
)
def test_round_money(value: object, expected: str) -> None:
    result = round_money(value)
    assert str(result) == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [1.5, 0.1, True, None, [1]])
def test_round_money_refuses_float_and_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        round_money(value)


def test_round_money_bad_string() -> None:
    assert code_of(round_money, "abc") == "invalid"


def test_cent() -> None:
    assert D("0.01") == CENT


# --- parse_amount --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345.60", "12345.60"),
        ("12,345.60", "12345.60"),
        ("12，345.60", "12345.60"),
        ("１２，３４５．６０", "12345.60"),
        ("1,234,567", "1234567.00"),
        (" 12345.6 ", "12345.60"),
        ("12 345.60", "12345.60"),
        ("12\u3000345.60", "12345.60"),
        ("12\u00a0345.60", "12345.60"),
        ("¥12,345.60", "12345.60"),
        ("￥12,345.60", "12345.60"),
        ("¥ 100 元", "100.00"),
        ("50000元", "50000.00"),
        ("５００００元", "50000.00"),
        ("100.", "100.00"),
        (".5", "0.50"),
        ("0", "0.00"),
        ("-0", "0.00"),
        ("+100", "100.00"),
        ("1.500", "1.50"),  # trailing zeros lose nothing
        (100000, "100000.00"),
        (D("100000"), "100000.00"),
        (D("0.1"), "0.10"),
        (1234.56, "1234.56"),  # a spreadsheet cell
        (0.1, "0.10"),
        (100000.0, "100000.00"),
        (16905.67, "16905.67"),
        (99999999999.99, "99999999999.99"),
    ],
)
def test_parse_amount(value: object, expected: str) -> None:
    result = parse_amount(value)
    assert str(result) == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000", "\t\n"])
def test_parse_amount_empty(value: object) -> None:
    assert code_of(parse_amount, value) == "empty"


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "10万",
        "十万",
        "1,23",  # a decimal comma typed for 1.23 must never become 123
        "1,2345",
        "1234,567",
        "1.234,56",
        "1..2",
        "12.34.56",
        ".",
        "¥",
        "元",
        "1e5",
        "NaN",
        "Infinity",
        "(123.45)",
        "12-34",
        True,
        float("nan"),
        float("inf"),
        D("NaN"),
        [100],
    ],
)
def test_parse_amount_invalid(value: object) -> None:
    assert code_of(parse_amount, value) == "invalid"


@pytest.mark.parametrize("value", ["-1", "-¥100", "¥-100", "－１００元", -5, D("-0.01"), -1.5])
def test_parse_amount_negative(value: object) -> None:
    assert code_of(parse_amount, value) == "negative"


@pytest.mark.parametrize("value", ["12.345", "0.001", "1,234.567", D("1.005"), 0.001, 1234.5600000000002, 0.1 + 0.2])
def test_parse_amount_too_precise(value: object) -> None:
    assert code_of(parse_amount, value) == "too_precise"


@pytest.mark.parametrize("value", [D("1E+20"), 10**17, "10000000000000000", 1e17])
def test_parse_amount_too_large(value: object) -> None:
    assert code_of(parse_amount, value) == "too_large"


# --- parse_rate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4.35", "4.3500"),
        ("4.35%", "4.3500"),
        ("4.35 %", "4.3500"),
        ("４．３５％", "4.3500"),
        (" 5.22 ", "5.2200"),
        ("4.3500", "4.3500"),
        ("3.4875", "3.4875"),
        ("0", "0.0000"),
        ("-0", "0.0000"),
        ("100", "100.0000"),
        (D("4.9"), "4.9000"),
        (4, "4.0000"),
        (4.35, "4.3500"),
        (5.22, "5.2200"),
    ],
)
def test_parse_rate(value: object, expected: str) -> None:
    assert str(parse_rate(value)) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "empty"),
        ("", "empty"),
        ("%", "invalid"),
        ("abc", "invalid"),
        ("4,35", "invalid"),
        ("4.35‰", "invalid"),
        (True, "invalid"),
        ("-4.35", "negative"),
        ("4.35001", "too_precise"),
        (4.350001, "too_precise"),
        ("435", "too_high"),
        ("100.0001", "too_high"),
        (D("1E+30"), "too_high"),
        ("0.0435", "looks_like_fraction"),
        (0.0435, "looks_like_fraction"),  # an Excel cell formatted as 4.35%
        ("0.29", "looks_like_fraction"),
    ],
)
def test_parse_rate_errors(value: object, code: str) -> None:
    assert code_of(parse_rate, value) == code


def test_parse_rate_options() -> None:
    assert parse_rate("0.0435", allow_tiny=True) == D("0.0435")
    assert parse_rate("0.3") == D("0.3")
    assert parse_rate("150", maximum=D(200)) == D("150")
    assert code_of(parse_rate, "30", maximum=D(24)) == "too_high"


def test_rate_messages_show_percent_signs() -> None:
    with pytest.raises(MoneyError) as info:
        parse_rate("435")
    assert str(info.value).startswith("The annual interest rate of 435% is above 100%.")


# --- format_amount -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("12345.6"), "12,345.60"),
        (D("-12345.6"), "-12,345.60"),
        (D("0"), "0.00"),
        (D("-0.001"), "0.00"),
        (D("999.995"), "1,000.00"),
        (D("1234567890.12"), "1,234,567,890.12"),
        (D("0.5"), "0.50"),
        (100, "100.00"),
    ],
)
def test_format_amount(value: Decimal, expected: str) -> None:
    assert format_amount(value) == expected


def test_format_amount_refuses_float() -> None:
    with pytest.raises(TypeError):
        format_amount(1.5)  # type: ignore[arg-type]


# --- amount_in_words -----------------------------------------------------------------------

WORD_CASES = [
    ("100000", "壹拾万元整"),
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.05", "伍分"),
    ("0.5", "伍角整"),
    ("0.55", "伍角伍分"),
    ("1.05", "壹元零伍分"),
    ("1.5", "壹元伍角整"),
    ("10.5", "壹拾元零伍角整"),
    ("10.05", "壹拾元零伍分"),
    ("10", "壹拾元整"),
    ("15", "壹拾伍元整"),
    ("1010", "壹仟零壹拾元整"),
    ("10005", "壹万零伍元整"),
    ("100010000", "壹亿零壹万元整"),
    ("1000000000", "壹拾亿元整"),
    ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
    ("100000.07", "壹拾万元零柒分"),
    ("20000000.00", "贰仟万元整"),
    ("1000001", "壹佰万零壹元整"),
    # examples of the PBOC 《支付结算办法》 writing rules
    ("1409.50", "壹仟肆佰零玖元伍角整"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    # more zero placements
    ("100700", "壹拾万零柒佰元整"),
    ("110000", "壹拾壹万元整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("1001000000", "壹拾亿零壹佰万元整"),
    ("1010101010.10", "壹拾亿壹仟零壹拾万壹仟零壹拾元零壹角整"),
    ("16905.67", "壹万陆仟玖佰零伍元陆角柒分"),
    ("1000000000000", "壹万亿元整"),
    ("1000100000000", "壹万零壹亿元整"),
    ("9999999999999.99", "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # rounding and sign
    ("1.005", "壹元零壹分"),
    ("0.995", "壹元整"),
    ("-10.5", "负壹拾元零伍角整"),
    ("-0.004", "零元整"),
]


@pytest.mark.parametrize(("value", "expected"), WORD_CASES)
def test_amount_in_words(value: str, expected: str) -> None:
    assert amount_in_words(D(value)) == expected


def test_amount_in_words_accepts_int_and_refuses_float() -> None:
    assert amount_in_words(10) == "壹拾元整"
    with pytest.raises(TypeError):
        amount_in_words(10.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["10000000000000", "9999999999999.995", "-10000000000000"])
def test_amount_in_words_too_large(value: str) -> None:
    assert code_of(amount_in_words, D(value)) == "too_large"


# An independent reader of capital amounts, used to check amount_in_words both ways.
CAPITAL_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def read_capitals(words: str) -> Decimal:
    negative = words.startswith("负")
    words = words.removeprefix("负").removesuffix("整")
    integer, _, fraction = words.rpartition("元") if "元" in words else ("", "", words)
    cents = read_integer(integer) * 100
    for digit, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([角分])", fraction):
        cents += CAPITAL_DIGITS[digit] * (10 if unit == "角" else 1)
    value = Decimal(cents) / 100
    return -value if negative else value


def read_integer(words: str) -> int:
    done, wan, group, digit = 0, 0, 0, 0
    for char in words:
        if char in CAPITAL_DIGITS:
            digit = CAPITAL_DIGITS[char]
        elif char in SMALL:
            group, digit = group + digit * SMALL[char], 0
        elif char == "万":
            wan, group, digit = wan + (group + digit) * 10_000, 0, 0
        elif char == "亿":
            done, wan, group, digit = (done + wan + group + digit) * 10**8, 0, 0, 0
        else:
            raise AssertionError(f"unexpected {char!r} in {words!r}")
    return done + wan + group + digit


def check_well_formed(words: str) -> None:
    body = words.removeprefix("负")
    assert "零零" not in body
    assert not re.search(r"零[元万亿角分整]", body) or body == "零元整"
    assert not re.search(r"(^|[^壹贰叁肆伍陆柒捌玖])拾", body), "拾 needs its digit (壹拾)"
    assert body.endswith("分") != body.endswith("整")


def test_reader_reads_known_cases() -> None:
    for value, words in WORD_CASES:
        assert read_capitals(words) == round_money(D(value))


cents_amounts = st.integers(0, 99_999_999_999_999).map(lambda c: Decimal(c).scaleb(-2))


@given(cents_amounts)
def test_amount_in_words_round_trip(value: Decimal) -> None:
    words = amount_in_words(value)
    check_well_formed(words)
    assert read_capitals(words) == value


@given(st.integers(0, 999_999_999_999_999).map(lambda c: Decimal(c).scaleb(-2)), st.booleans())
def test_amount_in_words_round_trip_full_range(value: Decimal, negative: bool) -> None:
    signed = -value if negative else value
    words = amount_in_words(signed)
    check_well_formed(words)
    assert read_capitals(words) == (signed if value else value)


@given(st.integers(1, 9_999).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, 8))))
def test_round_numbers_use_the_right_units(case: tuple[int, int]) -> None:
    n, shift = case
    value = Decimal(n * 10**shift)
    assert read_capitals(amount_in_words(value)) == value


# --- messages ------------------------------------------------------------------------------


def test_every_message_formats_with_and_without_placeholders() -> None:
    """The Django layer applies params only when there are some: a message without
    placeholders must therefore contain no % at all."""
    for name in dir(money):
        if name.startswith("MSG_"):
            message = getattr(money, name)
            if "%(" not in message:
                assert "%" not in message, name
            assert message.endswith("."), name
