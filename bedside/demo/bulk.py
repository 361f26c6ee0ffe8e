"""Bulk inserts of planned rows: PostgreSQL COPY where available, Django's bulk_create elsewhere.

Rows are tuples in the order of `columns` (attribute names such as `person_id`),
with primary keys chosen by the caller; `finish()` moves the id sequences past them.
Both paths skip Django's per-object work, which dominates bulk_create at this size.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.core.management.color import no_style
from django.db import connections, models
from django.db.models import Max

from bedside.core.bulkcopy import copy_rows


class RowWriter:
    def __init__(self, using: str = "default", *, copy: bool | None = None):
        self.connection = connections[using]
        self.using = using
        self.copy = self.connection.vendor == "postgresql" if copy is None else copy
        self.touched: set[type[models.Model]] = set()
        self.counts: dict[str, int] = {}

    def next_id(self, model: type[models.Model]) -> int:
        """The first free integer id of `model` (seeding starts on empty tables)."""
        return (model.objects.using(self.using).aggregate(m=Max("pk"))["m"] or 0) + 1

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
        self.touched.add(model)
        count = self._copy(model, columns, rows) if self.copy else self._execute_many(model, columns, rows)
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + count
        return count

    def _execute_many(self, model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """One prepared INSERT run for every row: the fast path on SQLite, values adapted per column."""
        fields = [model._meta.get_field(c) for c in columns]
        adapters = [self._adapter(f) for f in fields]
        table = self.connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(self.connection.ops.quote_name(f.column) for f in fields)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
        counter = itertools.count()

        def adapted() -> Iterator[tuple]:
            for row, _ in zip(rows, counter, strict=False):
                yield tuple(v if a is None or v is None else a(v) for a, v in zip(adapters, row, strict=True))

        with self.connection.cursor() as cursor:
            cursor.executemany(sql, adapted())
        return next(counter)

    def _adapter(self, field: models.Field) -> Callable | None:
        target = field.target_field if field.is_relation else field
        ops = self.connection.ops
        kind = target.get_internal_type()
        if kind == "DateTimeField":
            return ops.adapt_datetimefield_value
        if kind == "DateField":
            return ops.adapt_datefield_value
        if kind == "TimeField":
            return ops.adapt_timefield_value
        if kind == "DecimalField":
            return str
        if kind == "UUIDField":
            return lambda v: v.hex
        if kind == "JSONField":
            return json.dumps
        return None

    def _copy(self, model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        return copy_rows(model, columns, rows, using=self.using)

    def finish(self) -> None:
        """Move id sequences past the ids given explicitly, and refresh the planner's statistics."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), sorted(self.touched, key=str))
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            # Without statistics SQLite picks poor indexes for audience queries on fresh bulk data.
            cursor.execute("ANALYZE")
