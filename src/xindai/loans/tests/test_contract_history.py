"""Contract terms over time: a dated contract change, LPR repricing (anniversary and 1 January),
a due date on a holiday (顺延), and interest off the balance sheet after 90 days (表外欠息)."""

import io
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans import contract, lpr
from xindai.loans.models import BankDay, Installment, LoanType, LprQuote, PlanVersion
from xindai.loans.schedule import add_months
from xindai.loans.services import MARKUP_RANGE, loan_type_save
from xindai.loans.tests.factories import loan_type, make_loan, seeded_calendar_and_lpr
from xindai.repayments import selectors, services
from xindai.reports import queries

EVERYTHING = system_scope("tests")

D = Decimal


@pytest.fixture(autouse=True)
def _seeds(db):
    seeded_calendar_and_lpr()


def _customer(world, village=None):
    return CustomerFactory(village=village or world.village_a1, registered_by=world.officer_a)


def _due(world, loan, as_of, within=40):
    rows = selectors.owed_list(world.admin, "due", as_of, within).filter(loan=loan).order_by("due_date")
    return [(r.period, r.due_date, r.principal_owed, r.interest_owed) for r in rows]


@pytest.fixture
def ei(world):
    """12,000.00 at 6.00 %, 2026-01-15 → 2027-01-15, 等额本息; periods 1–5 repaid on their due dates."""
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=loan_type("农户小额信用贷款"),
        amount=D("12000.00"),
        annual_rate=D("6.00"),
        start_date=date(2026, 1, 15),
        end_date=date(2027, 1, 15),
        method="equal_installment",
    )
    for row in loan.installments.in_force().filter(period__lte=5):
        services.repayment_confirm(actor=world.officer_a, installment_id=row.pk, amount=None, paid_on=row.due_date)
    return loan


def test_a_contract_change_reprices_from_its_date_and_leaves_the_figures_before_it(world, ei):
    before = _due(world, ei, date(2026, 6, 14))
    version = contract.contract_change(
        actor=world.manager_a, loan_id=ei.pk, effective_from=date(2026, 6, 15), reason="利率调整", annual_rate=D("4.80")
    )
    assert (version.number, version.kind, version.annual_rate) == (2, PlanVersion.Kind.CONTRACT_CHANGE, D("4.80"))
    assert _due(world, ei, date(2026, 6, 14)) == before  # the past is as it was
    rows = list(ei.installments.in_force())
    assert [r.period for r in rows] == list(range(1, 13)) and rows[-1].due_date == date(2027, 1, 15)
    # Periods 6–12 (from 06-15) re-amortized at 4.80 %: the first interest is round(B5 × 0.004).
    balance = sum((r.principal for r in rows[5:]), D("0.00"))
    assert balance == D("12000.00") - sum(r.principal for r in rows[:5])
    assert rows[5].interest == (balance * D("0.004")).quantize(D("0.01"), ROUND_HALF_UP)
    assert all(r.version_id == version.pk for r in rows[5:]) and all(r.version.number == 1 for r in rows[:5])
    assert _due(world, ei, date(2026, 6, 15))[0][3] == rows[5].interest
    ei.refresh_from_db()
    assert ei.annual_rate == D("4.80")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reason": " "}, contract.REASON_REQUIRED),
        ({"annual_rate": D("6.00")}, contract.NOTHING_CHANGED),
        ({"penalty_markup": D("0.6")}, contract.MARKUP_RANGE),
        ({"effective_from": date(2026, 4, 20)}, contract.PAID_AFTER),  # period 5 (due 06-15) is paid
    ],
)
def test_a_contract_change_is_refused_in_chinese_and_changes_nothing(world, ei, change, message):
    values = {"reason": "调整", "effective_from": date(2026, 6, 15), "annual_rate": D("5.00"), **change}
    with pytest.raises(BusinessError) as err:
        contract.contract_change(actor=world.manager_a, loan_id=ei.pk, **values)
    assert err.value.message == message
    assert ei.plan_versions.count() == 1 and not ei.installments.exclude(superseded_on=None).exists()


