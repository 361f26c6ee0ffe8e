"""The search index on each database: an FTS5 table kept in step by triggers (SQLite), a stored
weighted tsvector with a GIN index (PostgreSQL). See bedside/library/search.py."""

from django.db import migrations

COLUMNS = "title, key_points, body, tags, attachments"
NEW = "new.title, new.key_points, new.body, new.tags, new.attachments"
OLD = "old.title, old.key_points, old.body, old.tags, old.attachments"

SQLITE = [
    f"""CREATE VIRTUAL TABLE library_search_fts USING fts5({COLUMNS}, content='library_searchentry',
        content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER library_searchentry_ai AFTER INSERT ON library_searchentry BEGIN
        INSERT INTO library_search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
    f"""CREATE TRIGGER library_searchentry_ad AFTER DELETE ON library_searchentry BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END""",
    f"""CREATE TRIGGER library_searchentry_au AFTER UPDATE ON library_searchentry BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO library_search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS library_searchentry_ai",
    "DROP TRIGGER IF EXISTS library_searchentry_ad",
    "DROP TRIGGER IF EXISTS library_searchentry_au",
    "DROP TABLE IF EXISTS library_search_fts",
]
POSTGRESQL = [
    """ALTER TABLE library_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', tags), 'A')
        || setweight(to_tsvector('english', key_points), 'B') || setweight(to_tsvector('english', body), 'C')
        || setweight(to_tsvector('english', attachments), 'D')) STORED""",
    "CREATE INDEX library_searchentry_document ON library_searchentry USING gin (document)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS library_searchentry_document",
    "ALTER TABLE library_searchentry DROP COLUMN IF EXISTS document",
]


def forward(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = POSTGRESQL_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
