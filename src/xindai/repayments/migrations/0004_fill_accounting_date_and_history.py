"""Every ledger entry gets an accounting date (the day it was booked: its creation day, never
before its value date); installments brought in as repaid without ledger entries (loan imports'
已还期数, the old demo) get them, channel 历史导入, value date = accounting date = due date."""

from django.db import migrations

ACCOUNTING_DATE = """
UPDATE repayments_repayment
SET accounting_date = GREATEST(paid_on, (created_at AT TIME ZONE 'Asia/Shanghai')::date)
"""
HISTORY = """
INSERT INTO repayments_repayment (loan_id, installment_id, paid_on, accounting_date, amount, principal, interest,
                                  penalty, compound, days_late, channel, remark, created_by_id, created_at)
SELECT i.loan_id, i.id, i.due_date, i.due_date,
       (i.principal_paid - COALESCE(s.p, 0)) + (i.interest_paid - COALESCE(s.i, 0))
         + (i.penalty_paid - COALESCE(s.pe, 0)) + (i.compound_paid - COALESCE(s.c, 0)),
       i.principal_paid - COALESCE(s.p, 0), i.interest_paid - COALESCE(s.i, 0),
       i.penalty_paid - COALESCE(s.pe, 0), i.compound_paid - COALESCE(s.c, 0), 0, 'history', '',
       COALESCE(l.created_by_id, l.officer_id), now()
FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
LEFT JOIN (SELECT installment_id, SUM(principal) p, SUM(interest) i, SUM(penalty) pe, SUM(compound) c
           FROM repayments_repayment GROUP BY installment_id) s ON s.installment_id = i.id
WHERE (i.principal_paid - COALESCE(s.p, 0)) + (i.interest_paid - COALESCE(s.i, 0))
      + (i.penalty_paid - COALESCE(s.pe, 0)) + (i.compound_paid - COALESCE(s.c, 0)) > 0
"""


class Migration(migrations.Migration):
    dependencies = [("repayments", "0003_accounting_date"), ("loans", "0007_fill_plan_versions_and_terms")]
    operations = [
        migrations.RunSQL(ACCOUNTING_DATE, migrations.RunSQL.noop),
        migrations.RunSQL(HISTORY, migrations.RunSQL.noop),
    ]
