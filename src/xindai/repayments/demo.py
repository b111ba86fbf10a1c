"""The demo book's repayment history, confirmed through the real services (还款确认, 批量处理,
冲正, 提前还款), so that every figure of the ledger, the reports and the loan pages comes from the
same path as a clerk's work.

Most borrowers pay on the due date; some pay a few days late (and pay the penalty), some pay an
installment in two parts, about one loan in twelve stops paying at some point and stays overdue.
One payment is reversed by mistake and confirmed again; a few loans are repaid early, in part or
in full. The history is replayed day by day in date order, so every payment is entered after the
ones before it, as at the counter: the payments of one branch on one day are confirmed in one batch
by a user of that branch who sees its loans (its manager); partial and early repayments by the
loan's officer.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from xindai.core.errors import BusinessError
from xindai.loans.models import Installment, Loan
from xindai.repayments import batch, early, services
from xindai.repayments.models import Channel, Repayment

CHANNELS = [Channel.COUNTER, Channel.COUNTER, Channel.TRANSFER, Channel.DEBIT]
LATE_SHARE = 0.08  # installments paid a few days after they fell due
PARTIAL_SHARE = 0.03  # installments paid in two parts
STOPS_PAYING_SHARE = 1 / 12  # loans left overdue from some installment on
EARLY_PARTIAL, EARLY_FULL = 3, 3  # loans repaid early, in part / in full


@dataclass(frozen=True, slots=True)
class _Event:
    day: date
    kind: str  # "settle" (in full, batched), "part" (a first partial payment), "early"
    officer_id: int
    branch_id: int
    installment_id: int = 0
    loan_id: int = 0
    share: Decimal = Decimal("0.5")
    full: bool = False


def _plan_history(rng: random.Random, loans: list[Loan], rows: dict[int, list[Installment]], today: date):
    """What happens to each loan until yesterday, as dated events."""
    events: list[_Event] = []
    early_loans = rng.sample(
        [loan for loan in loans if loan.end_date > today + timedelta(days=90)], k=EARLY_PARTIAL + EARLY_FULL
    )
    early_at = {loan.pk: i for i, loan in enumerate(early_loans)}
    for loan in loans:
        stops_at = None
        if rng.random() < STOPS_PAYING_SHARE:
            stops_at = today - timedelta(days=rng.randrange(20, 200))
        early_day = None
        if loan.pk in early_at:
            early_day = today - timedelta(days=rng.randrange(3, 40))
        yesterday = today - timedelta(days=1)
        for row in rows[loan.pk]:
            if row.due_date >= today or (stops_at and row.due_date > stops_at):
                break
            if early_day and row.due_date >= early_day:
                break

            def event(day, kind="settle", row=row, loan=loan):
                return _Event(day, kind, loan.officer_id, loan.handling_branch_id, installment_id=row.pk)

            roll = 1.0 if early_day else rng.random()  # an early repayment needs the plan paid up to it
            if roll < PARTIAL_SHARE:
                events.append(event(row.due_date, "part"))
                events.append(event(min(row.due_date + timedelta(days=rng.randrange(5, 25)), yesterday)))
            elif roll < PARTIAL_SHARE + LATE_SHARE:
                events.append(event(min(row.due_date + timedelta(days=rng.randrange(2, 20)), yesterday)))
            else:
                events.append(event(row.due_date))
        if early_day:
            events.append(
                _Event(
                    early_day,
                    "early",
                    loan.officer_id,
                    loan.handling_branch_id,
                    loan_id=loan.pk,
                    full=early_at[loan.pk] >= EARLY_PARTIAL,
                )
            )
    return events


def build_history(loan_ids, *, seed: int = 2026, today: date, actors: dict, tellers: dict) -> int:
    """Confirm the history of the loans `loan_ids` up to yesterday. `actors` maps an officer id to
    its user, `tellers` a branch id to the user confirming its batches (who must see the branch's
    loans). Returns the number of ledger entries written."""
    rng = random.Random(seed)
    loans = list(Loan.objects.filter(pk__in=list(loan_ids)).order_by("pk"))
    rows: dict[int, list[Installment]] = defaultdict(list)
    for row in Installment.objects.filter(loan__in=loans).order_by("loan_id", "period"):
        rows[row.loan_id].append(row)
    events = _plan_history(rng, loans, rows, today)
    by_day: dict[date, list[_Event]] = defaultdict(list)
    for event in events:
        by_day[event.day].append(event)
    before = Repayment.objects.filter(loan__in=loans).count()
    for day in sorted(by_day):
        _replay_day(rng, day, by_day[day], actors, tellers)
    # The replayed days were booked on the days they happened (a counter books the same day): their
    # accounting date is their value date, so each past month's collections are its own. The
    # reversal below is booked today, by the service.
    Repayment.objects.filter(loan__in=loans).update(accounting_date=F("paid_on"))
    _reverse_one(rng, loans, actors)
    return Repayment.objects.filter(loan__in=loans).count() - before


def _replay_day(rng: random.Random, day: date, events: list[_Event], actors: dict, tellers: dict) -> None:
    for event in (e for e in events if e.kind == "part"):
        row = Installment.objects.select_related("loan").get(pk=event.installment_id)
        owing = services.owing_on(row, day)
        part = (owing.total * event.share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        services.repayment_confirm(
            actor=actors[event.officer_id],
            installment_id=row.pk,
            amount=part,
            paid_on=day,
            channel=Channel.COUNTER,
            remark="部分还款",
        )
    batches: dict[int, list[int]] = defaultdict(list)
    for event in events:
        if event.kind == "settle":
            batches[event.branch_id].append(event.installment_id)
    for branch_id, ids in batches.items():
        batch.repayments_confirm_batch(
            actor=tellers[branch_id], installment_ids=ids, paid_on=day, channel=rng.choice(CHANNELS)
        )
    for event in (e for e in events if e.kind == "early"):
        loan = Loan.objects.get(pk=event.loan_id)
        principal = None if event.full else (loan.outstanding_principal / 2).quantize(Decimal("1"))
        try:
            early.early_repayment_confirm(
                actor=actors[event.officer_id], loan_id=loan.pk, paid_on=day, principal=principal, remark="提前还款"
            )
        except BusinessError:
            continue  # e.g. an installment of that loan falls due the same day: no early repayment then


def _reverse_one(rng: random.Random, loans: list[Loan], actors: dict) -> None:
    """A clerk's mistake: the newest payment of a loan is reversed (冲正) and confirmed again."""
    newest = (
        Repayment.objects.filter(loan__in=loans, reverses__isnull=True, reversal__isnull=True, early__isnull=True)
        .select_related("loan", "installment")
        .order_by("-paid_on", "-pk")
        .first()
    )
    if newest is None:
        return
    actor = actors[newest.loan.officer_id]
    services.repayment_reverse(actor=actor, repayment_id=newest.pk, reason="柜员录入错误，冲正后重新确认")
    services.repayment_confirm(
        actor=actor,
        installment_id=newest.installment_id,
        amount=newest.amount,
        paid_on=newest.paid_on,
        channel=newest.channel,
        remark="冲正后重新确认",
    )
