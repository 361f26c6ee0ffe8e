"""Bulk inserts through PostgreSQL COPY, for the few writes that insert tens of thousands of rows.

Django's bulk_create spends most of its time preparing each value of each object and,
with psycopg's client-side binding, quoting huge arrays in Python: 30,000 rows take
seconds. COPY streams plain tuples. Callers keep bulk_create for other databases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connections, models


def copy_supported(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def _prepared(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> Iterable[tuple]:
    """Rows as COPY takes them: JSON columns dumped with the field's encoder, the rest as they are."""
    fields = [model._meta.get_field(c) for c in columns]
    json_at = [(i, f.encoder) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    if not json_at:
        return rows
    return (_dump_json(row, json_at) for row in rows)


def _dump_json(row: tuple, json_at: list) -> tuple:
    values = list(row)
    for i, encoder in json_at:
        values[i] = json.dumps(values[i], cls=encoder)
    return tuple(values)


def _names(connection, model: type[models.Model], columns: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)


def copy_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], *, using: str = "default"
) -> int:
    """COPY `rows` (tuples in the order of `columns`, attribute names such as `person_id`) into the table."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    return _copy(
        connection, f"COPY {table} ({_names(connection, model, columns)}) FROM STDIN", model, columns, rows
    )


def _copy(connection, statement: str, model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in _prepared(model, columns, rows):
            copy.write_row(row)
            count += 1
    return count


def copy_new_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    returning: Sequence[str],
    using: str = "default",
) -> list[tuple]:
    """Insert the rows that break no unique constraint (others are skipped); returns `returning` of those inserted.

    COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING, so
    concurrent writers of the same rows stay safe, as with bulk_create(ignore_conflicts=True).
    """
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    staging = connection.ops.quote_name(f"bulk_{model._meta.db_table}")
    names = _names(connection, model, columns)
    back = _names(connection, model, returning)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {names} FROM {table} WITH NO DATA")
        _copy(connection, f"COPY {staging} ({names}) FROM STDIN", model, columns, rows)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING RETURNING {back}"
        )
        inserted = [tuple(r) for r in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {staging}")
    return inserted
