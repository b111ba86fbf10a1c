"""Fast inserts of many rows with PostgreSQL's COPY.

For rows whose ids the caller does not need back (installments of new loans, imported
repayments), given as plain tuples so that no model instance is built per row; psycopg's
row writer formats the values (ints, dates, Decimals, strings, None).
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models


def copy_values(table: str, fields: Sequence[models.Field], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (values in `fields` order) into `table`."""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def bulk_insert_values(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain value tuples (attnames in `columns`) — the fast path for millions of rows.
    Call inside the caller's transaction."""
    fields = [model._meta.get_field(name) for name in columns]
    copy_values(model._meta.db_table, fields, rows)
