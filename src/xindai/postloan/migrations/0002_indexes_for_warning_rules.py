"""Partial indexes the early-warning rules read (postloan/warnings.py), on the tables of the apps
below: installments settled after their payable date (payments getting later) and live payments
that are not history imports nor reversals (repeated partial payments), and
customers whose mobile is flagged 空号. Each holds only the rows
a rule can fire on, so the rules read a few rows instead of the whole ledger."""

from django.db import migrations

LATE = "postloan_installment_late_settled"
LIVE = "postloan_repayment_live"
VACANT = "postloan_customer_mobile_vacant"


class Migration(migrations.Migration):
    dependencies = [
        ("postloan", "0001_inspections_warning_rules"),
        ("repayments", "0005_accounting_date_required"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {LATE} ON loans_installment (settled_on) INCLUDE (loan_id)"
            " WHERE settled_on > payable_on",
            f"DROP INDEX IF EXISTS {LATE}",
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {LIVE} ON repayments_repayment (paid_on) INCLUDE (loan_id, installment_id)"
            " WHERE reverses_id IS NULL AND channel <> 'history'",
            f"DROP INDEX IF EXISTS {LIVE}",
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {VACANT} ON customers_customer (id) WHERE mobile_vacant",
            f"DROP INDEX IF EXISTS {VACANT}",
        ),
    ]
