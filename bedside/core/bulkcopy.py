"""Bulk writes for the few that insert tens of thousands of rows: COPY on PostgreSQL, executemany
of plain tuples on SQLite, and temporary id tables to filter by large sets of ids.

Django's bulk_create spends most of its time preparing each value of each object and,
with psycopg's client-side binding, quoting huge arrays in Python: 30,000 rows take
seconds. COPY (and SQLite's executemany) take plain tuples.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.db import connections, models


def copy_supported(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


# PostgreSQL types whose binary COPY format psycopg writes from the values Django models hold.
_BINARY_TYPES = {
    "bigint": "int8", "integer": "int4", "smallint": "int2", "boolean": "bool", "text": "text",
    "varchar": "varchar", "timestamp with time zone": "timestamptz", "date": "date", "uuid": "uuid",
    "numeric": "numeric", "double precision": "float8", "jsonb": "jsonb",
}  # fmt: skip


def _binary_types(connection, fields: Sequence[models.Field]) -> list[str] | None:
    """Each column's type for a binary COPY, or None when one has no safe binary form (then text).

    Binary COPY costs psycopg and the server several times less than text: no timestamps or
    uuids formatted and parsed again.
    """
    types = []
    for field in fields:
        db_type = (field.db_type(connection) or "").split("(")[0].strip().lower()
        found = _BINARY_TYPES.get(db_type)
        if found is None:
            return None
        types.append(found)
    return types


def _prepared(fields: Sequence[models.Field], rows: Iterable[tuple], *, binary: bool) -> Iterable[tuple]:
    """Rows as COPY takes them: JSON columns dumped with the field's encoder (wrapped, for binary),
    floats in decimal columns as Decimal (binary), the rest as they are."""
    converters = []
    for i, field in enumerate(fields):
        if isinstance(field, models.JSONField):
            dumps = functools.partial(json.dumps, cls=field.encoder)
            converters.append((i, _jsonb(dumps) if binary else dumps))
        elif binary and isinstance(field, models.DecimalField):
            converters.append((i, _decimal))
    if not converters:
        return rows
    return (_converted(row, converters) for row in rows)


def _converted(row: tuple, converters: list) -> tuple:
    values = list(row)
    for i, convert in converters:
        values[i] = convert(values[i])
    return tuple(values)


def _jsonb(dumps):
    from psycopg.types.json import Jsonb  # PostgreSQL only

    return lambda value: Jsonb(value, dumps=dumps)


def _decimal(value):
    return Decimal(repr(value)) if isinstance(value, float) else value  # None stays NULL


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


def copy_objects(objs: Sequence[models.Model], *, using: str = "default") -> int:
    """Insert unsaved instances of one model by COPY (PostgreSQL), as bulk_create would, without its
    per-value preparation: ids come from the table's sequence first and are set on the instances.

    Values go as they are on the instances (defaults already applied); JSON columns are dumped.
    """
    if not objs:
        return 0
    model = type(objs[0])
    connection = connections[using]
    pk = model._meta.pk
    missing = [obj for obj in objs if obj.pk is None]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(model._meta.db_table), pk.column, len(missing)],
            )
            for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
                obj.pk = value
    columns = [field.attname for field in model._meta.concrete_fields]
    count = copy_rows(model, columns, (tuple(getattr(obj, c) for c in columns) for obj in objs), using=using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return count


def _copy(connection, statement: str, model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Run `statement` (COPY ... FROM STDIN) with `rows`: in binary format when every column allows."""
    fields = [model._meta.get_field(c) for c in columns]
    types = _binary_types(connection, fields)
    if types is not None:
        statement = f"{statement} (FORMAT BINARY)"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        if types is not None:
            copy.set_types(types)
        for row in _prepared(fields, rows, binary=types is not None):
            copy.write_row(row)
            count += 1
    return count