def test_a_new_penalty_markup_applies_to_installments_falling_due_from_its_date(world, ei):
    contract.contract_change(
        actor=world.manager_a,
        loan_id=ei.pk,
        effective_from=date(2026, 7, 1),
        reason="罚息下调",
        penalty_markup=D("0.3"),
    )
    rows = list(ei.installments.in_force())
    assert {r.penalty_rate for r in rows[:5]} == {D("9.00")}  # 6.00 × 1.5: fell due before 07-01
    assert {r.penalty_rate for r in rows[5:]} == {D("7.80")}  # 6.00 × 1.3: due from 07-15 on
    assert [r.interest for r in rows[5:]] == [
        r.interest for r in Installment.objects.system("tests").filter(superseded_on=date(2026, 7, 1))
    ]


# --- LPR ---------------------------------------------------------------------------------


@pytest.fixture
def lpr_type(world):
    kind = loan_type("个人经营贷款")
    return loan_type_save(actor=world.admin, loan_type=kind, rate_type="lpr", lpr_spread_bp=50, repricing="anniversary")


def test_an_lpr_loan_is_priced_and_repriced_on_its_anniversary(world, lpr_type):
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=lpr_type,
        amount=D("100000.00"),
        annual_rate=D("9.99"),  # ignored: an LPR loan's rate is the LPR plus its spread
        start_date=date(2025, 3, 10),
        end_date=date(2027, 3, 10),
        method="equal_installment",
    )
    # 1-year LPR last published before 2025-03-10: 3.10 (2024-10-21), + 50 bp
    assert loan.annual_rate == D("3.60") and loan.plan_versions.get().lpr == D("3.10")
    assert lpr.repricing_dates(loan.start_date, loan.end_date, "anniversary") == [date(2026, 3, 10)]
    old_13 = loan.installments.get(period=13)
    assert contract.reprice_due(date(2026, 12, 1)) == (1, 1)
    assert contract.reprice_due(date(2026, 12, 1)) == (0, 0)  # applied once, however often it runs
    loan.refresh_from_db()
    assert loan.annual_rate == D("3.50")  # 3.00 (2025-05-20) + 50 bp
    version = loan.plan_versions.get(kind=PlanVersion.Kind.REPRICING)
    assert (version.effective_from, version.lpr, version.lpr_announced_on) == (
        date(2026, 3, 10),
        D("3.00"),
        date(2025, 5, 20),
    )
    rows = list(loan.installments.in_force())
    balance = sum((r.principal for r in rows[12:]), D("0.00"))
    assert rows[12].interest == (balance * D("3.50") / 1200).quantize(D("0.01"), ROUND_HALF_UP)
    assert [r.pk for r in loan.installments.in_force(date(2026, 3, 9))][12] == old_13.pk
    out = io.StringIO()
    call_command("reprice", "--date", "2026-12-01", stdout=out)
    assert out.getvalue().strip() == "repricing dates due: 0; applied: 0"


def test_repricing_each_1_january_splits_the_interest_of_the_quarter_it_falls_in(world):
    kind = loan_type_save(
        actor=world.admin, loan_type=loan_type(), rate_type="lpr", lpr_spread_bp=0, repricing="january"
    )
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=kind,
        amount=D("50000.00"),
        start_date=date(2025, 1, 15),
        end_date=date(2027, 1, 15),
        method="quarterly_interest",
    )
    assert loan.annual_rate == D("3.10")
    contract.loan_reprice(loan_id=loan.pk, on=date(2026, 1, 1))
    row = loan.installments.in_force().get(due_date=date(2026, 3, 20))
    # 50000 × (12 days × 3.10 + 78 days × 3.00) / 36000 = 376.67 (分段计息)
    assert (row.start_date, row.interest) == (date(2025, 12, 20), D("376.67"))
    assert loan.installments.in_force().get(due_date=date(2026, 6, 20)).interest == D("383.33")  # 92 days at 3.00


def test_an_lpr_loan_needs_a_published_lpr(world, lpr_type):
    LprQuote.objects.all().delete()
    with pytest.raises(BusinessError) as err:
        make_loan(world.admin, _customer(world), world.officer_a, loan_type=lpr_type, method="equal_installment")
    assert err.value.message == lpr.NO_QUOTE


# --- Holidays --------------------------------------------------------------------------------


