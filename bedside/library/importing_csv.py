"""The metadata CSV of a library import: its columns (with their help and aliases), its rows, and
each row checked on its own (its file is checked with the documents)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

from bedside.library.importing_documents import Document
from bedside.library.importing_zip import MAX_FILES
from bedside.library.models import KEY_POINTS_MAX, ResourceKind
from bedside.people.models import Person

REQUIRED = ("file", "title", "kind", "owner", "effective_on", "next_review_on")
OPTIONAL = ("collection", "key_points", "tags", "change_summary")
ALIASES = {
    "effective": "effective_on",
    "effective_date": "effective_on",
    "review": "next_review_on",
    "review_date": "next_review_on",
    "next_review": "next_review_on",
    "next_review_date": "next_review_on",
    "owner_email": "owner",
    "filename": "file",
    "file_name": "file",
    "path": "file",
}
COLUMN_HELP = [
    ("file", "The document's path in the ZIP, e.g. guides/central-line.docx (.docx, .pdf or .md)"),
    ("title", "The resource's title"),
    ("kind", ", ".join(ResourceKind.values) + " (or their names, e.g. How-to)"),
    ("owner", "The owner's e-mail address (a person in Bedside)"),
    ("effective_on", "The date it took effect, YYYY-MM-DD"),
    ("next_review_on", "Its next review date, YYYY-MM-DD, on or after the effective date"),
    ("collection", "Optional: a collection's name or address; a new internal collection when none has it"),
    ("key_points", "Optional: points separated by | (the document's first paragraphs when empty)"),
    ("tags", "Optional: separated by ; (e.g. icu; lines)"),
    ("change_summary", "Optional: what this version changed (default: where it was imported from)"),
]


@dataclass
class Problem:
    where: str  # "Row 4", a file's path, or "The ZIP"
    message: str

    def as_dict(self) -> dict:
        return {"where": self.where, "message": self.message}


@dataclass
class Row:
    line: int
    file: str
    title: str
    kind: str
    owner: Person
    effective_on: dt.date
    next_review_on: dt.date
    collection: str
    key_points: str
    tags: list[str]
    change_summary: str
    document: Document = field(default_factory=Document)


def _column(name: str) -> str:
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def _kind(value: str) -> str | None:
    wanted = value.strip().lower()
    for kind_value, label in ResourceKind.choices:
        if wanted in (kind_value, label.lower(), kind_value.replace("_", "-"), kind_value.replace("_", " ")):
            return kind_value
    return None


def _date(value: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(f"{column} {value.strip()!r} is not a date as YYYY-MM-DD.") from None


def read_rows(data: bytes, *, csv_name: str) -> tuple[list[dict], list[Problem]]:
    """The CSV's rows as dicts of the known columns (with their line), or the problems of the whole file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(csv_name, "is not UTF-8: save it as “CSV UTF-8”.")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [Problem(csv_name, "is empty: its first line names the columns.")]
    columns = [_column(c) for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return [], [
            Problem(
                csv_name,
                f"has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}; "
                f"it needs {', '.join(REQUIRED)} (and may have {', '.join(OPTIONAL)}).",
            )
        ]
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_FILES:
                return [], [Problem(csv_name, f"has more than {MAX_FILES:,} rows; import it in parts.")]
            row = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}
            row["line"] = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        return [], [Problem(csv_name, f"could not be read as CSV at line {reader.line_num} ({exc}).")]
    if not rows:
        return [], [Problem(csv_name, "has no rows under its header.")]
    return rows, []


def _locate(name: str, csv_folder: PurePosixPath) -> str:
    path = PurePosixPath(name.replace("\\", "/").lstrip("/"))
    return str(csv_folder / path) if str(csv_folder) != "." else str(path)


def check_row(
    raw: dict, *, owners: dict[str, Person], seen_titles: dict[str, int], existing_titles: dict[str, str]
) -> tuple[Row | None, list[str]]:
    """One row checked on its own (not its file): the row, or what is wrong with it."""
    messages = []
    for column in REQUIRED:
        if not raw.get(column):
            messages.append(f"{column} is empty.")
    title = " ".join(raw.get("title", "").split())
    if len(title) > 300:
        messages.append(f"title is {len(title)} characters; at most 300.")
    kind = _kind(raw.get("kind", "")) if raw.get("kind") else None
    if raw.get("kind") and kind is None:
        messages.append(f"kind {raw['kind']!r} is not one of {', '.join(ResourceKind.values)}.")
    owner = owners.get(raw.get("owner", "").lower())
    if raw.get("owner") and owner is None:
        messages.append(f"owner {raw['owner']!r} is not the e-mail address of anyone in Bedside.")
    dates = {}
    for column in ("effective_on", "next_review_on"):
        if raw.get(column):
            try:
                dates[column] = _date(raw[column], column)
            except ValidationError as exc:
                messages.extend(exc.messages)
    if len(dates) == 2 and dates["next_review_on"] < dates["effective_on"]:
        messages.append("next_review_on comes before effective_on.")
    if len(raw.get("key_points", "")) > KEY_POINTS_MAX:
        messages.append(
            f"key_points are over {KEY_POINTS_MAX:,} characters: keep them to two minutes' reading."
        )
    folded = title.lower()
    if folded in seen_titles:
        messages.append(f"row {seen_titles[folded]} has the same title.")
    elif folded in existing_titles:
        messages.append(
            f"a resource titled {title!r} is already in the library (/library/r/{existing_titles[folded]}/): "
            "remove the row, or give it another title."
        )
    if title:
        seen_titles.setdefault(folded, raw["line"])
    if messages:
        return None, messages
    row = Row(
        line=raw["line"],
        file=raw["file"],
        title=title,
        kind=kind,
        owner=owner,
        effective_on=dates["effective_on"],
        next_review_on=dates["next_review_on"],
        collection=raw.get("collection", ""),
        key_points="\n".join(p.strip() for p in re.split(r"[|\n]", raw.get("key_points", "")) if p.strip()),
        tags=[t.strip() for t in raw.get("tags", "").split(";") if t.strip()],
        change_summary=raw.get("change_summary", ""),
    )
    return row, []
