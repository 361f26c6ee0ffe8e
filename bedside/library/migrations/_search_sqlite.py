"""The SQLite search index's statements, shared by the migrations that (re)make it."""

COLUMNS = ["title", "key_points", "body", "tags", "attachments"]
# In every row's sixth column (bedside.library.search.EVERY_ROW): a letter no question can hold, as
# questions are cut to ASCII letters and digits.
EVERY_ROW_TOKEN = "ω"
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"

DROP = [
    "DROP TRIGGER IF EXISTS library_searchentry_ai",
    "DROP TRIGGER IF EXISTS library_searchentry_ad",
    "DROP TRIGGER IF EXISTS library_searchentry_au",
    "DROP TABLE IF EXISTS library_search_fts",
    "DROP VIEW IF EXISTS library_search_content",
]
REBUILD = "INSERT INTO library_search_fts(library_search_fts) VALUES ('rebuild')"


def create(*, every_row: bool) -> list[str]:
    """The FTS5 table over the entries and the triggers that keep it in step.

    every_row: a sixth column, `everything`, holding EVERY_ROW_TOKEN in each row (from a view)."""
    columns = COLUMNS + (["everything"] if every_row else [])
    names = ", ".join(columns)
    content = "library_search_content" if every_row else "library_searchentry"
    new = ", ".join(f"new.{c}" for c in COLUMNS) + (f", '{EVERY_ROW_TOKEN}'" if every_row else "")
    old = ", ".join(f"old.{c}" for c in COLUMNS) + (f", '{EVERY_ROW_TOKEN}'" if every_row else "")
    view = (
        [
            f"""CREATE VIEW library_search_content AS SELECT id, {", ".join(COLUMNS)},
                '{EVERY_ROW_TOKEN}' AS everything FROM library_searchentry"""
        ]
        if every_row
        else []
    )
    return [
        *view,
        f"""CREATE VIRTUAL TABLE library_search_fts USING fts5({names}, content='{content}',
            content_rowid='id', {TOKENIZE})""",
        f"""CREATE TRIGGER library_searchentry_ai AFTER INSERT ON library_searchentry BEGIN
            INSERT INTO library_search_fts(rowid, {names}) VALUES (new.id, {new}); END""",
        f"""CREATE TRIGGER library_searchentry_ad AFTER DELETE ON library_searchentry BEGIN
            INSERT INTO library_search_fts(library_search_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END""",
        f"""CREATE TRIGGER library_searchentry_au AFTER UPDATE ON library_searchentry BEGIN
            INSERT INTO library_search_fts(library_search_fts, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO library_search_fts(rowid, {names}) VALUES (new.id, {new}); END""",
    ]
