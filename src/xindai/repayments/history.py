"""The ledger of periods repaid before the system (历史导入): a loan file's 已还期数 become ledger
entries, value date = accounting date = due date, so every report counts them."""

from django.db import connection

from xindai.loans.services import on_paid_history

# Installments of the given loans paid in full with no ledger entry behind them, one entry each.
_HISTORY = """
INSERT INTO repayments_repayment (loan_id, installment_id, paid_on, accounting_date, amount, principal, interest,
                                  penalty, compound, days_late, channel, remark, created_by_id, created_at)
SELECT i.loan_id, i.id, i.due_date, i.due_date, i.principal_paid + i.interest_paid, i.principal_paid,
       i.interest_paid, 0, 0, 0, 'history', '', COALESCE(%s, l.officer_id), now()
FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
WHERE i.loan_id = ANY(%s) AND i.principal_paid + i.interest_paid > 0
  AND NOT EXISTS (SELECT 1 FROM repayments_repayment r WHERE r.installment_id = i.id)
"""


@on_paid_history
def record_history(loan_ids: list[int], actor) -> int:
    """Write the history entries of `loan_ids` (one statement); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(_HISTORY, [getattr(actor, "pk", None), list(loan_ids)])
        return cursor.rowcount