def test_a_due_date_on_a_holiday_is_payable_on_the_next_working_day_without_penalty(world):
    kind = loan_type_save(actor=world.admin, loan_type=loan_type(), holiday_rule="postpone")
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=kind,
        amount=D("10000.00"),
        annual_rate=D("3.60"),
        start_date=date(2025, 10, 1),
        end_date=date(2026, 10, 1),  # 国庆节: the bank works again on 2026-10-08
        method="bullet",
    )
    row = loan.installments.get()
    assert (row.due_date, row.payable_on) == (date(2026, 10, 1), date(2026, 10, 8))
    on_8 = selectors.owed_list(world.admin, "overdue", date(2026, 10, 8)).filter(loan=loan)
    assert not on_8.exists()  # not overdue before its payable date
    on_9 = selectors.owed_list(world.admin, "overdue", date(2026, 10, 9)).get(loan=loan)
    # one day overdue: 10000 × 1 × 3.60 × 1.5 / 36000 = 1.50
    assert (on_9.days_overdue, on_9.penalty_owed, on_9.bucket) == (1, D("1.50"), "bucket_1_30")
    plain = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        seq=2,
        loan_type=loan_type("农户小额信用贷款"),
        amount=D("10000.00"),
        start_date=date(2025, 10, 1),
        end_date=date(2026, 10, 1),
        method="bullet",
    )
    assert plain.installments.get().payable_on == date(2026, 10, 1)  # 不顺延: due on the date itself


# --- 表内/表外欠息 -----------------------------------------------------------------------------


def test_interest_goes_off_the_balance_sheet_after_90_days_overdue(world):
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=loan_type("农户小额信用贷款"),
        amount=D("10000.00"),
        annual_rate=D("3.60"),
        start_date=date(2025, 6, 1),
        end_date=date(2026, 6, 1),
        method="bullet",
    )  # interest 365 days: 365.00
    # A late part-payment before the dates: the reports' own ledger pass must see it as owed.py does.
    services.repayment_confirm(
        actor=world.officer_a, installment_id=loan.installments.get().pk, amount=D("100.00"), paid_on=date(2026, 7, 1)
    )
    day_90, day_91 = date(2026, 8, 30), date(2026, 8, 31)
    on_90 = queries.balance(EVERYTHING, "branch", day_90).total
    row_90 = selectors.owed_list(world.admin, "overdue", day_90).get(loan=loan)
    assert on_90["interest_off_balance"] == D("0.00")
    assert on_90["interest_on_balance"] == row_90.interest_owed + row_90.penalty_owed + row_90.compound_owed
    on_91 = queries.balance(EVERYTHING, "branch", day_91).total
    assert on_91["interest_on_balance"] == D("0.00")
    row = selectors.owed_list(world.admin, "overdue", day_91).get(loan=loan)
    assert on_91["interest_off_balance"] == row.interest_owed + row.penalty_owed + row.compound_owed
    quality = queries.quality(EVERYTHING, "branch", day_91, compare=False).total
    assert quality["interest_off_balance"] == on_91["interest_off_balance"]


# --- Pages -----------------------------------------------------------------------------------


def test_the_contract_change_page_adds_a_version_shown_on_the_loan_page(world, login, ei):
    client = login(world.manager_a)
    url = reverse("loans:contract", args=[ei.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"effective_from": "2026-06-15", "annual_rate": "5.00", "reason": ""})
    assert refused.status_code == 200 and not ei.plan_versions.filter(number=2).exists()
    done = client.post(url, {"effective_from": "2026-06-15", "annual_rate": "5.00", "reason": "利率下调"})
    assert done.status_code == 302
    page = client.get(reverse("loans:detail", args=[ei.pk]))
    versions = list(page.context["versions"])
    assert [(v.number, v.annual_rate) for v in versions] == [(1, D("6.00")), (2, D("5.00"))]
    assert "利率下调" in page.content.decode()


def test_the_lpr_page_saves_a_quote_and_refuses_a_bad_one(world, login):
    client = login(world.admin)
    url = reverse("loans:lpr")
    assert client.post(url, {"announced_on": "2026-11-20", "one_year": "2.90", "five_year": "3.40"}).status_code == 302
    assert LprQuote.objects.get(announced_on=date(2026, 11, 20)).one_year == D("2.90")
    bad = client.post(url, {"announced_on": "2026-12-20", "one_year": "0", "five_year": "3.40"})
    assert str(lpr.BAD_QUOTE) in bad.content.decode()


