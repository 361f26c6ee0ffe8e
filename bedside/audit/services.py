"""The audit trail: every service that writes training data calls one of these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from bedside.audit.context import current_origin
from bedside.audit.models import AuditEntry
from bedside.core.bulkcopy import copy_rows, copy_supported, sqlite_insert_rows


def _target_type(target: models.Model | type[models.Model]) -> str:
    return target._meta.label_lower


def audit(*, actor: Any, action: str, target: models.Model, changes: dict | None = None) -> AuditEntry:
    """Append one audit line for a write to `target`."""
    origin = current_origin()
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=_target_type(target),
        target_id=str(target.pk),
        changes=changes or {},
        request_id=origin.request_id,
        origin=origin.origin,
    )


def audit_bulk(
    *,
    actor: Any,
    action: str,
    model: type[models.Model],
    targets: Iterable[tuple[Any, dict]],
    batch_size: int = 5000,
) -> int:
    """Append one audit line per (target id, changes) pair, in bulk inserts (COPY on PostgreSQL)."""
    origin = current_origin()
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    label = _target_type(model)
    columns = ("at", "actor_id", "action", "target_type", "target_id", "changes", "request_id", "origin")
    rows = (
        (now, actor_id, action, label, str(pk), changes, origin.request_id, origin.origin)
        for pk, changes in targets
    )
    # Hundreds of thousands of lines after a large roster import: plain tuples, not model instances.
    if copy_supported():
        return copy_rows(AuditEntry, columns, rows)
    if connection.vendor == "sqlite":
        rows = list(rows)
        sqlite_insert_rows(AuditEntry, columns, rows)
        return len(rows)
    entries = [AuditEntry(**dict(zip(columns, row, strict=True))) for row in rows]
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)


def audit_select(
    *,
    actor: Any,
    action: str,
    model: type[models.Model],
    ids_sql: str,
    changes: dict[str, str],
    params: Sequence[Any] = (),
) -> int:
    """One audit line per row of `model` whose id `ids_sql` selects, written by one INSERT ... SELECT.

    For writes of hundreds of thousands of rows: no Python per line. `changes` maps each key
    of the line's changes to an SQL expression over the row (alias `t`), e.g. {"person": "t.person_id"};
    `params` fill the placeholders of `ids_sql`.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    statement, values = audit_insert_sql(
        actor=actor,
        action=action,
        model=model,
        rows_sql=f"{table} t WHERE t.id IN ({ids_sql})",
        changes=changes,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *params])
        return cursor.rowcount


def audit_insert_sql(
    *, actor: Any, action: str, model: type[models.Model], rows_sql: str, changes: dict[str, str]
) -> tuple[str, list]:
    """The INSERT ... SELECT writing one audit line per row of `rows_sql` (a FROM clause aliasing the rows
    as `t`, with an `id` column), and its parameters (they come before any placeholder of `rows_sql`).

    Used as it is by `audit_select`, or inside a data-modifying WITH that audits the rows it inserts
    in the same statement (PostgreSQL).
    """
    origin = current_origin()
    ops = connection.ops
    pairs = ", ".join(f"'{key}', {expression}" for key, expression in changes.items())
    as_json = f"jsonb_build_object({pairs})" if connection.vendor == "postgresql" else f"json_object({pairs})"
    columns = ", ".join(
        ops.quote_name(AuditEntry._meta.get_field(name).column)
        for name in ("at", "actor", "action", "target_type", "target_id", "changes", "request_id", "origin")
    )
    statement = (
        f"INSERT INTO {ops.quote_name(AuditEntry._meta.db_table)} ({columns})"
        f" SELECT %s, %s, %s, %s, CAST(t.id AS TEXT), {as_json}, %s, %s FROM {rows_sql}"
    )
    params = [
        ops.adapt_datetimefield_value(timezone.now()),
        getattr(actor, "pk", None),
        action,
        _target_type(model),
        origin.request_id,
        origin.origin,
    ]
    return statement, params
