from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindai.core.phone import (
    PhoneError,
    call_seconds,
    mask_mobile,
    normalize_mobile,
    parse_landline,
    parse_mobile,
    sms_segments,
)

# --- mobile --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "\t13812345678\n",
        "１３８１２３４５６７８",
        "１３８　１２３４　５６７８",
        "+86 138 1234 5678",
        "+86-13812345678",
        "(+86) 13812345678",
        "（＋８６）１３８１２３４５６７８",
        "008613812345678",
        "0086 138 1234 5678",
        "8613812345678",
        "86 13812345678",
        "138.1234.5678",
        "13812345678.0",
        "138\u00a01234\u00a05678",
    ],
)
def test_normalize_and_parse_mobile(raw: str) -> None:
    assert normalize_mobile(raw) == "13812345678"
    assert parse_mobile(raw) == "13812345678"


def test_86_is_only_dropped_as_a_country_code() -> None:
    assert normalize_mobile("86123456789") == "86123456789"  # 11 digits: not a prefix
    assert normalize_mobile("861381234567") == "861381234567"  # 12 digits: unclear, kept


@pytest.mark.parametrize(
    "value",
    [13812345678, 13812345678.0, Decimal("13812345678"), Decimal("13812345678.00")],
)
def test_mobile_from_spreadsheet_numbers(value: object) -> None:
    assert parse_mobile(value) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_all_mobile_prefixes(prefix: str) -> None:
    assert parse_mobile(prefix + "012345678"[:9]) == prefix + "012345678"


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", "()", " - "])
def test_mobile_empty(value: object) -> None:
    with pytest.raises(PhoneError) as info:
        parse_mobile(value)
    assert info.value.code == "empty"


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",  # 12 is not a mobile prefix
        "23812345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "1381234567O",  # letter O
        "138 1234 567a",
        "0936-8212345",
        "1.38123E+10",  # scientific rendering lost digits
        13812345678.5,
        True,
        "٣٨١٢٣٤٥٦٧٨١",  # Arabic-Indic digits are not accepted as digits
    ],
)
def test_mobile_invalid(value: object) -> None:
    with pytest.raises(PhoneError) as info:
        parse_mobile(value)
    assert info.value.code == "invalid"
    assert "11 digits" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == info.value.message % info.value.params


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_every_valid_mobile_round_trips_through_formatting(number: str) -> None:
    spaced = f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    assert parse_mobile(spaced) == number
    assert parse_mobile(int(number)) == number
    masked = mask_mobile(number)
    assert masked == number[:3] + "****" + number[7:]


# --- landline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0936-8212345", "0936-8212345"),
        ("0936 8212345", "0936-8212345"),
        ("(0936)8212345", "0936-8212345"),
        ("（０９３６）８２１２３４５", "0936-8212345"),
        ("０９３６－８２１２３４５", "0936-8212345"),
        ("09368212345", "0936-8212345"),
        ("0936-821-2345", "0936-8212345"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("02112345678", "021-12345678"),
        ("093182123456", "0931-82123456"),
        ("8212345", "8212345"),
        ("821 2345", "8212345"),
        ("82123456", "82123456"),
        (8212345, "8212345"),
        (8212345.0, "8212345"),
        ("8212345.0", "8212345"),
        ("4008888888", "4008888888"),  # service number without area code
        ("13812345678", "13812345678"),  # lenient: a mobile in the landline field
    ],
)
def test_parse_landline(raw: object, expected: str) -> None:
    assert parse_landline(raw) == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_landline_empty(value: object) -> None:
    with pytest.raises(PhoneError) as info:
        parse_landline(value)
    assert info.value.code == "empty"


@pytest.mark.parametrize(
    "value",
    ["123456", "1234567890123", "0936-123", "0936-123456789", "0936-82a2345", "转801", "0936-"],
)
def test_landline_invalid(value: str) -> None:
    with pytest.raises(PhoneError) as info:
        parse_landline(value)
    assert info.value.code == "invalid"
    assert "0936-8212345" in str(info.value)


# --- masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        (13812345678, "138****5678"),
        ("0936-8212345", "093****2345"),
        ("8212345", "82***45"),
        ("12345", "1***5"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_mobile(value: object, masked: str) -> None:
    assert mask_mobile(value) == masked


# --- SMS segments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "parts"),
    [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_sms_segments_chinese(length: int, parts: int) -> None:
    assert sms_segments("贷" * length) == parts


def test_sms_segments_ascii_counts_the_same() -> None:
    assert sms_segments("a" * 70) == 1
    assert sms_segments("a" * 71) == 2


def test_sms_segments_real_message() -> None:
    text = "【甘州农商银行】尊敬的张三，您的贷款将于2026-03-20到期，应还本息12,345.60元，请按时还款。"
    assert len(text) <= 70
    assert sms_segments(text) == 1


def test_sms_segments_astral_characters_count_twice() -> None:
    emoji = "\U0001f600"
    assert sms_segments(emoji) == 1
    assert sms_segments("贷" * 68 + emoji) == 1  # 70 units
    assert sms_segments("贷" * 69 + emoji) == 2  # 71 units
    assert sms_segments("贷" * 66 + emoji + "贷" * 65) == 2  # 66 | 2 + 65
    # 134 units would fit 2 x 67, but a surrogate pair is never split across parts
    assert sms_segments("贷" * 66 + emoji + "贷" * 66) == 3


@given(st.text(max_size=400))
def test_sms_segments_bounds(text: str) -> None:
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    parts = sms_segments(text)
    if units == 0:
        assert parts == 0
    elif units <= 70:
        assert parts == 1
    else:
        assert -(-units // 67) <= parts <= -(-units // 66)


def test_messages_are_sentences_without_stray_percent_signs() -> None:
    from xindai.core import phone

    for name in dir(phone):
        if name.startswith("MSG_"):
            message = getattr(phone, name)
            assert message.endswith("."), name
            assert "%" not in message, name


# --- call length ---------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "seconds"), [(0, 0), (1, 1), (4, 1), (5, 2), (80, 20), (81, 21)])
def test_call_seconds_reads_four_characters_a_second(length: int, seconds: int) -> None:
    assert call_seconds("贷" * length) == seconds