def test_the_calendar_page_moves_payable_dates_and_keeps_the_past(world, login):
    from django.utils import timezone

    from xindai.loans import calendar

    kind = loan_type_save(actor=world.admin, loan_type=loan_type(), holiday_rule="postpone")
    today = timezone.localdate()
    start = date(today.year, today.month, 1) - timedelta(days=300)
    end = add_months(date(today.year, today.month, 1), 2)
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=kind,
        start_date=start,
        end_date=end,
        method="bullet",
        amount=D("10000.00"),
    )
    row = loan.installments.get()
    client = login(world.admin)
    url = reverse("loans:calendar")
    past = client.post(url, {"day": str(today - timedelta(days=1)), "kind": "holiday"})
    assert past.status_code == 200 and "history" not in past.content.decode()  # the Chinese message
    assert calendar.PAST_DAY % {"day": (today - timedelta(days=1)).isoformat()} in past.content.decode()
    old = row.payable_on
    client.post(url, {"day": str(old), "kind": "holiday", "name": "临时假日"})
    row.refresh_from_db()
    assert row.payable_on > old and BankDay.objects.get(day=old).name == "临时假日"


def test_the_overdue_list_shows_interest_off_the_balance_sheet(world, login):
    make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=loan_type("农户小额信用贷款"),
        amount=D("10000.00"),
        annual_rate=D("3.60"),
        start_date=date(2025, 6, 1),
        end_date=date(2026, 6, 1),
        method="bullet",
    )
    client = login(world.admin)
    on_90 = client.get(reverse("repayments:due"), {"as_of": "2026-08-30"}).context["totals"]
    on_91 = client.get(reverse("repayments:due"), {"as_of": "2026-08-31"}).context["totals"]
    assert on_90["arrears_off"] == 0 and on_90["arrears_on"] > 0
    assert on_91["arrears_on"] == 0
    assert on_91["arrears_off"] == on_91["interest_owed"] + on_91["penalty_owed"] + on_91["compound_owed"]


def test_the_loan_type_page_refuses_a_markup_outside_30_to_50_percent(world, login):
    client = login(world.admin)
    values = {
        "name": "肉牛贷款",
        "default_method": "bullet",
        "default_rate": "4.35",
        "penalty_markup": "0.6",
        "compound_interest": "on",
        "settlement_day": "20",
        "rate_type": "lpr",
        "lpr_spread_bp": "-20",
        "repricing": "january",
        "holiday_rule": "postpone",
        "min_amount": "1000",
        "max_amount": "100000",
        "min_term_months": "1",
        "max_term_months": "36",
        "is_active": "on",
    }
    refused = client.post(reverse("loans:type_create"), values)
    assert refused.status_code == 200, refused.context["form"].errors
    assert str(MARKUP_RANGE) in str(refused.context["form"].errors), refused.context["form"].errors
    assert client.post(reverse("loans:type_create"), {**values, "penalty_markup": "0.4"}).status_code == 302
    saved = LoanType.objects.get(name="肉牛贷款")
    assert (saved.rate_type, saved.lpr_spread_bp, saved.repricing, saved.holiday_rule) == (
        "lpr",
        -20,
        "january",
        "postpone",
    )


def test_the_loan_page_shows_the_plan_in_force_on_a_past_date(world, login, ei):
    contract.contract_change(
        actor=world.manager_a, loan_id=ei.pk, effective_from=date(2026, 6, 15), reason="利率调整", annual_rate=D("4.80")
    )
    client = login(world.admin)
    url = reverse("loans:detail", args=[ei.pk])
    before = client.get(url, {"as_of": "2026-06-14"}).context["rows"]
    now = client.get(url).context["rows"]
    assert [r.version.number for r in before] == [1] * 12
    assert [r.version.number for r in now] == [1] * 5 + [2] * 7
    assert client.get(url, {"as_of": "not a date"}).status_code == 200


def test_off_balance_follows_the_loans_oldest_overdue_installment_whatever_the_filter(world, login):
    loan = make_loan(
        world.admin,
        _customer(world),
        world.officer_a,
        loan_type=loan_type("农户小额信用贷款"),
        amount=D("12000.00"),
        annual_rate=D("4.35"),
        start_date=date(2026, 1, 15),
        end_date=date(2027, 1, 15),
        method="equal_installment",
    )
    client = login(world.admin)
    # On 2026-06-01 period 1 (due 02-15) is 106 days overdue, period 4 (due 05-15) 17 days.
    recent = client.get(reverse("repayments:due"), {"as_of": "2026-06-01", "bucket": "bucket_1_30"})
    rows = list(recent.context["page"])
    assert [row.period for row in rows] == [4] and rows[0].loan_id == loan.pk
    assert recent.context["totals"]["arrears_on"] == 0 and recent.context["totals"]["arrears_off"] > 0
    assert rows[0].arrears_off == rows[0].interest_owed + rows[0].penalty_owed + rows[0].compound_owed
