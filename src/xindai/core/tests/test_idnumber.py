from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindai.core.idnumber import (
    Gender,
    IdNumber,
    IdNumberError,
    check_character,
    check_gender,
    gender_from_id,
    mask_id_number,
    normalize_id_number,
    parse_id_number,
)

TODAY = date(2026, 3, 20)


def independent_check(first17: str) -> str:
    """Check character computed from first principles: weight of position i is 2^(17-i) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def make(region: str = "620702", birth: str = "19900101", seq: str = "123") -> str:
    first17 = region + birth + seq
    return first17 + independent_check(first17)


VALID = make()  # 620702 19900101 123 + check
FEMALE = make(seq="122")


def codes(value: object, **kwargs: object) -> str:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(value, **kwargs)
    return info.value.code


# --- known numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "check"),
    [
        ("11010519491231002X", "X"),  # example from GB 11643-1999
        ("440524188001010014", "4"),  # example from GB 11643-1999
    ],
)
def test_standard_examples(number: str, check: str) -> None:
    assert check_character(number[:17]) == check


def test_check_character_matches_independent_formula() -> None:
    for first17 in ["62070219900101123", "11010519491231002", "00000000000000000"]:
        assert check_character(first17) == independent_check(first17)


def test_check_character_rejects_wrong_input() -> None:
    with pytest.raises(IdNumberError):
        check_character("1234")
    with pytest.raises(IdNumberError):
        check_character("1101051949123100X")


def test_parse_valid() -> None:
    parsed = parse_id_number(VALID, today=TODAY)
    assert parsed == IdNumber(VALID, date(1990, 1, 1), Gender.MALE, "620702")
    assert parse_id_number(FEMALE, today=TODAY).gender is Gender.FEMALE


def test_parse_x_check_character() -> None:
    parsed = parse_id_number("11010519491231002X", today=TODAY)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.gender is Gender.FEMALE  # 17th digit 2
    assert parsed.region_code == "110105"


def test_parse_without_today_uses_current_date() -> None:
    assert parse_id_number(VALID).birth_date == date(1990, 1, 1)


# --- normalisation -----------------------------------------------------------------------


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "raw",
    [
        to_fullwidth("11010519491231002X"),
        "１１０１０５１９４９１２３１００２ｘ",
        "110105 19491231 002x",
        "\t11010519491231002X\t",
        "  11010519491231002x\n",
        "110105\u300019491231\u3000002X",
        "110105\u00a019491231\u202f002X",
        "110105-19491231-002X",
        "110105－19491231－002X",
        "\ufeff11010519491231002X\u200b",
        "'11010519491231002X",
    ],
)
def test_awkward_input_is_normalised(raw: str) -> None:
    assert normalize_id_number(raw) == "11010519491231002X"
    assert parse_id_number(raw, today=TODAY).number == "11010519491231002X"


def test_normalize_does_not_validate() -> None:
    assert normalize_id_number("abc") == "abc"
    assert normalize_id_number("") == ""


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000\t"])
def test_empty(value: object) -> None:
    assert codes(value) == "empty"


@pytest.mark.parametrize(
    "value",
    [
        620702199001011000,
        620702199001011234,  # even an intact int: a number cell cannot be trusted
        6.20702199001011e17,
        Decimal("620702199001011000"),
        "6.20702E+17",
        "6.20702e+17",
        "6.20702199001011E+17",
        "６．２０７０２Ｅ＋１７",
        "620702199001011000.0",
        "620702199001011000.",
        "6207021990010110.0",
    ],
)
def test_stored_as_number(value: object) -> None:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(value, today=TODAY)
    assert info.value.code == "stored_as_number"
    assert "text" in str(info.value)
    assert "620702" not in str(info.value)  # never echo or guess a number


def test_old_15_digit_number() -> None:
    with pytest.raises(IdNumberError) as info:
        parse_id_number("620702900101123", today=TODAY)
    assert info.value.code == "old_format"
    assert "18-digit" in str(info.value)


@pytest.mark.parametrize(("value", "length"), [(VALID[:17], 17), (VALID + "1", 19), ("1234", 4)])
def test_wrong_length(value: str, length: int) -> None:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(value, today=TODAY)
    assert info.value.code == "wrong_length"
    assert info.value.params == {"length": length}
    assert f"{length} characters" in str(info.value)


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("6207021990O1011234", "O"),
        ("62070219900101123Y", "Y"),
        ("620702.19900101123", "."),
        ("ABC", "A B C"),
        (True, "T e r u"),
    ],
)
def test_invalid_characters(value: object, bad: str) -> None:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(value, today=TODAY)
    assert info.value.code == "invalid_characters"
    assert info.value.params["characters"] == bad


def test_x_not_last() -> None:
    assert codes("62070219900101X234", today=TODAY) == "invalid_characters"


def test_leap_day() -> None:
    assert parse_id_number(make(birth="20000229"), today=TODAY).birth_date == date(2000, 2, 29)
    assert parse_id_number(make(birth="19960229"), today=TODAY).birth_date == date(1996, 2, 29)
    with pytest.raises(IdNumberError) as info:
        parse_id_number(make(birth="19990229"), today=TODAY)
    assert info.value.code == "invalid_birth_date"
    assert info.value.params == {"date": "1999-02-29"}
    assert codes(make(birth="19000229"), today=TODAY) == "invalid_birth_date"  # 1900 not leap


@pytest.mark.parametrize("birth", ["19901301", "19900001", "19900100", "19900431", "00000000"])
def test_impossible_birth_dates(birth: str) -> None:
    assert codes(make(birth=birth), today=TODAY) == "invalid_birth_date"


def test_future_and_too_early_birth_dates() -> None:
    assert parse_id_number(make(birth="20260320"), today=TODAY).birth_date == TODAY
    assert codes(make(birth="20260321"), today=TODAY) == "birth_date_in_future"
    assert codes(make(birth="18991231"), today=TODAY) == "birth_date_too_early"
    assert parse_id_number(make(birth="19000101"), today=TODAY).birth_date == date(1900, 1, 1)


def test_wrong_check_character_does_not_reveal_the_right_one() -> None:
    right = VALID[17]
    for wrong in "0123456789X":
        if wrong == right:
            continue
        with pytest.raises(IdNumberError) as info:
            parse_id_number(VALID[:17] + wrong, today=TODAY)
        assert info.value.code == "check_character"
        assert info.value.params == {}
        assert "typing error" in str(info.value)


def test_wrong_check_character_ending_000_mentions_spreadsheet() -> None:
    number = "620702199001011000"
    assert check_character(number[:17]) != "0"
    with pytest.raises(IdNumberError) as info:
        parse_id_number(number, today=TODAY)
    assert info.value.code == "check_character"
    assert "spreadsheet" in str(info.value)


def test_error_is_a_value_error_with_translatable_parts() -> None:
    with pytest.raises(ValueError, match="18") as info:
        parse_id_number("1234")
    err = info.value
    assert isinstance(err, IdNumberError)
    assert str(err) == err.message % err.params
    assert "%(length)d" in err.message


# --- gender --------------------------------------------------------------------------------


def test_gender_from_id() -> None:
    assert gender_from_id(VALID) is Gender.MALE
    assert gender_from_id(FEMALE) is Gender.FEMALE
    assert gender_from_id("１１０１０５１９４９１２３１００２ｘ") is Gender.FEMALE
    with pytest.raises(IdNumberError):
        gender_from_id("123")


def test_check_gender() -> None:
    check_gender(VALID, Gender.MALE)
    check_gender(VALID, "male")
    check_gender(VALID, None)
    check_gender(FEMALE, Gender.FEMALE)
    with pytest.raises(IdNumberError) as info:
        check_gender(VALID, Gender.FEMALE)
    assert info.value.code == "gender_mismatch"
    assert "man" in str(info.value)
    assert info.value.params == {"gender": "female", "id_gender": "male"}
    with pytest.raises(IdNumberError) as info:
        check_gender(FEMALE, "male")
    assert "woman" in str(info.value)


# --- masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("62070219900101123X", "6207**********123X"),
        ("62070219900101123x", "6207**********123X"),
        ("620702900101123", "6207*******1123"),
        ("123456789012", "1234****9012"),
        ("12345678", "12****78"),
        ("123", "1*3"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask(value: object, masked: str) -> None:
    assert mask_id_number(value) == masked


# --- properties ----------------------------------------------------------------------------

birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@given(
    region=st.from_regex(r"\A[0-9]{6}\Z"),
    birth=birth_dates,
    seq=st.from_regex(r"\A[0-9]{3}\Z"),
    position=st.integers(0, 17),
    delta=st.integers(1, 10),
)
def test_valid_numbers_parse_and_single_changes_fail(
    region: str, birth: date, seq: str, position: int, delta: int
) -> None:
    number = make(region, birth.strftime("%Y%m%d"), seq)
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.gender == (Gender.MALE if int(seq[2]) % 2 else Gender.FEMALE)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    changed = alphabet[(old + delta) % len(alphabet)]
    if changed == number[position]:
        return
    broken = number[:position] + changed + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(broken, today=TODAY)


@given(birth=birth_dates, seq=st.from_regex(r"\A[0-9]{3}\Z"))
def test_adjacent_transpositions_are_detected(birth: date, seq: str) -> None:
    number = make("620702", birth.strftime("%Y%m%d"), seq)
    for i in range(16):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            with pytest.raises(IdNumberError):
                parse_id_number(swapped, today=TODAY + timedelta(days=365 * 200))


def test_messages_are_sentences_without_stray_percent_signs() -> None:
    from xindai.core import idnumber

    for name in dir(idnumber):
        if name.startswith("MSG_"):
            message = getattr(idnumber, name)
            assert message.endswith("."), name
            if "%(" not in message:
                assert "%" not in message, name  # shown untouched when params are empty
