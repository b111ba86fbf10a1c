"""Days overdue and the five-category classification (五级分类) in SQL, and setting it by hand.

OLD: 10,000.00 at 4.35 %, 2025-01-01 → 2025-04-01, 利随本清: one installment due 2025-04-01, so
as of 2025-04-01 + n days the loan is n days overdue. Defaults (《商业银行金融资产风险分类办法》):
正常 0, 关注 1–90, 次级 91–270, 可疑 271–360, 损失 over 360.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.core.system_settings import system_settings_update
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Loan
from xindai.loans.quality import Category, Thresholds, suggest_category
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import classification, services
from xindai.repayments.models import ClassificationChange

D = Decimal
DUE = date(2025, 4, 1)
C = Category


def _loan(world, iou, **terms):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    return make_loan(
        world.admin, customer, world.officer_a, iou_number=iou, loan_type=loan_type("农户小额信用贷款"), **terms
    )


@pytest.fixture
def old(world):
    return _loan(
        world,
        "OLD",
        amount=D("10000.00"),
        annual_rate=D("4.35"),
        start_date=date(2025, 1, 1),
        end_date=DUE,
        method="bullet",
    )


@pytest.fixture
def two(world):
    """2,000.00 at 6.00 %, 2025-01-10 → 2025-03-10, 等额本金: 1,000 due 02-10 and 1,000 due 03-10."""
    return _loan(
        world,
        "TWO",
        amount=D("2000.00"),
        annual_rate=D("6.00"),
        start_date=date(2025, 1, 10),
        end_date=date(2025, 3, 10),
        method="equal_principal",
    )


def classify(loan, as_of, thresholds=None):
    row = classification.with_classification(Loan.objects.system("tests").filter(pk=loan.pk), as_of, thresholds).get()
    return row.days_overdue, row.suggested_category, row.category


@pytest.mark.parametrize(
    ("days", "category"),
    [
        (-10, C.NORMAL),  # not yet due
        (0, C.NORMAL),  # due today: overdue from the day after
        (1, C.SPECIAL_MENTION),
        (90, C.SPECIAL_MENTION),
        (91, C.SUBSTANDARD),
        (270, C.SUBSTANDARD),
        (271, C.DOUBTFUL),
        (360, C.DOUBTFUL),
        (361, C.LOSS),
    ],
)
def test_days_overdue_and_suggestion_at_the_regulatory_edges(old, days, category):
    assert classify(old, DUE + timedelta(days=days)) == (max(days, 0), category, category)


@pytest.mark.parametrize(
    ("days", "category"),
    [(90, C.SPECIAL_MENTION), (91, C.SUBSTANDARD), (180, C.SUBSTANDARD), (181, C.DOUBTFUL), (361, C.LOSS)],
)
def test_tightened_thresholds_move_181_days_to_doubtful(old, days, category):
    assert classify(old, DUE + timedelta(days=days), Thresholds(90, 180, 360))[1] == category


def test_the_thresholds_in_the_system_settings_are_the_default(world, old, committed):
    as_of = DUE + timedelta(days=181)
    assert classify(old, as_of)[1] == C.SUBSTANDARD
    with committed():  # the cached settings are dropped on commit
        system_settings_update(actor=world.admin, substandard_max=180)
    assert classify(old, as_of)[1] == C.DOUBTFUL


def test_a_loans_days_overdue_are_those_of_its_oldest_unpaid_overdue_installment(two):
    # 02-10 → 04-09: 18 + 31 + 9 = 58 days (the 03-10 installment is only 30 days overdue)
    assert classify(two, date(2025, 4, 9)) == (58, C.SPECIAL_MENTION, C.SPECIAL_MENTION)
    # between the two due dates only the first is overdue: 02-10 → 03-05 = 23 days
    assert classify(two, date(2025, 3, 5))[0] == 23


def test_a_settled_installment_no_longer_counts(world, two):
    first, second = two.installments.order_by("period")
    services.repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=None, paid_on=date(2025, 3, 1))
    # As of a date before it was settled, the first installment still counts: 02-10 → 02-20 = 10
    assert classify(two, date(2025, 2, 20))[0] == 10
    # After 03-01 only the second counts: 03-10 → 03-20 = 10, → 04-09 = 30
    assert classify(two, date(2025, 3, 20))[0] == 10
    assert classify(two, date(2025, 4, 9))[0] == 30
    # As of today (the running-totals path): from 03-10
    today = timezone.localdate()
    assert classify(two, today)[0] == (today - date(2025, 3, 10)).days
    services.repayment_confirm(actor=world.officer_a, installment_id=second.pk, amount=None, paid_on=date(2025, 4, 9))
    assert classify(two, today) == (0, C.NORMAL, C.NORMAL)
    assert classify(two, date(2025, 4, 9))[0] == 0
    assert classify(two, date(2025, 4, 8))[0] == 29  # not yet paid then


def test_a_partly_paid_installment_still_counts(world, old):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=old.installments.get().pk, amount=D("500.00"), paid_on=date(2025, 5, 1)
    )
    assert classify(old, date(2025, 7, 1))[:2] == (91, C.SUBSTANDARD)


# Every 7th day from 0 to 400, and every day within 3 of a threshold: one query each, so a sample.
SAMPLE = sorted(set(range(0, 401, 7)) | {t + d for t in (0, 90, 270, 360) for d in range(-3, 4) if t + d >= 0} | {400})


def test_the_python_rule_and_the_sql_agree_for_days_values_from_0_to_400(old):
    for days in SAMPLE:
        got = classify(old, DUE + timedelta(days=days))
        assert got[:2] == (days, suggest_category(days).value), days


# --- set by hand (认定) ------------------------------------------------------------------------

AS_OF = DUE + timedelta(days=30)  # 关注 suggested


def test_an_override_wins_over_the_suggestion_and_is_kept_in_the_history(world, old):
    change = classification.classification_set(
        actor=world.manager_a, loan=old, category="substandard", reason="  借款人外出务工，联系不上 ", as_of=AS_OF
    )
    assert (change.previous, change.category, change.suggested, change.reason, change.created_by) == (
        "",
        "substandard",
        "special_mention",
        "借款人外出务工，联系不上",
        world.manager_a,
    )
    old.refresh_from_db()
    assert (old.classification_override, old.classification_reason) == ("substandard", "借款人外出务工，联系不上")
    assert classify(old, AS_OF) == (30, C.SPECIAL_MENTION, C.SUBSTANDARD)
    audit = AuditLog.objects.system("tests").get(action="loans.loan.classified")
    assert audit.target_id == str(old.pk) and audit.actor_id == world.manager_a.pk
    assert audit.changes["classification"] == ["", "substandard"] and audit.changes["days_overdue"] == 30


def test_clearing_the_override_returns_to_the_suggestion(world, old):
    classification.classification_set(
        actor=world.manager_a, loan=old, category="doubtful", reason="担保人失联", as_of=AS_OF
    )
    change = classification.classification_set(
        actor=world.manager_a, loan=old, category="", reason="已联系上", as_of=AS_OF
    )
    assert (change.previous, change.category, change.suggested) == ("doubtful", "", "special_mention")
    assert classify(old, AS_OF) == (30, C.SPECIAL_MENTION, C.SPECIAL_MENTION)
    assert list(ClassificationChange.objects.system("tests").filter(loan=old).values_list("category", flat=True)) in (
        ["", "doubtful"],
        ["doubtful", ""],  # same created_at to the microsecond: ordered by id then
    )
    assert ClassificationChange.objects.system("tests").filter(loan=old).count() == 2
    assert AuditLog.objects.system("tests").filter(action="loans.loan.classified").count() == 2


@pytest.mark.parametrize(
    ("category", "reason", "message"),
    [
        ("substandard", "   ", classification.REASON_REQUIRED),
        ("bad", "理由", classification.UNKNOWN_CATEGORY),
        ("", "理由", classification.UNCHANGED),  # already on the suggestion
    ],
)
def test_an_override_needs_a_reason_a_known_category_and_a_change(world, old, category, reason, message):
    with pytest.raises(BusinessError) as err:
        classification.classification_set(
            actor=world.manager_a, loan=old, category=category, reason=reason, as_of=AS_OF
        )
    assert err.value.message == message
    assert not ClassificationChange.objects.system("tests").exists()
    assert not AuditLog.objects.system("tests").filter(action="loans.loan.classified").exists()


def test_setting_the_same_classification_again_is_refused(world, old):
    classification.classification_set(
        actor=world.manager_a, loan=old, category="loss", reason="借款人死亡", as_of=AS_OF
    )
    with pytest.raises(BusinessError) as err:
        classification.classification_set(
            actor=world.manager_a, loan=old, category="loss", reason="再次认定", as_of=AS_OF
        )
    assert err.value.message == classification.UNCHANGED
    assert ClassificationChange.objects.system("tests").count() == 1
