"""Fast inserts of many rows: COPY on PostgreSQL, bulk_create elsewhere.

For rows whose ids the caller does not need back (installments of new loans, imported
repayments), given as plain tuples so that no model instance is built per row.
"""

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if isinstance(value, str):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_text(objects: Iterable[models.Model], fields: Sequence[models.Field]) -> str:
    """The rows in COPY's text format, one line per object."""
    attnames = [f.attname for f in fields]
    return "".join("\t".join(_copy_value(getattr(obj, name)) for name in attnames) + "\n" for obj in objects)


def insert_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns an insert writes: every concrete field but an automatic primary key."""
    return [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]


def copy_rows(table: str, fields: Sequence[models.Field], text: str) -> None:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(text)


def bulk_insert_values(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain value tuples (attnames in `columns`) without building model instances —
    the fast path for millions of rows. COPY on PostgreSQL, bulk_create elsewhere."""
    fields = [model._meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        attnames = [f.attname for f in fields]
        model.objects.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=5000)
        return
    text = "".join("\t".join(_copy_value(v) for v in row) + "\n" for row in rows)
    copy_rows(model._meta.db_table, fields, text)
