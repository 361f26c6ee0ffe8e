"""SQLite: the FTS5 index gains a sixth column holding one token in every row, read from a view
over library_searchentry, so a search can keep a common word for ranking without matching on it
(`(rare words) AND (common words OR every row)`; see bedside/library/search.py). PostgreSQL is
unchanged. The index is rebuilt from the entries.

A later migration that remakes library_searchentry on SQLite must drop the view and the triggers
first and make them again after (as this one does)."""

from django.db import migrations

from bedside.library.migrations import _search_sqlite as sql


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*sql.DROP, *sql.create(every_row=True), sql.REBUILD]:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*sql.DROP, *sql.create(every_row=False), sql.REBUILD]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("library", "0003_imports")]

    operations = [migrations.RunPython(forward, backward)]
