"""Append-only tables: the ledger of learning records and the audit trail.

Three lines of defence, so no code path edits evidence by accident:
- the model refuses `save()` of an existing row and `delete()` (`AppendOnlyModel`);
- its querysets refuse `.update()` and `.delete()` (`AppendOnlyQuerySet`), which also
  covers `bulk_update` and related managers;
- triggers in the database refuse UPDATE and DELETE, whatever the client (raw SQL,
  another tool). They guard against mistakes, not a hostile database owner, who can
  drop a trigger: that takes a database role without DDL rights.

The one legitimate bulk removal is Django's `flush` (tests with `transaction=True`, live
server tests, `manage.py flush`). On PostgreSQL it TRUNCATEs, which fires no row or
DELETE trigger. On SQLite it runs DELETE, so the DELETE trigger lets rows through while
the session flag is set: `purge_allowed()` sets it (the function `bedside_purge_allowed()`
on SQLite, the setting `bedside.purge_allowed` on PostgreSQL), and our `flush` command
(audit/management/commands/flush.py) wraps Django's in it. UPDATE is never let through.
A table rebuild by a SQLite migration drops its triggers: the tests in
audit/tests/test_append_only.py fail if that happens, so such a migration must recreate them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, models

PG_SETTING = "bedside.purge_allowed"
SQLITE_FUNCTION = "bedside_purge_allowed"


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that adds and reads, and refuses to change or remove rows."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only: update() is refused.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only: delete() is refused.")

    update.queryset_only = True
    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A row written once: saving an existing row or deleting one raises `AppendOnlyError`."""

    append_only_reason = "append-only"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self.append_only_reason}: never edited.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.append_only_reason}: never deleted.")


@contextmanager
def purge_allowed(using: str = "default") -> Iterator[None]:
    """Let DELETE through the append-only triggers on this connection, for `flush` only."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [PG_SETTING])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [PG_SETTING])
        return
    connection.bedside_purge_allowed = True
    try:
        yield
    finally:
        connection.bedside_purge_allowed = False


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the SQLite triggers ask this function whether a purge is on."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_FUNCTION, 0, lambda: 1 if getattr(connection, "bedside_purge_allowed", False) else 0
    )


def _message(table: str, operation: str, why: str) -> str:
    return f"{table} is append-only: {operation} is refused. {why}"


def create_triggers(schema_editor, *, table: str, why: str) -> None:
    """Install the triggers refusing UPDATE and DELETE on `table` (a migration's RunPython step)."""
    vendor = schema_editor.connection.vendor
    quoted = schema_editor.quote_name(table)
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION bedside_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  IF TG_OP = 'DELETE' AND current_setting('{PG_SETTING}', true) = 'on' THEN\n"
            "    RETURN NULL;\n"
            "  END IF;\n"
            "  RAISE EXCEPTION '% is append-only: % is refused. %', TG_TABLE_NAME, TG_OP, TG_ARGV[0]\n"
            "    USING ERRCODE = 'integrity_constraint_violation';\n"
            "END $$",
            None,
        )
        literal = why.replace("'", "''")
        schema_editor.execute(
            f"CREATE TRIGGER {schema_editor.quote_name(table + '_append_only')}"
            f" BEFORE UPDATE OR DELETE ON {quoted}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION bedside_refuse_change('{literal}')",
            None,
        )
    elif vendor == "sqlite":
        for operation, condition in (("UPDATE", ""), ("DELETE", f" WHEN NOT {SQLITE_FUNCTION}()")):
            message = _message(table, operation, why).replace("'", "''")
            name = schema_editor.quote_name(f"{table}_no_{operation.lower()}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {quoted}{condition}"
                f" BEGIN SELECT RAISE(ABORT, '{message}'); END",
                None,
            )
    else:
        raise NotImplementedError(f"No append-only triggers for the {vendor} database")


def drop_triggers(schema_editor, *, table: str) -> None:
    """Remove what `create_triggers` installed (the migration's reverse)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        name = schema_editor.quote_name(table + "_append_only")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {schema_editor.quote_name(table)}", None)
    elif vendor == "sqlite":
        for operation in ("update", "delete"):
            name = schema_editor.quote_name(f"{table}_no_{operation}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", None)
