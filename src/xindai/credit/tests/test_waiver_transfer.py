"""减免: waived amounts are ledger entries of their own, shown in the waiver report, never counted
as collections. 移交: loans move to another officer/branch from a date; reports as of a past
date group by the officer and branch in force then."""

from datetime import date

import pytest

from xindai.core.errors import BusinessError
from xindai.core.scope import system_scope
from xindai.credit import transfer, waiver
from xindai.credit.models import CreditSettings, LoanAssignment
from xindai.credit.tests.helpers import D, loan_a, on
from xindai.repayments.models import Channel, Repayment
from xindai.repayments.services import owing_on, repayment_confirm, repayment_reverse
from xindai.reports import queries

pytestmark = pytest.mark.django_db
EVERYTHING = system_scope("tests")
DAY = date(2026, 3, 1)


def test_a_partial_waiver_of_penalty_is_a_ledger_entry_and_lowers_what_is_owed(world):
    loan = loan_a(world)
    first = loan.installments.get(period=1)  # 2,000.00 + 60.00 due 2026-02-15, 14 days overdue on 03-01
    with on(DAY):
        owed = owing_on(first, DAY)
        assert (owed.penalty, owed.compound) == (D("7.00"), D("0.21"))  # 2,000 × 14 × 9 % / 360; 60 × …
        record = waiver.installment_waive(
            actor=world.manager_a, installment_id=first.pk, penalty=D("5.00"), compound=D("0.21"), reason="协商减免"
        )
        first.refresh_from_db()
        after = owing_on(first, DAY)
    assert (after.penalty, after.compound, after.interest, after.principal) == (
        D("2.00"),
        D("0.00"),
        D("60.00"),
        D("2000.00"),
    )
    entry = record.repayment
    assert (entry.channel, entry.amount, entry.principal, entry.penalty, entry.compound) == (
        Channel.WAIVER,
        D("5.21"),
        D("0.00"),
        D("5.00"),
        D("0.21"),
    )
    assert entry.accounting_date == entry.paid_on == DAY
    rows, totals = waiver.waivers(EVERYTHING, DAY, DAY)
    assert [r.pk for r in rows] == [record.pk] and totals["total"] == D("5.21")
    assert queries.collection(EVERYTHING, "branch", DAY, DAY).total["total"] == 0  # waived is not received
    # The rest is paid as ever: 2.00 penalty first.
    with on(DAY):
        paid = repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=None, paid_on=DAY)
    assert (paid.penalty, paid.compound, paid.interest, paid.principal) == (
        D("2.00"),
        D("0.00"),
        D("60.00"),
        D("2000.00"),
    )


def test_a_waiver_is_reversed_like_any_entry(world):
    loan = loan_a(world)
    first = loan.installments.get(period=1)
    with on(DAY):
        record = waiver.installment_waive(
            actor=world.manager_a, installment_id=first.pk, penalty=D("7.00"), reason="减免"
        )
        repayment_reverse(actor=world.manager_a, repayment_id=record.repayment_id, reason="审批撤回")
        first.refresh_from_db()
        assert owing_on(first, DAY).penalty == D("7.00")
    _rows, totals = waiver.waivers(EVERYTHING, DAY, DAY)
    assert totals["total"] == 0


def test_waiving_more_than_owed_or_interest_without_the_setting_is_refused(world):
    loan = loan_a(world)
    first = loan.installments.get(period=1)
    with on(DAY):
        with pytest.raises(BusinessError):
            waiver.installment_waive(actor=world.manager_a, installment_id=first.pk, penalty=D("7.01"), reason="x")
        with pytest.raises(BusinessError) as err:
            waiver.installment_waive(actor=world.manager_a, installment_id=first.pk, interest=D("10.00"), reason="x")
        assert str(err.value) == str(waiver.INTEREST_NOT_ALLOWED)
        CreditSettings.objects.update_or_create(pk=1, defaults={"waive_interest": True})
        waiver.installment_waive(actor=world.manager_a, installment_id=first.pk, interest=D("10.00"), reason="x")
        first.refresh_from_db()
        assert owing_on(first, DAY).interest == D("50.00")
    assert Repayment.objects.system("tests").filter(channel=Channel.WAIVER).count() == 1


def test_the_waiver_channel_cannot_be_used_to_confirm_a_repayment(world):
    loan = loan_a(world)
    first = loan.installments.get(period=1)
    with on(DAY), pytest.raises(BusinessError):
        repayment_confirm(actor=world.admin, installment_id=first.pk, amount=D("7.00"), paid_on=DAY, channel="waiver")


def _by_key(report):
    return {row["key"]: row["outstanding_principal"] for row in report.rows}


def test_a_past_dated_officer_report_after_a_transfer_uses_the_officer_of_the_date(world):
    loans = [loan_a(world), loan_a(world)]
    with on(date(2026, 3, 10)):
        moved = transfer.loans_transfer(
            actor=world.manager_a,
            loan_ids=transfer.officer_loan_ids(world.manager_a, world.officer_a.pk),
            officer_id=world.officer_a1.pk,
            branch_id=None,
            effective_from=DAY,
            reason="王信贷调岗",
        )
    assert moved == 2
    for loan in loans:
        loan.refresh_from_db()
        assert (loan.officer_id, loan.handling_branch_id) == (world.officer_a1.pk, world.sub_branch_a1.pk)
    history = LoanAssignment.objects.children_of(loans[0]).get()
    assert (history.previous_officer_id, history.effective_from) == (world.officer_a.pk, DAY)
    with on(date(2026, 3, 10)):
        before = _by_key(queries.balance(EVERYTHING, "officer", date(2026, 2, 28)))
        after = _by_key(queries.balance(EVERYTHING, "officer", DAY))
        branches_before = _by_key(queries.balance(EVERYTHING, "branch", date(2026, 2, 28)))
        today = _by_key(queries.balance(EVERYTHING, "officer", date(2026, 3, 10)))
    assert before == {"officer_a": D("24000.00")}
    assert after == today == {"officer_a1": D("24000.00")}
    assert branches_before == {"0101": D("24000.00")}


def test_a_transfer_dated_before_the_last_one_is_refused(world):
    loan = loan_a(world)
    with on(date(2026, 3, 10)):
        transfer.loans_transfer(
            actor=world.admin,
            loan_ids=[loan.pk],
            officer_id=world.officer_a1.pk,
            branch_id=None,
            effective_from=DAY,
            reason="调岗",
        )
        with pytest.raises(BusinessError):
            transfer.loans_transfer(
                actor=world.admin,
                loan_ids=[loan.pk],
                officer_id=world.officer_a.pk,
                branch_id=None,
                effective_from=date(2026, 2, 1),
                reason="调回",
            )


def test_a_transfer_out_of_the_actor_scope_is_refused(world):
    loan = loan_a(world)
    with on(DAY), pytest.raises(BusinessError):
        transfer.loans_transfer(
            actor=world.manager_a,
            loan_ids=[loan.pk],
            officer_id=world.officer_b.pk,
            branch_id=None,
            effective_from=DAY,
            reason="调岗",
        )
