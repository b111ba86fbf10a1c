"""Confirming and reversing repayments against hand-worked figures."""

import threading
from datetime import date
from decimal import Decimal

import pytest

from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import services
from xindai.repayments.models import Repayment

D = Decimal


@pytest.fixture
def bullet(world):
    """10,000.00 at 4.35 %, 2026-01-01 to 2026-04-01, 利随本清: interest 108.75 (90 days)."""
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    return make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="BULLET",
        amount=D("10000.00"),
        annual_rate=D("4.35"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 4, 1),
        method="bullet",
        loan_type=loan_type("农户小额信用贷款"),
    )


def installment(loan, period=1):
    return loan.installments.get(period=period)


def test_owing_30_days_overdue_includes_penalty_and_compound(bullet):
    owing = services.owing_on(installment(bullet), date(2026, 5, 1))
    # penalty 10000 × 30 × 4.35 × 1.5 / 36000 = 54.375 → 54.38; compound 108.75 × 30 × … = 0.59
    assert (owing.principal, owing.interest, owing.penalty, owing.compound) == (
        D("10000.00"),
        D("108.75"),
        D("54.38"),
        D("0.59"),
    )
    assert owing.total == D("10163.72")


def test_a_partial_payment_goes_to_penalty_compound_interest_then_principal(world, bullet):
    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("100.00"), paid_on=date(2026, 5, 1)
    )
    assert (entry.penalty, entry.compound, entry.interest, entry.principal) == (
        D("54.38"),
        D("0.59"),
        D("45.03"),
        D("0.00"),
    )
    item = installment(bullet)
    assert (item.penalty_paid, item.compound_paid, item.interest_paid, item.principal_paid, item.settled_on) == (
        D("54.38"),
        D("0.59"),
        D("45.03"),
        D("0.00"),
        None,
    )
    assert AuditLog.objects.system("tests").filter(action="repayments.repayment.confirmed").exists()


def test_paying_everything_settles_the_installment_and_the_loan(world, bullet):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=None, paid_on=date(2026, 4, 1)
    )
    bullet.refresh_from_db()
    assert installment(bullet).settled_on == date(2026, 4, 1)
    assert (bullet.outstanding_principal, bullet.settled_on) == (D("0.00"), date(2026, 4, 1))
    with pytest.raises(BusinessError) as err:
        services.repayment_confirm(
            actor=world.officer_a, installment_id=installment(bullet).pk, amount=None, paid_on=date(2026, 4, 2)
        )
    assert err.value.message == services.NOTHING_OWED


def test_overpayment_is_refused_and_nothing_is_written(world, bullet):
    with pytest.raises(BusinessError) as err:
        services.repayment_confirm(
            actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("10163.73"), paid_on=date(2026, 5, 1)
        )
    assert "10,163.72" in str(err.value)
    assert not Repayment.objects.system("tests").exists() and installment(bullet).interest_paid == 0


def test_future_dates_and_dates_before_the_loan_are_refused(world, bullet):
    for day, message in [(date(2099, 1, 1), services.FUTURE_DATE), (date(2025, 12, 31), services.BEFORE_START)]:
        with pytest.raises(BusinessError) as err:
            services.repayment_confirm(
                actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("1.00"), paid_on=day
            )
        assert err.value.message == message


def test_reversing_a_settling_payment_restores_the_loan(world, bullet):
    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=None, paid_on=date(2026, 4, 1)
    )
    reversal = services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="柜员录错金额")
    assert (reversal.amount, reversal.reverses) == (-entry.amount, entry)
    bullet.refresh_from_db()
    item = installment(bullet)
    assert (bullet.outstanding_principal, bullet.settled_on) == (D("10000.00"), None)
    assert (item.principal_paid, item.interest_paid, item.settled_on) == (D("0.00"), D("0.00"), None)
    assert (
        AuditLog.objects.system("tests").get(action="repayments.repayment.reversed").changes["reason"] == "柜员录错金额"
    )
    # Penalty now accrues again as if the payment never happened.
    assert services.owing_on(item, date(2026, 5, 1)).penalty == D("54.38")


def test_a_repayment_is_reversed_once_and_never_edited(world, bullet):
    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("50.00"), paid_on=date(2026, 4, 1)
    )
    reversal = services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="重复录入")
    with pytest.raises(BusinessError) as err:
        services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="again")
    assert err.value.message == services.ALREADY_REVERSED
    with pytest.raises(BusinessError) as err:
        services.repayment_reverse(actor=world.manager_a, repayment_id=reversal.pk, reason="again")
    assert str(err.value) == "冲正记录不能再冲正；如需恢复，请重新确认还款。"
    with pytest.raises(BusinessError) as err:
        services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="  ")
    assert err.value.message == services.REASON_REQUIRED


def test_the_newest_repayment_is_reversed_first(world, bullet):
    first = services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("50.00"), paid_on=date(2026, 4, 1)
    )
    services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("50.00"), paid_on=date(2026, 4, 1)
    )
    with pytest.raises(BusinessError) as err:
        services.repayment_reverse(actor=world.manager_a, repayment_id=first.pk, reason="错误")
    assert err.value.message == services.LATER_PAYMENTS


def test_a_principal_payment_after_the_due_date_stops_penalty_on_what_it_paid(world, bullet):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("4108.75"), paid_on=date(2026, 4, 1)
    )  # interest and 4,000 principal
    owing = services.owing_on(installment(bullet), date(2026, 5, 1))
    # 6,000 × 30 × 4.35 × 1.5 / 36000 = 32.625 → 32.63; no interest left, so no compound
    assert (owing.principal, owing.interest, owing.penalty, owing.compound) == (
        D("6000.00"),
        D("0.00"),
        D("32.63"),
        D("0.00"),
    )


@pytest.mark.django_db(transaction=True)
def test_two_clerks_confirming_the_same_installment_post_it_once(world, bullet):
    item_id = installment(bullet).pk
    barrier, outcomes = threading.Barrier(2), []

    def confirm():
        from django.db import connections

        barrier.wait()
        try:
            services.repayment_confirm(
                actor=world.officer_a, installment_id=item_id, amount=None, paid_on=date(2026, 4, 1)
            )
            outcomes.append("posted")
        except BusinessError as err:
            outcomes.append(str(err.message))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["posted", str(services.NOTHING_OWED)])
    assert Repayment.objects.system("tests").filter(installment_id=item_id).count() == 1


@pytest.mark.parametrize(
    "user_kind, sees",
    [
        ("admin", True),
        ("manager_a", True),
        ("officer_a", True),
        ("officer_b", False),
        ("county_user_a", True),
        ("township_user_a2", False),
    ],
)
def test_repayments_are_scoped_like_their_loan(world, bullet, user_kind, sees):
    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("10.00"), paid_on=date(2026, 4, 1)
    )
    assert Repayment.objects.visible_to(getattr(world, user_kind)).filter(pk=entry.pk).exists() is sees


def test_a_reversed_repayment_still_fixes_the_loans_terms_and_shows_on_its_page(world, login, bullet):
    from django.urls import reverse

    from xindai.loans.services import has_repayments

    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=installment(bullet).pk, amount=D("10.00"), paid_on=date(2026, 4, 1)
    )
    services.repayment_reverse(actor=world.manager_a, repayment_id=entry.pk, reason="录错")
    assert has_repayments(bullet)
    page = login(world.officer_a).get(reverse("loans:detail", args=[bullet.pk])).content.decode()
    assert "录错" in page and "-10.00" in page