def copy_new_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    returning: Sequence[str],
    then: tuple[str, Sequence] | None = None,
    using: str = "default",
) -> list[tuple]:
    """Insert the rows that break no unique constraint (others are skipped); returns `returning` of those inserted.

    COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING, so
    concurrent writers of the same rows stay safe, as with bulk_create(ignore_conflicts=True).
    `then`: (SQL, params) of a statement run on the inserted rows in the same statement, as a
    data-modifying WITH reading them as `inserted` (every column of the table), e.g. their audit lines.
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
        insert = f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
        if then is None:
            cursor.execute(f"{insert} RETURNING {back}")
        else:
            statement, params = then
            cursor.execute(
                f"WITH inserted AS ({insert} RETURNING *), followed AS ({statement}) SELECT {back} FROM inserted",
                params,
            )
        inserted = [tuple(r) for r in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {staging}")
    return inserted


def _sqlite_converters(connection, model: type[models.Model], columns: Sequence[str]) -> list:
    """One function per column turning a Python value into what SQLite stores, as the ORM would."""
    ops = connection.ops
    converters = []
    for name in columns:
        field = model._meta.get_field(name)
        if field.is_relation:
            field = field.target_field
        internal = field.get_internal_type()
        if internal == "DateTimeField":
            memo: dict = {}

            def datetime_value(value, memo=memo):
                if value is None:
                    return None
                found = memo.get(value)
                if found is None:
                    found = memo[value] = ops.adapt_datetimefield_value(value)
                return found

            converters.append(datetime_value)
        elif internal == "DateField":
            converters.append(ops.adapt_datefield_value)
        elif internal == "DecimalField":
            converters.append(lambda v: None if v is None else str(v))
        elif isinstance(field, models.JSONField):
            encoder = field.encoder
            converters.append(lambda v, encoder=encoder: json.dumps(v, cls=encoder))
        elif internal == "UUIDField":
            converters.append(lambda v: None if v is None else v.hex)
        else:
            converters.append(None)
    return converters


def _sqlite_rows(converters: list, rows: Iterable[tuple]) -> Iterable[tuple]:
    active = [(i, c) for i, c in enumerate(converters) if c is not None]
    for row in rows:
        values = list(row)
        for i, convert in active:
            values[i] = convert(values[i])
        yield values


def sqlite_insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    skip_conflicts: bool = False,
    using: str = "default",
) -> None:
    """executemany of plain tuples into the table: the ORM's per-object work costs more than SQLite's.

    `skip_conflicts`: rows that would break a unique constraint are left out (ON CONFLICT DO NOTHING).
    """
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    names = _names(connection, model, columns)
    marks = ", ".join("?" for _ in columns)
    converters = _sqlite_converters(connection, model, columns)
    conflicts = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    with connection.cursor() as cursor:
        cursor.cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks}){conflicts}", _sqlite_rows(converters, rows)
        )


def relaxed_commit(using: str = "default") -> None:
    """For a bulk job's transaction only (PostgreSQL): its commit does not wait for the WAL to reach disk.

    A crash right after could lose this transaction as a whole, never part of it; the job is re-run.
    """
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def insert_objects(objs: Sequence[models.Model], *, using: str = "default") -> int:
    """Insert unsaved instances of one model and set their ids, without bulk_create's per-value work:
    COPY on PostgreSQL (`copy_objects`); on SQLite one executemany inside the caller's transaction,
    whose write lock makes the new ids consecutive up to last_insert_rowid() (SQLite's bulk_create
    also splits rows into statements of 999 values, each compiled by Django).
    """
    if not objs:
        return 0
    connection = connections[using]
    if connection.vendor == "postgresql":
        return copy_objects(objs, using=using)
    model = type(objs[0])
    pk = model._meta.pk
    if connection.vendor != "sqlite" or not connection.in_atomic_block or any(o.pk is not None for o in objs):
        model._base_manager.using(using).bulk_create(objs, batch_size=1000)
        return len(objs)
    columns = [f.attname for f in model._meta.concrete_fields if f is not pk]
    sqlite_insert_rows(model, columns, (tuple(getattr(o, c) for c in columns) for o in objs), using=using)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
    for offset, obj in enumerate(objs, start=last - len(objs) + 1):
        obj.pk = offset
        obj._state.adding = False
        obj._state.db = using
    return len(objs)


_temporary_tables = itertools.count()


@contextmanager
def temporary_ids(ids: Iterable[int], *, using: str = "default") -> Iterator[str]:
    """A temporary table of `ids` for the life of the block; yields `SELECT id FROM <it>` to filter by.

    Tens of thousands of ids as `IN (%s, %s, ...)` cost Django a Python call per value and the
    database a parse per chunk; a subquery on a temporary table costs neither.
    """
    connection = connections[using]
    name = connection.ops.quote_name(f"tmp_ids_{next(_temporary_tables)}")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} (id bigint PRIMARY KEY)")
        values = sorted(set(ids))
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} (id) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8"])
                for value in values:
                    copy.write_row((value,))
        else:
            cursor.cursor.executemany(f"INSERT INTO {name} (id) VALUES (?)", [(v,) for v in values])
        if connection.vendor in ("postgresql", "sqlite"):
            cursor.execute(f"ANALYZE {name}")
    try:
        yield f"SELECT id FROM {name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
