"""Tests for xindai.loans.quality."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from xindai.loans.quality import (
    BUCKET_BOUNDS,
    BUCKET_LABELS,
    CATEGORY_LABELS,
    NPL_CATEGORIES,
    Category,
    OverdueBucket,
    QualityError,
    Thresholds,
    bucket_for,
    npl_ratio,
    suggest_category,
)

D = Decimal
B = OverdueBucket
C = Category


# --- overdue buckets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, B.CURRENT),
        (0, B.CURRENT),
        (1, B.D1_30),
        (30, B.D1_30),
        (31, B.D31_60),
        (60, B.D31_60),
        (61, B.D61_90),
        (90, B.D61_90),
        (91, B.D91_180),
        (180, B.D91_180),
        (181, B.D181_360),
        (360, B.D181_360),
        (361, B.OVER_360),
        (10_000, B.OVER_360),
    ],
)
def test_bucket_for_edges(days, bucket):
    assert bucket_for(days) is bucket


def test_bucket_codes_and_labels():
    assert [b.value for b in B] == [
        "bucket_0",
        "bucket_1_30",
        "bucket_31_60",
        "bucket_61_90",
        "bucket_91_180",
        "bucket_181_360",
        "bucket_over_360",
    ]
    assert [gettext(label) for label in BUCKET_LABELS.values()] == [
        "未逾期",
        "1–30天",
        "31–60天",
        "61–90天",
        "91–180天",
        "181–360天",
        "360天以上",
    ]
    assert list(BUCKET_LABELS) == list(B)
    assert B.D1_30 == "bucket_1_30"


def test_bucket_bounds_are_ordered_data_covering_every_bucket():
    assert [bucket for _, bucket in BUCKET_BOUNDS] == list(B)
    uppers = [upper for upper, _ in BUCKET_BOUNDS]
    assert uppers == [0, 30, 60, 90, 180, 360, None]


@given(st.integers(-1000, 100_000))
def test_bucket_for_agrees_with_bounds(days):
    bucket = bucket_for(days)
    index = list(B).index(bucket)
    upper = BUCKET_BOUNDS[index][0]
    lower = BUCKET_BOUNDS[index - 1][0] if index else None
    assert upper is None or days <= upper
    assert lower is None or days > lower


# --- five-category classification ----------------------------------------------------------


def test_category_codes_labels_and_npl():
    assert [c.value for c in C] == ["normal", "special_mention", "substandard", "doubtful", "loss"]
    assert {category: gettext(label) for category, label in CATEGORY_LABELS.items()} == {
        C.NORMAL: "正常",
        C.SPECIAL_MENTION: "关注",
        C.SUBSTANDARD: "次级",
        C.DOUBTFUL: "可疑",
        C.LOSS: "损失",
    }
    assert NPL_CATEGORIES == {C.SUBSTANDARD, C.DOUBTFUL, C.LOSS}


@pytest.mark.parametrize(
    ("days", "category"),
    [
        (-1, C.NORMAL),
        (0, C.NORMAL),
        (1, C.SPECIAL_MENTION),
        (90, C.SPECIAL_MENTION),
        (91, C.SUBSTANDARD),
        (270, C.SUBSTANDARD),
        (271, C.DOUBTFUL),
        (360, C.DOUBTFUL),
        (361, C.LOSS),
        (5000, C.LOSS),
    ],
)
def test_suggest_category_default_edges(days, category):
    assert suggest_category(days) is category
    assert suggest_category(days, Thresholds()) is category


@pytest.mark.parametrize(
    ("days", "category"),
    [
        (0, C.NORMAL),
        (1, C.SPECIAL_MENTION),
        (90, C.SPECIAL_MENTION),
        (91, C.SUBSTANDARD),
        (180, C.SUBSTANDARD),
        (181, C.DOUBTFUL),
        (270, C.DOUBTFUL),
        (271, C.DOUBTFUL),
        (360, C.DOUBTFUL),
        (361, C.LOSS),
    ],
)
def test_suggest_category_substandard_tightened_to_180(days, category):
    assert suggest_category(days, Thresholds(substandard_max=180)) is category


@pytest.mark.parametrize(
    ("days", "category"),
    [
        (0, C.NORMAL),
        (1, C.SPECIAL_MENTION),
        (60, C.SPECIAL_MENTION),
        (61, C.SUBSTANDARD),
        (180, C.SUBSTANDARD),
        (181, C.DOUBTFUL),
        (300, C.DOUBTFUL),
        (301, C.LOSS),
        (361, C.LOSS),
    ],
)
def test_suggest_category_all_tightened(days, category):
    thresholds = Thresholds(special_mention_max=60, substandard_max=180, doubtful_max=300)
    assert suggest_category(days, thresholds) is category


@given(st.integers(-100, 2000))
def test_tightening_never_gives_a_better_category(days):
    order = list(C)
    tight = Thresholds(special_mention_max=30, substandard_max=90, doubtful_max=180)
    assert order.index(suggest_category(days, tight)) >= order.index(suggest_category(days))


# --- thresholds validation -----------------------------------------------------------------


def test_default_and_tightened_thresholds_are_valid():
    Thresholds().validate()
    Thresholds(substandard_max=180).validate()
    Thresholds(special_mention_max=1, substandard_max=2, doubtful_max=3).validate()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"special_mention_max": 91}, "thresholds_loosened"),
        ({"substandard_max": 271}, "thresholds_loosened"),
        ({"doubtful_max": 361}, "thresholds_loosened"),
        ({"substandard_max": 90}, "thresholds_order"),
        ({"substandard_max": 80}, "thresholds_order"),
        ({"doubtful_max": 270}, "thresholds_order"),
        ({"special_mention_max": 0}, "thresholds_order"),
        ({"special_mention_max": -5}, "thresholds_order"),
        ({"special_mention_max": 30.0}, "thresholds_invalid"),
        ({"doubtful_max": True}, "thresholds_invalid"),
    ],
)
def test_invalid_thresholds(kwargs, code):
    thresholds = Thresholds(**kwargs)
    with pytest.raises(QualityError) as exc:
        thresholds.validate()
    assert exc.value.code == code
    assert str(exc.value)  # the message formats with its params
    with pytest.raises(QualityError):
        suggest_category(10, thresholds)


def test_loosened_message_names_the_limit():
    with pytest.raises(QualityError) as exc:
        Thresholds(doubtful_max=400).validate()
    assert exc.value.params == {"name": "doubtful_max", "maximum": 360, "value": 400}
    assert "360" in str(exc.value) and "400" in str(exc.value)


# --- NPL ratio -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("npl", "total", "ratio"),
    [
        ("123.00", "10000.00", "0.0123"),
        ("0.00", "10000.00", "0.0000"),
        ("10000.00", "10000.00", "1.0000"),
        ("1.00", "3.00", "0.3333"),
        ("2.00", "3.00", "0.6667"),
        # 1.5 / 20000 = 0.000075 → 0.0001 (half-up); 0.5 / 20000 = 0.000025 → 0.0000
        ("1.50", "20000.00", "0.0001"),
        ("0.50", "20000.00", "0.0000"),
        # 0.00005 exactly → 0.0001 (half-even would give 0.0000)
        ("1.00", "20000.00", "0.0001"),
        ("0.00", "0.00", "0.0000"),
    ],
)
def test_npl_ratio(npl, total, ratio):
    result = npl_ratio(D(npl), D(total))
    assert result == D(ratio)
    assert result.as_tuple().exponent == -4


@pytest.mark.parametrize(
    ("npl", "total", "code"),
    [
        (D("2.00"), D("1.00"), "npl_exceeds_total"),
        (D("-1.00"), D("1.00"), "invalid_principal"),
        (D("1.00"), D("-1.00"), "invalid_principal"),
        (0.5, D("1.00"), "invalid_principal"),
        (D("NaN"), D("1.00"), "invalid_principal"),
    ],
)
def test_npl_ratio_errors(npl, total, code):
    with pytest.raises(QualityError) as exc:
        npl_ratio(npl, total)
    assert exc.value.code == code


@pytest.mark.django_db
@given(st.integers(-400, 2000))
def test_the_report_sql_buckets_and_classes_days_as_python_does(days):
    from django.db import connection

    from xindai.loans.quality import bucket_sql, category_sql, suggest_category

    thresholds = Thresholds(60, 180, 300)
    with connection.cursor() as cursor:
        sql = f"SELECT {bucket_sql('d')}, {category_sql('d', thresholds)} FROM (SELECT %s AS d) t"  # noqa: S608
        cursor.execute(sql, [days])
        bucket, category = cursor.fetchone()
    assert (bucket, category) == (bucket_for(days).value, suggest_category(days, thresholds).value)
