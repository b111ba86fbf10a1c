"""The planner's statistics after a big import: it changes the tables' shape at once, so they are
refreshed at once too (autovacuum would take a minute or more, and meanwhile 资产质量 plans on a
tenth of the rows)."""

from django.db import connection

ANALYZE_AFTER_LOANS = 500
IMPORTED_TABLES = ("customers_customer", "loans_loan", "loans_planversion", "loans_installment", "repayments_repayment")


def refresh_statistics() -> None:
    """ANALYZE the tables a loan import fills (allowed inside a transaction, too)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(IMPORTED_TABLES)}")  # noqa: S608 - this module's table names
