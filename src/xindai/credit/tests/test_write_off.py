"""核销: a loss-class loan's principal and interest leave the balance sheet (the register keeps
them); the loan stays collectable and its recoveries are reported on their own (核销后收回)."""

from datetime import date

import pytest

from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.credit import writeoff
from xindai.credit.models import WriteOff
from xindai.credit.tests.helpers import D, loan_a, on
from xindai.repayments.services import repayment_confirm
from xindai.reports import queries

pytestmark = pytest.mark.django_db
EVERYTHING = system_scope("tests")
DAY = date(2026, 3, 1)


def _loss_loan(world):
    """12,000.00 at 6.00 % 等额本金 2025-01-15 to 2025-07-15, nothing paid: 379 days overdue on 2026-03-01."""
    return loan_a(world, start_date=date(2025, 1, 15), end_date=date(2025, 7, 15))


def test_write_off_takes_principal_and_owed_interest_off_the_balance_sheet(world):
    loan = _loss_loan(world)
    with on(DAY):
        row = writeoff.loan_write_off(actor=world.manager_a, loan_id=loan.pk, reason="借款人死亡，无财产可供执行")
    assert row.written_off_on == DAY and row.principal == D("12000.00")
    assert row.interest == D("210.00")  # 60 + 50 + 40 + 30 + 20 + 10
    # Penalty at 6 % × 1.5 on each 2,000.00 (379, 351, 320, 290, 259, 229 days): 914.00; compound
    # on each period's interest: 5.69 + 4.39 + 3.20 + 2.18 + 1.30 + 0.57 = 17.33.
    assert row.penalty == D("931.33")
    loan.refresh_from_db()
    assert loan.outstanding_principal == D("12000.00")  # the debt remains (账销案存)
    before = queries.balance(EVERYTHING, "branch", date(2026, 2, 28))
    after = queries.balance(EVERYTHING, "branch", DAY)
    assert before.total["outstanding_principal"] == D("12000.00")
    assert after.total["outstanding_principal"] == 0 and after.total["interest_off_balance"] == 0
    with on(DAY):
        quality = queries.quality(EVERYTHING, "branch", DAY, compare=False)
    assert quality.total["loss"] == 0 and quality.total["npl"] == 0


def test_only_a_loss_class_loan_can_be_written_off(world):
    loan = loan_a(world)  # not overdue on 2026-02-01
    with on(date(2026, 2, 1)), pytest.raises(BusinessError) as err:
        writeoff.loan_write_off(actor=world.manager_a, loan_id=loan.pk, reason="核销")
    assert "正常" in str(err.value) or "normal" in str(err.value)
    assert not WriteOff.objects.system("tests").exists()


def test_a_loan_is_written_off_once(world):
    loan = _loss_loan(world)
    with on(DAY):
        writeoff.loan_write_off(actor=world.manager_a, loan_id=loan.pk, reason="核销")
        with pytest.raises(BusinessError):
            writeoff.loan_write_off(actor=world.manager_a, loan_id=loan.pk, reason="核销")


def test_recoveries_after_write_off_are_reported_on_their_own_and_not_as_collections(world):
    loan = _loss_loan(world)
    first = loan.installments.get(period=1)
    with on(DAY):
        repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=D("100.00"), paid_on=DAY)
        writeoff.loan_write_off(actor=world.manager_a, loan_id=loan.pk, reason="核销")
    row = WriteOff.objects.system("tests").get()
    assert row.principal == D("12000.00")  # the 100.00 went to penalty first (先罚息)
    with on(date(2026, 3, 5)):
        repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=D("2000.00"), paid_on=date(2026, 3, 5))
    collected = queries.collection(EVERYTHING, "branch", DAY, date(2026, 3, 31))
    assert collected.total["total"] == D("100.00")  # the payment before the write-off only
    recovered = list(writeoff.recoveries(EVERYTHING, DAY, date(2026, 3, 31)))
    assert len(recovered) == 1 and recovered[0].recovered_total == D("2000.00")
    assert writeoff.recovery_entries(EVERYTHING).count() == 1
    # Reconciliation with the write-off: opening − collected − written off = closing.
    opening = queries.balance(EVERYTHING, "branch", date(2026, 2, 28)).total["outstanding_principal"]
    gone = sum(queries.written_off(EVERYTHING, "branch", DAY, date(2026, 3, 31)).values())
    closing = queries.balance(EVERYTHING, "branch", date(2026, 3, 31)).total["outstanding_principal"]
    assert opening - collected.total["principal"] - gone == closing == 0


def test_the_charts_trend_counts_write_offs_and_the_watch_floor_as_the_reports_do(world):
    from xindai.credit import restructure
    from xindai.credit.models import LoanChange

    lost = _loss_loan(world)
    watched = loan_a(world)
    first = watched.installments.get(period=1)
    with on(date(2026, 2, 15)):
        repayment_confirm(actor=world.admin, installment_id=first.pk, amount=None, paid_on=date(2026, 2, 15))
    with on(DAY):
        writeoff.loan_write_off(actor=world.manager_a, loan_id=lost.pk, reason="核销")
        restructure.loan_change_apply(
            actor=world.officer_a,
            loan_id=watched.pk,
            kind=LoanChange.Kind.RESTRUCTURING,
            effective_from=DAY,
            new_end_date=date(2027, 1, 15),
            method="equal_principal",
            annual_rate=D("5.00"),
            reason="重组",
        )
    days = [date(2026, 2, 28), DAY, date(2026, 3, 10), date(2026, 3, 20), date(2026, 4, 30)]
    with on(date(2026, 5, 1)):
        points = queries.trend(EVERYTHING, days)
        for point, day in zip(points, days, strict=True):
            total = queries.quality(EVERYTHING, "branch", day, compare=False).total
            assert (point["outstanding_principal"], point["npl"]) == (total["outstanding_principal"], total["npl"]), day
    assert points[0]["outstanding_principal"] == D("22000.00") and points[0]["npl"] == D("12000.00")
    assert points[1]["outstanding_principal"] == D("10000.00") and points[1]["npl"] == 0
    assert points[3]["npl"] == D("10000.00")  # restructured, overdue again while watched: 次级 at least
