"""Batch confirmation (批量处理): the summary, all-or-nothing, scope, and a fixed number of queries.

Figures worked by hand. Penalty rate = annual × 1.5 / 36000 per day (default markup 50 %).
- BULLET: 10,000.00 at 4.35 %, 2026-01-01 → 2026-04-01, 利随本清, interest 108.75 (90 days).
  On 2026-05-01 (30 days overdue): penalty 10000 × 30 × 6.525 / 36000 = 54.375 → 54.38,
  compound 108.75 × 30 × 6.525 / 36000 = 0.5913 → 0.59.
- EP3: 3,000.00 at 6.00 %, 2026-01-10 → 2026-04-10, 等额本金: 1,000.00 principal a month,
  interest 3000 × 0.5 % = 15.00, 10.00, 5.00, due 02-10, 03-10, 04-10. Penalty rate
  6 × 1.5 / 36000 = 0.00025 a day. On 2026-05-01 the periods are 80, 52 and 21 days overdue:
  penalty 1000 × 80 × 0.00025 = 20.00, 13.00, 5.25; compound 15 × 80 × 0.00025 = 0.30,
  10 × 52 × 0.00025 = 0.13, 5 × 21 × 0.00025 = 0.02625 → 0.03.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.core.scope import scope_for
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment, Loan
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import batch, services
from xindai.repayments.models import Repayment

D = Decimal
MAY_1 = date(2026, 5, 1)
CONFIRMED = "repayments.repayment.confirmed"


def _loan(world, officer, village, iou, **terms):
    customer = CustomerFactory(village=village, registered_by=officer)
    return make_loan(world.admin, customer, officer, iou_number=iou, loan_type=loan_type("农户小额信用贷款"), **terms)


def _ep3(world, iou="EP3", officer=None, village=None):
    return _loan(
        world,
        officer or world.officer_a,
        village or world.village_a1,
        iou,
        amount=D("3000.00"),
        annual_rate=D("6.00"),
        start_date=date(2026, 1, 10),
        end_date=date(2026, 4, 10),
        method="equal_principal",
    )


@pytest.fixture
def bullet(world):
    return _loan(
        world,
        world.officer_a,
        world.village_a1,
        "BULLET",
        amount=D("10000.00"),
        annual_rate=D("4.35"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 4, 1),
        method="bullet",
    )


@pytest.fixture
def ep3(world):
    return _ep3(world)


def item(loan, period=1) -> Installment:
    return loan.installments.get(period=period)


def ids(*installments) -> list[int]:
    return [i.pk for i in installments]


def figures(summary) -> tuple:
    return (summary.count, summary.principal, summary.interest, summary.penalty, summary.compound)


def assert_nothing_written(*loans):
    assert not Repayment.objects.system("tests").exists()
    assert not AuditLog.objects.system("tests").filter(action=CONFIRMED).exists()
    for loan in loans:
        loan.refresh_from_db()
        assert (loan.outstanding_principal, loan.settled_on) == (loan.amount, None)
        for row in loan.installments.all():
            assert (row.principal_paid, row.interest_paid, row.penalty_paid, row.settled_on) == (0, 0, 0, None)


def test_the_summary_adds_up_penalty_and_compound_interest_of_every_installment(world, bullet, ep3):
    chosen = Installment.objects.system("tests").filter(pk__in=ids(item(bullet), item(ep3, 1), item(ep3, 2)))
    summary = batch.batch_summary(chosen, MAY_1)
    # principal 10000 + 1000 + 1000; interest 108.75 + 15 + 10; penalty 54.38 + 20 + 13; compound 0.59 + 0.30 + 0.13
    assert figures(summary) == (3, D("12000.00"), D("133.75"), D("87.38"), D("1.02"))
    assert summary.total == D("12222.15")


def test_a_batch_settles_every_installment_in_full_with_the_figures_of_the_summary(world, bullet, ep3):
    chosen = [item(bullet), item(ep3, 1), item(ep3, 2)]
    expected_owing = {i.pk: services.owing_on(i, MAY_1) for i in chosen}  # the Python reckoning, one by one
    summary = batch.batch_summary(Installment.objects.system("tests").filter(pk__in=ids(*chosen)), MAY_1)

    done = batch.repayments_confirm_batch(
        actor=world.officer_a, installment_ids=ids(*chosen), paid_on=MAY_1, expected_total=summary.total
    )

    assert figures(done) == figures(summary) and done.total == D("12222.15")
    entry = Repayment.objects.system("tests").get(installment=item(bullet))
    assert (entry.penalty, entry.compound, entry.interest, entry.principal, entry.amount, entry.days_late) == (
        D("54.38"),
        D("0.59"),
        D("108.75"),
        D("10000.00"),
        D("10163.72"),
        30,
    )
    entry = Repayment.objects.system("tests").get(installment=item(ep3, 1))
    assert (entry.penalty, entry.compound, entry.interest, entry.principal, entry.days_late) == (
        D("20.00"),
        D("0.30"),
        D("15.00"),
        D("1000.00"),
        80,
    )
    for repayment in Repayment.objects.system("tests").all():
        owing = expected_owing[repayment.installment_id]
        assert (repayment.penalty, repayment.compound, repayment.interest, repayment.principal) == (
            owing.penalty,
            owing.compound,
            owing.interest,
            owing.principal,
        )
    settled = item(bullet)
    assert (settled.settled_on, settled.principal_paid, settled.late_principal_days) == (
        MAY_1,
        D("10000.00"),
        D("300000.00"),  # 10,000 × 30 days late
    )
    assert settled.late_interest_days == D("3262.50")  # 108.75 × 30
    assert all(i.settled_on == MAY_1 for i in (item(ep3, 1), item(ep3, 2)))
    assert item(ep3, 3).settled_on is None

    bullet.refresh_from_db()
    ep3.refresh_from_db()
    assert (bullet.outstanding_principal, bullet.settled_on) == (D("0.00"), MAY_1)
    assert (ep3.outstanding_principal, ep3.settled_on) == (D("1000.00"), None)  # its last installment is unpaid


def test_a_loan_settles_when_the_batch_pays_its_last_installment(world, ep3):
    batch.repayments_confirm_batch(
        actor=world.officer_a, installment_ids=ids(item(ep3, 1), item(ep3, 2)), paid_on=MAY_1
    )
    done = batch.repayments_confirm_batch(actor=world.officer_a, installment_ids=ids(item(ep3, 3)), paid_on=MAY_1)
    # 1000 + 5.00 interest + 5.25 penalty + 0.03 compound
    assert figures(done) == (1, D("1000.00"), D("5.00"), D("5.25"), D("0.03")) and done.total == D("1010.28")
    ep3.refresh_from_db()
    assert (ep3.outstanding_principal, ep3.settled_on) == (D("0.00"), MAY_1)


def test_a_loan_is_settled_on_the_day_its_last_installment_was_settled(world, ep3):
    # Oldest first (domain.md): periods 1 and 2 by a transfer on 05-01, then period 3 on 05-10.
    batch.repayments_confirm_batch(
        actor=world.officer_a, installment_ids=ids(item(ep3, 1), item(ep3, 2)), paid_on=MAY_1
    )
    services.repayment_confirm(
        actor=world.officer_a, installment_id=item(ep3, 3).pk, amount=None, paid_on=date(2026, 5, 10)
    )
    ep3.refresh_from_db()
    assert [i.settled_on for i in ep3.installments.order_by("period")] == [MAY_1, MAY_1, date(2026, 5, 10)]
    assert ep3.settled_on == date(2026, 5, 10)


def test_a_batch_after_a_partial_payment_charges_only_the_penalty_not_yet_collected(world, bullet):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=item(bullet).pk, amount=D("100.00"), paid_on=MAY_1
    )  # penalty 54.38, compound 0.59, interest 45.03 (30 days late)
    done = batch.repayments_confirm_batch(
        actor=world.officer_a, installment_ids=ids(item(bullet)), paid_on=date(2026, 5, 31)
    )
    # As of 05-31 (60 days): penalty 10000 × 60 × 6.525 / 36000 = 108.75, less 54.38 collected = 54.37.
    # Compound: 108.75 × 30 + 63.72 × 30 = 5,174.10 (= 63.72 × 60 + 45.03 × 30 late days);
    # 5174.10 × 6.525 / 36000 = 0.9378 → 0.94, less 0.59 collected = 0.35.
    assert figures(done) == (1, D("10000.00"), D("63.72"), D("54.37"), D("0.35"))
    bullet.refresh_from_db()
    assert bullet.settled_on == date(2026, 5, 31)


def test_the_database_rounds_an_exact_half_fen_up_like_arithmetic_accrual(world):
    loan = _loan(
        world,
        world.officer_a,
        world.village_a1,
        "HALF",
        amount=D("1062.50"),
        annual_rate=D("4.80"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 4, 1),
        method="bullet",
    )  # interest 1062.50 × 90 × 4.80 / 36000 = 12.75
    as_of = date(2026, 4, 11)  # 10 days overdue; penalty rate 4.80 × 1.5 = 7.2 % a year
    # penalty 1062.50 × 10 × 7.2 / 36000 = 2.125 exactly → 2.13 (not 2.12);
    # compound 12.75 × 10 × 7.2 / 36000 = 0.0255 → 0.03
    summary = batch.batch_summary(Installment.objects.system("tests").filter(loan=loan), as_of)
    assert figures(summary) == (1, D("1062.50"), D("12.75"), D("2.13"), D("0.03"))
    assert services.owing_on(item(loan), as_of).penalty == D("2.13")
    done = batch.repayments_confirm_batch(actor=world.officer_a, installment_ids=ids(item(loan)), paid_on=as_of)
    assert done.penalty == D("2.13") and done.total == D("1077.41")


def test_a_loan_type_without_compound_interest_is_charged_the_penalty_only(world):
    no_compound = loan_type("无复利测试贷款")
    no_compound.compound_interest = False
    no_compound.save()
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    loan = make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="NOCOMP",
        loan_type=no_compound,
        amount=D("10000.00"),
        annual_rate=D("4.35"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 4, 1),
        method="bullet",
    )
    summary = batch.batch_summary(Installment.objects.system("tests").filter(loan=loan), MAY_1)
    assert figures(summary) == (1, D("10000.00"), D("108.75"), D("54.38"), D("0.00"))  # compound would be 0.59
    done = batch.repayments_confirm_batch(actor=world.officer_a, installment_ids=ids(item(loan)), paid_on=MAY_1)
    assert figures(done) == figures(summary)


def test_one_settled_installment_refuses_the_whole_batch_and_nothing_is_written(world, bullet, ep3):
    services.repayment_confirm(actor=world.officer_a, installment_id=item(bullet).pk, amount=None, paid_on=MAY_1)
    chosen = ids(item(ep3, 1), item(bullet), item(ep3, 2))
    assert (
        batch.batch_summary(Installment.objects.system("tests").filter(pk__in=chosen), MAY_1).count == 2
    )  # the unsettled ones
    before = (
        Repayment.objects.system("tests").count(),
        AuditLog.objects.system("tests").filter(action=CONFIRMED).count(),
    )

    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(actor=world.officer_a, installment_ids=chosen, paid_on=MAY_1)

    assert err.value.message == batch.BATCH_SETTLED
    assert err.value.params == {"count": 1, "ious": "BULLET#1"}
    assert (
        (Repayment.objects.system("tests").count(), AuditLog.objects.system("tests").filter(action=CONFIRMED).count())
        == before
        == (1, 1)
    )
    assert_nothing_written_on_loan(ep3)


def assert_nothing_written_on_loan(loan):
    assert not Repayment.objects.system("tests").filter(loan=loan).exists()
    loan.refresh_from_db()
    assert (loan.outstanding_principal, loan.settled_on) == (loan.amount, None)
    assert not loan.installments.exclude(settled_on=None).exists()
    assert not loan.installments.exclude(principal_paid=0).exists()


def test_an_installment_outside_the_actors_scope_refuses_the_batch(world, ep3):
    own = _ep3(world, iou="EP3-B", officer=world.officer_b, village=world.village_b1)
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(
            actor=world.officer_b, installment_ids=ids(item(own, 1), item(ep3, 1), item(ep3, 2)), paid_on=MAY_1
        )
    assert err.value.message == batch.BATCH_MISSING and err.value.params == {"count": 2}
    assert_nothing_written(ep3, own)


def test_an_installment_that_does_not_exist_refuses_the_batch(world, ep3):
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(actor=world.admin, installment_ids=[item(ep3, 1).pk, 987_654_321], paid_on=MAY_1)
    assert err.value.message == batch.BATCH_MISSING and err.value.params == {"count": 1}
    assert_nothing_written(ep3)


@pytest.mark.parametrize(
    ("paid_on", "message"),
    [
        (timezone.localdate() + timedelta(days=1), services.FUTURE_DATE),
        (date(2025, 12, 31), services.BEFORE_START),  # BULLET starts 2026-01-01
    ],
)
def test_a_batch_dated_in_the_future_or_before_a_loan_is_refused(world, bullet, ep3, paid_on, message):
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(
            actor=world.officer_a, installment_ids=ids(item(ep3, 1), item(bullet)), paid_on=paid_on
        )
    assert err.value.message == message
    assert_nothing_written(bullet, ep3)


def test_a_batch_dated_before_an_installments_last_payment_is_refused(world, ep3):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=item(ep3, 1).pk, amount=D("10.00"), paid_on=date(2026, 4, 20)
    )
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(
            actor=world.officer_a, installment_ids=ids(item(ep3, 1), item(ep3, 2)), paid_on=date(2026, 4, 15)
        )
    assert err.value.message == services.BEFORE_LAST_PAYMENT
    assert Repayment.objects.system("tests").count() == 1 and item(ep3, 2).settled_on is None


def test_a_total_different_from_the_summary_the_user_saw_refuses_the_batch(world, bullet, ep3):
    chosen = ids(item(bullet), item(ep3, 1))
    shown = batch.batch_summary(Installment.objects.system("tests").filter(pk__in=chosen), MAY_1).total
    assert shown == D("10163.72") + D("1035.30")  # 1000 + 15.00 + 20.00 + 0.30
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(
            actor=world.officer_a, installment_ids=chosen, paid_on=MAY_1, expected_total=shown + D("0.01")
        )
    assert err.value.message == batch.BATCH_CHANGED
    assert err.value.params == {"total": D("11199.02"), "expected": D("11199.03")}
    assert_nothing_written(bullet, ep3)

    # Someone else takes a payment after the summary was shown: the old total no longer holds.
    services.repayment_confirm(actor=world.manager_a, installment_id=item(ep3, 1).pk, amount=D("1.00"), paid_on=MAY_1)
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(
            actor=world.officer_a, installment_ids=chosen, paid_on=MAY_1, expected_total=shown
        )
    assert err.value.message == batch.BATCH_CHANGED
    assert Repayment.objects.system("tests").count() == 1


def test_an_empty_or_oversized_selection_is_refused(world):
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(actor=world.officer_a, installment_ids=[], paid_on=MAY_1)
    assert err.value.message == batch.BATCH_EMPTY
    with pytest.raises(BusinessError) as err:
        batch.repayments_confirm_batch(
            actor=world.officer_a, installment_ids=range(1, batch.BATCH_MAX + 2), paid_on=MAY_1
        )
    assert err.value.message == batch.BATCH_TOO_LARGE


def test_one_audit_row_per_repayment(world, bullet, ep3):
    batch.repayments_confirm_batch(
        actor=world.officer_a, installment_ids=ids(item(bullet), *ep3.installments.all()), paid_on=MAY_1
    )
    rows = AuditLog.objects.system("tests").filter(action=CONFIRMED)
    repayments = Repayment.objects.system("tests").all()
    assert len(repayments) == 4
    assert sorted(int(row.target_id) for row in rows) == sorted(r.pk for r in repayments)
    assert {row.actor_id for row in rows} == {world.officer_a.pk}
    audit = rows.get(target_id=str(Repayment.objects.system("tests").get(installment=item(bullet)).pk))
    assert audit.changes["amount"] == "10163.72" and audit.changes["installment"] == 1


def _batch_queries(actor, installment_ids) -> int:
    with CaptureQueriesContext(connection) as queries:
        batch.repayments_confirm_batch(actor=actor, installment_ids=installment_ids, paid_on=MAY_1)
    return len(queries)


def test_a_batch_of_30_installments_takes_as_many_queries_as_a_batch_of_3(world):
    small = _ep3(world, iou="SMALL")
    large = [_ep3(world, iou=f"LARGE{n}") for n in range(10)]
    scope_for(world.officer_a)  # the scope is resolved once per user object; not part of the batch

    three = _batch_queries(world.officer_a, list(small.installments.values_list("pk", flat=True)))
    thirty = _batch_queries(
        world.officer_a, list(Installment.objects.system("tests").filter(loan__in=large).values_list("pk", flat=True))
    )

    assert Repayment.objects.system("tests").count() == 33
    assert Loan.objects.system("tests").filter(settled_on=MAY_1).count() == 11
    assert thirty == three


def test_reversing_one_repayment_of_a_batch_restores_its_installment_and_loan(world, bullet, ep3):
    batch.repayments_confirm_batch(
        actor=world.officer_a, installment_ids=ids(item(bullet), *ep3.installments.all()), paid_on=MAY_1
    )
    ep3.refresh_from_db()
    assert (ep3.outstanding_principal, ep3.settled_on) == (D("0.00"), MAY_1)
    entry = Repayment.objects.system("tests").get(installment=item(ep3, 2))

    reversal = services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="批量误选")

    assert (reversal.amount, reversal.reverses_id) == (-entry.amount, entry.pk)
    restored = item(ep3, 2)
    assert (restored.principal_paid, restored.interest_paid, restored.penalty_paid, restored.compound_paid) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )
    assert (restored.late_principal_days, restored.late_interest_days, restored.settled_on) == (
        D("0.00"),
        D("0.00"),
        None,
    )
    ep3.refresh_from_db()
    bullet.refresh_from_db()
    assert (ep3.outstanding_principal, ep3.settled_on) == (D("1000.00"), None)
    assert (bullet.outstanding_principal, bullet.settled_on) == (D("0.00"), MAY_1)  # untouched
    # It owes again what the batch had paid on it: 1000 + 10.00 + 13.00 + 0.13
    assert services.owing_on(restored, MAY_1).total == entry.amount == D("1023.13")
