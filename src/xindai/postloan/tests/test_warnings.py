"""Each early-warning rule at its edges, computed in SQL as of a date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindai.collateral.tests.helpers import borrower_loan, cattle
from xindai.core.errors import BusinessError
from xindai.customers.models import Customer
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Loan
from xindai.loans.services import guarantee_group_create
from xindai.loans.tests.factories import make_loan
from xindai.postloan import services
from xindai.postloan.models import RuleCode, WarningRule
from xindai.postloan.selectors import loan_warnings, warning_counts, warning_list
from xindai.postloan.tests.helpers import inspect
from xindai.postloan.warnings import with_warnings
from xindai.repayments.services import repayment_confirm, repayment_reverse

D = Decimal


def fired(loan, as_of) -> set[str]:
    """The rules that fire on `loan`, computed over the whole book and restricted to the loan
    (the loan page's way): both must agree."""
    rows, rules = with_warnings(Loan.objects.system("test").filter(pk=loan.pk), as_of)
    row = rows.first()
    whole = {r.code for r in rules if row is not None and getattr(row, f"w_{r.code}")}
    rows, rules = with_warnings(Loan.objects.system("test"), as_of, among=[loan.pk])
    row = rows.first()
    assert whole == {r.code for r in rules if row is not None and getattr(row, f"w_{r.code}")}
    return whole


def monthly(world, iou="M-1", customer=None, **terms):
    customer = customer or CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    values = {"start_date": date(2025, 12, 10), "end_date": date(2026, 12, 10), "method": "equal_installment"}
    values.update(terms)
    return make_loan(world.admin, customer, world.officer_a, iou_number=iou, **values)


def pay(world, loan, period, late_days, amount=None):
    row = loan.installments.get(period=period, superseded_on__isnull=True)
    return repayment_confirm(
        actor=world.officer_a, installment_id=row.pk, amount=amount, paid_on=row.payable_on + timedelta(days=late_days)
    )


# Payments getting later ------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_of_the_last_three_paid_later_than_the_one_before(world):
    loan = monthly(world)
    pay(world, loan, 1, 0)
    pay(world, loan, 2, 2)
    assert RuleCode.PAYING_LATER not in fired(loan, date(2026, 3, 20))  # only two paid
    pay(world, loan, 3, 5)  # 2026-03-10 + 5
    assert RuleCode.PAYING_LATER in fired(loan, date(2026, 3, 15))
    assert RuleCode.PAYING_LATER not in fired(loan, date(2026, 3, 14))  # as of the day before the third


@pytest.mark.django_db
def test_equally_late_payments_are_not_getting_later(world):
    loan = monthly(world)
    pay(world, loan, 1, 0)
    pay(world, loan, 2, 3)
    pay(world, loan, 3, 3)
    assert RuleCode.PAYING_LATER not in fired(loan, date(2026, 3, 20))


@pytest.mark.django_db
def test_payments_getting_less_early_are_not_late(world):
    loan = monthly(world)
    pay(world, loan, 1, -5)
    pay(world, loan, 2, -3)
    pay(world, loan, 3, 0)
    assert RuleCode.PAYING_LATER not in fired(loan, date(2026, 3, 20))


# Repeated partial payments --------------------------------------------------------------------


@pytest.mark.django_db
def test_two_partial_payments_in_180_days(world):
    loan = monthly(world)
    pay(world, loan, 1, 0, amount=D("100.00"))
    pay(world, loan, 1, 1)  # finishes the first installment
    assert RuleCode.PARTIAL_PAYMENTS not in fired(loan, date(2026, 2, 1))  # one partial payment
    second = pay(world, loan, 2, 0, amount=D("100.00"))
    assert RuleCode.PARTIAL_PAYMENTS in fired(loan, date(2026, 2, 10))
    assert RuleCode.PARTIAL_PAYMENTS not in fired(loan, date(2026, 2, 10) + timedelta(days=180 + 31))  # window passed
    repayment_reverse(actor=world.officer_a, repayment_id=second.pk, reason="录入错误")
    assert RuleCode.PARTIAL_PAYMENTS not in fired(loan, timezone.localdate())  # reversed: does not count


# A member of the joint-guarantee group overdue > 30 days -----------------------------------------


@pytest.mark.django_db
def test_a_member_of_the_group_more_than_30_days_overdue(world):
    a = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    b = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    group = guarantee_group_create(actor=world.admin, name="一社联保组", member_ids=[a.pk, b.pk])
    mine = borrower_loan_in_group(world, a, group, "G-A")
    theirs = borrower_loan_in_group(world, b, group, "G-B")
    pay(world, mine, 1, 0)  # the borrower itself pays on time
    # B's first installment (payable 2026-03-20) is unpaid: 30 days overdue on 04-19, 31 on 04-20.
    assert RuleCode.GROUP_OVERDUE not in fired(mine, date(2026, 4, 19))
    assert RuleCode.GROUP_OVERDUE in fired(mine, date(2026, 4, 20))
    assert RuleCode.GROUP_OVERDUE not in fired(theirs, date(2026, 4, 20))  # its own arrears are not a member's
    listed = warning_list(world.officer_a, {"rule": RuleCode.GROUP_OVERDUE}, date(2026, 4, 20))[0]
    assert [loan.iou_number for loan in listed] == ["G-A"]


def borrower_loan_in_group(world, customer, group, iou):
    return make_loan(world.admin, customer, world.officer_a, iou_number=iou, guarantee_group_id=group.pk)


# Coverage below the threshold, insurance expiring ---------------------------------------------


@pytest.mark.django_db
def test_coverage_below_the_threshold(world):
    today = timezone.localdate()
    low, even = borrower_loan(world, "C-1"), borrower_loan(world, "C-2")
    cattle(low, world.officer_a, heads=10, per_head="8000.00")  # 0.80
    cattle(even, world.officer_a, heads=10, per_head="10000.00")  # exactly 1.00
    assert RuleCode.LOW_COVERAGE in fired(low, today)
    assert RuleCode.LOW_COVERAGE not in fired(even, today)
    assert RuleCode.LOW_COVERAGE not in fired(borrower_loan(world, "C-3"), today)  # no collateral
    listed = warning_list(world.officer_a, {"rule": RuleCode.LOW_COVERAGE}, today)[0]  # the list's own SQL
    assert [loan.iou_number for loan in listed] == ["C-1"]


@pytest.mark.django_db
def test_insurance_expiring_within_30_days(world):
    today = timezone.localdate()
    loans = {}
    for iou, days in (("I-30", 30), ("I-31", 31), ("I-0", 0), ("I-PAST", -1)):
        loans[iou] = borrower_loan(world, iou)
        cattle(loans[iou], world.officer_a, insurer="中华联合", policy_number=iou, insured_from=date(2026, 1, 1),
               insured_to=today + timedelta(days=days))  # fmt: skip
    assert RuleCode.INSURANCE_EXPIRING in fired(loans["I-30"], today)
    assert RuleCode.INSURANCE_EXPIRING in fired(loans["I-0"], today)
    assert RuleCode.INSURANCE_EXPIRING not in fired(loans["I-31"], today)
    assert RuleCode.INSURANCE_EXPIRING not in fired(loans["I-PAST"], today)
    listed = warning_list(world.officer_a, {"rule": RuleCode.INSURANCE_EXPIRING}, today)[0]
    assert sorted(loan.iou_number for loan in listed) == ["I-0", "I-30"]


# Inspections: a finding, a head count short ----------------------------------------------------


@pytest.mark.django_db
def test_a_risk_found_at_the_latest_inspection_within_90_days(world):
    loan = borrower_loan(world)
    inspect(loan, world.officer_a, date(2026, 9, 1), risk=True)
    assert RuleCode.INSPECTION_FINDING in fired(loan, date(2026, 11, 29))
    assert RuleCode.INSPECTION_FINDING not in fired(loan, date(2026, 11, 30))  # 90 days on
    assert RuleCode.INSPECTION_FINDING not in fired(loan, date(2026, 8, 31))  # before it
    inspect(loan, world.officer_a, date(2026, 10, 1))  # a later visit found nothing
    assert RuleCode.INSPECTION_FINDING not in fired(loan, date(2026, 10, 2))


@pytest.mark.django_db
def test_head_count_more_than_20_percent_below_pledged(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a, heads=10)
    today = timezone.localdate()
    inspect(loan, world.officer_a, today, found=8)  # exactly 20 % below: not yet
    assert RuleCode.HEAD_COUNT_SHORT not in fired(loan, today)
    inspect(loan, world.officer_a, today, found=7)
    assert RuleCode.HEAD_COUNT_SHORT in fired(loan, today)


@pytest.mark.django_db
def test_a_visit_to_pledged_animals_needs_a_head_count(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a, heads=10)
    with pytest.raises(BusinessError, match="10"):
        inspect(loan, world.officer_a, date(2026, 3, 1), found=None)
    inspect(loan, world.officer_a, date(2026, 3, 1), found=None, way="phone")  # a call cannot count


# Mobile 空号; switching and tuning ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_mobile_flagged_vacant(world):
    loan = borrower_loan(world)
    assert RuleCode.MOBILE_VACANT not in fired(loan, date(2026, 3, 1))
    Customer.objects.system("test").filter(pk=loan.customer_id).update(mobile_vacant=True)
    assert RuleCode.MOBILE_VACANT in fired(loan, date(2026, 3, 1))
    assert RuleCode.MOBILE_VACANT not in fired(loan, date(2026, 2, 9))  # not yet disbursed


@pytest.mark.django_db
def test_a_rule_switched_off_or_tuned(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a, heads=10)
    inspect(loan, world.officer_a, timezone.localdate(), found=7)  # 30 % short
    rules = {"enabled": True, "level": 3, "threshold": D("30")}
    services.warning_rules_update(actor=world.admin, rows={RuleCode.HEAD_COUNT_SHORT: rules})
    assert RuleCode.HEAD_COUNT_SHORT not in fired(loan, timezone.localdate())  # 30 % is the edge now
    services.warning_rules_update(actor=world.admin, rows={RuleCode.HEAD_COUNT_SHORT: {**rules, "threshold": D("20")}})
    assert RuleCode.HEAD_COUNT_SHORT in fired(loan, timezone.localdate())
    off = {"enabled": False, "level": 2, "threshold": D("1.0")}
    services.warning_rules_update(actor=world.admin, rows={RuleCode.LOW_COVERAGE: off})
    assert WarningRule.objects.get(code=RuleCode.LOW_COVERAGE).enabled is False
    assert RuleCode.LOW_COVERAGE not in fired(loan, timezone.localdate())  # 0.80, but switched off


# The list: levels, scope, acknowledgement --------------------------------------------------------


@pytest.mark.django_db
def test_warning_list_by_level_and_scope(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a, heads=10)  # coverage 0.80: medium
    today = timezone.localdate()
    loans, _rules, totals = warning_list(world.officer_a, {}, today)
    assert [x.iou_number for x in loans] == ["C-1"] and totals["level_2"] == 1
    inspect(loan, world.officer_a, today, found=5)  # head count short: high
    loans, _rules, totals = warning_list(world.officer_a, {"level": "3"}, today)
    assert [x.warning_level for x in loans] == [3]
    for outsider in (world.officer_b, world.township_user_a2):
        assert list(warning_list(outsider, {}, today)[0]) == []
    assert len(warning_list(world.county_user_a, {}, today)[0]) == 1
    counts = warning_counts(world.manager_a, today)
    assert {r["rule"].code: r["count"] for r in counts["rules"]}[RuleCode.HEAD_COUNT_SHORT] == 1


@pytest.mark.django_db
def test_acknowledging_a_warning_with_a_note(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a, heads=10)
    today = timezone.localdate()
    with pytest.raises(BusinessError):
        services.warning_acknowledge(
            actor=world.officer_a, loan=loan, rule=RuleCode.LOW_COVERAGE, note=" ", as_of=today
        )
    with pytest.raises(BusinessError):
        services.warning_acknowledge(
            actor=world.officer_a, loan=loan, rule=RuleCode.MOBILE_VACANT, note="x", as_of=today
        )
    services.warning_acknowledge(
        actor=world.officer_a, loan=loan, rule=RuleCode.LOW_COVERAGE, note="已要求追加抵押", as_of=today
    )
    assert list(warning_list(world.officer_a, {"ack": "open"}, today)[0]) == []
    assert len(warning_list(world.officer_a, {}, today)[0]) == 1
    [warning] = loan_warnings(world.officer_a, loan, today)
    assert warning["ack"].note == "已要求追加抵押"
    later = today + timedelta(days=31)
    assert len(warning_list(world.officer_a, {"ack": "open"}, later)[0]) == 1  # the acknowledgement ran out


@pytest.mark.django_db
def test_open_warnings_by_rule_filters_and_totals(world):
    """The list reads the scoped loans as its FROM and each rule's acknowledgements as one set:
    a loan stays open while one of its rules is unacknowledged, another loan's acknowledgement
    hides nothing, the officer and village filters narrow the scope, and the flags and level the
    list computes are the ones the loan page computes."""
    today = timezone.localdate()
    both = borrower_loan(world, "C-1")  # low coverage and a vacant mobile
    cattle(both, world.officer_a, heads=10)
    Customer.objects.system("test").filter(pk=both.customer_id).update(mobile_vacant=True)
    other = borrower_loan(world, "C-2")  # low coverage only, acknowledged
    cattle(other, world.officer_a, heads=10)
    for loan, rule in ((both, RuleCode.LOW_COVERAGE), (other, RuleCode.LOW_COVERAGE)):
        services.warning_acknowledge(actor=world.officer_a, loan=loan, rule=rule, note="已核实", as_of=today)
    loans, _rules, totals = warning_list(world.officer_a, {"ack": "open"}, today)
    assert [x.iou_number for x in loans] == ["C-1"] and totals["count"] == 1
    everything, _rules, totals = warning_list(world.officer_a, {}, today)
    assert [x.iou_number for x in everything] == ["C-1", "C-2"] and totals["level_2"] == 2
    for loan in everything:
        single = {w["code"] for w in loan_warnings(world.officer_a, loan, today)}
        assert single == {code for code in RuleCode.values if getattr(loan, f"w_{code}", False)}
    assert {x.iou_number: x.w_mobile_vacant for x in everything} == {"C-1": True, "C-2": False}
    assert len(warning_list(world.officer_a, {"officer": world.officer_a.pk}, today)[0]) == 2
    assert list(warning_list(world.officer_a, {"officer": world.officer_b.pk}, today)[0]) == []
    assert len(warning_list(world.admin, {"village": world.village_a1.pk}, today)[0]) == 2
    assert list(warning_list(world.admin, {"village": world.village_a2.pk}, today)[0]) == []


@pytest.mark.django_db
def test_a_threshold_beyond_what_the_rule_takes_is_refused(world):
    with pytest.raises(BusinessError) as err:
        services.warning_rules_update(
            actor=world.admin,
            rows={RuleCode.INSPECTION_FINDING: {"enabled": True, "level": 3, "threshold": D("100000")}},
        )
    assert str(err.value) == "该规则的阈值须在 0 到 3,650 之间。"
    assert not WarningRule.objects.exists()
