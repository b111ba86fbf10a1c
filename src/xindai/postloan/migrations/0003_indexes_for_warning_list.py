"""Indexes the warning list reads (postloan/warnings.py, postloan/selectors.py):

- the settled installments of a loan, latest period first, with what the payments-getting-later
  rule reads of them (`_paying_later`): its look at each candidate loan's last N settled
  installments is an index-only read of N entries, not a sort of the loan's whole plan;
- each customer's village beside the id (`villages_in_scope`, the list's village filter): the
  join of the loans in scope to their borrowers' villages is an index-only scan, not a read of
  every customer row;
- each loan officer's loans by handling branch (`officers_in_scope`, the list's officer filter):
  whether an officer has a loan in a branch scope is one index probe, not a read of the
  officer's every loan.

The view's other reads (the rules, the page) need no more than the indexes of 0002."""

from django.db import migrations

BY_PERIOD = "postloan_installment_settled_by_period"
VILLAGE = "postloan_customer_village"
OFFICER = "postloan_loan_officer_branch"


class Migration(migrations.Migration):
    dependencies = [
        ("postloan", "0002_indexes_for_warning_rules"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {BY_PERIOD} ON loans_installment (loan_id, period DESC)"
            " INCLUDE (settled_on, payable_on, in_force_from, superseded_on) WHERE settled_on IS NOT NULL",
            f"DROP INDEX IF EXISTS {BY_PERIOD}",
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {VILLAGE} ON customers_customer (id) INCLUDE (village_id)",
            f"DROP INDEX IF EXISTS {VILLAGE}",
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {OFFICER} ON loans_loan (officer_id, handling_branch_id)",
            f"DROP INDEX IF EXISTS {OFFICER}",
        ),
    ]
