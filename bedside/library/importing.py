"""Bringing an existing library in: a ZIP of DOCX, PDF and Markdown files with a metadata CSV.

All or nothing: the archive is unpacked within limits (`importing_zip`), every row of the CSV and
every file is checked and converted first, and only when none is bad is anything stored, in one
transaction: each row becomes a resource with its first version published (it was approved in
the library it comes from). Every bad row and file is named, with what to do about it.

- DOCX: converted to Markdown (`mammoth`), so it renders, diffs and searches as written here.
- PDF: its text is read for search (`pypdf`) and the file is kept as the version's attachment.
- Markdown: taken as it is (UTF-8).
A file's type is read from its content; its name must agree. Script or event-handler HTML in a
document stays text: the Markdown renderer escapes raw HTML and the sanitiser runs after it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from bedside.library.attachments import check_upload, pdf_text
from bedside.library.importing_zip import MAX_FILES, ZipRefused, check_inner_zip, read_archive
from bedside.library.models import (
    KEY_POINTS_MAX,
    Attachment,
    Collection,
    CollectionEntry,
    ImportPhase,
    Resource,
    ResourceKind,
)
from bedside.library.rendering import plain_text
from bedside.people import access
from bedside.people.models import Person, Site

log = logging.getLogger(__name__)

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
MARKDOWN = (".md", ".markdown")
Progress = Callable[[str, int, int], None]


@dataclass
class Problem:
    where: str  # "Row 4", a file's path, or "The ZIP"
    message: str

    def as_dict(self) -> dict:
        return {"where": self.where, "message": self.message}


@dataclass
class Document:
    body: str = ""
    text: str = ""  # plain text, for key points when the CSV gives none
    pdf: bytes | None = None


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


@dataclass
class ImportResult:
    ok: bool
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # the new resources' slugs
    collections_created: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "resources_created": len(self.created),
            "slugs": self.created,
            "collections_created": self.collections_created,
        }


def _failed(problems: list[Problem], rows: int = 0) -> ImportResult:
    return ImportResult(ok=False, rows=rows, errors=[p.as_dict() for p in problems])


# --- documents -------------------------------------------------------------------------------


def _content_label(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "a PDF"
    if data.startswith(b"PK\x03\x04"):
        return "a ZIP or Word document"
    if b"\x00" in data[:4096]:
        return "a binary file"
    return "text"


def convert(name: str, data: bytes) -> Document:
    """The document's Markdown body (and text), or ValidationError naming the file and what is wrong."""
    suffix = PurePosixPath(name).suffix.lower()
    inside = _content_label(data)
    if suffix == ".docx":
        if inside != "a ZIP or Word document":
            raise ValidationError(f"is {inside} inside, not a Word document: its name says .docx.")
        return _docx(name, data)
    if suffix == ".pdf":
        if inside != "a PDF":
            raise ValidationError(f"is {inside} inside, not a PDF: its name says .pdf.")
        upload = SimpleUploadedFile(PurePosixPath(name).name, data, content_type="application/pdf")
        check_upload(upload)  # the attachment's own limits (size)
        try:
            text = pdf_text(upload)
        except ValidationError:
            raise
        except Exception as exc:  # pypdf on a damaged file can raise what its parsers raise
            raise ValidationError(f"could not be read as a PDF ({exc.__class__.__name__}).") from exc
        return Document(body="", text=text, pdf=data)
    if suffix in MARKDOWN:
        if inside != "text":
            raise ValidationError(f"is {inside} inside, not Markdown text: its name says {suffix}.")
        try:
            body = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("is not UTF-8 text: save it again as UTF-8.") from exc
        return Document(body=_demoted(body.strip()) + "\n", text=plain_text(body))
    raise ValidationError("is not a file the import takes: it takes .docx, .pdf and .md files.")


def _docx(name: str, data: bytes) -> Document:
    import mammoth

    try:
        inner = check_inner_zip(data, name)
    except ZipRefused as refused:
        raise ValidationError(str(refused)) from refused
    with inner:
        if "word/document.xml" not in inner.namelist():
            raise ValidationError("is a ZIP, not a Word document (it has no word/document.xml).")
    try:
        converted = mammoth.convert_to_markdown(io.BytesIO(data))
    except Exception as exc:  # mammoth raises what its XML and ZIP readers raise on a corrupt file
        raise ValidationError(f"could not be read as a Word document ({exc.__class__.__name__}).") from exc
    body = unescaped(converted.value).strip()
    if not body:
        raise ValidationError("is an empty Word document.")
    return Document(body=_demoted(body) + "\n", text=plain_text(body))


_HEADING = re.compile(r"^(#{1,5}) ", re.MULTILINE)
_ESCAPE = re.compile(r"\\(.)")
# Before these on a line, a character could start a heading, list, quote or break: its escape stays.
_LINE_START = re.compile(r"[\s>#*+\-\d.)]*")
_PLAIN = set(".(){}#+-!")


def unescaped(markdown: str) -> str:
    r"""mammoth's Markdown without the backslashes it puts before all punctuation, where the
    character means nothing to Markdown: `Check \(BP\) hourly\.` reads `Check (BP) hourly.`.

    An escape stays where it matters: before * ` [ ] and backslash always (emphasis, code, links),
    before _ unless between letters, before ! followed by [, and before any character at the start
    of a line's text (a heading, list item, quote or break). The result is still Markdown: raw HTML
    in it stays text when rendered (the renderer escapes it, the sanitiser runs after), so taking
    escapes away never lets a script through.
    """

    def one(line: str) -> str:
        def keep_or_drop(match: re.Match) -> str:
            char, at = match.group(1), match.start()
            if char == "_":
                before, after = line[at - 1 : at], line[match.end() : match.end() + 1]
                return "_" if before.isalnum() and after.isalnum() else match.group(0)
            if char not in _PLAIN or _LINE_START.fullmatch(line[:at]):
                return match.group(0)
            if char == "!" and line[match.end() : match.end() + 1] == "[":
                return match.group(0)
            return char

        return _ESCAPE.sub(keep_or_drop, line)

    return "\n".join(one(line) for line in markdown.split("\n"))


def _demoted(markdown: str) -> str:
    """Headings one level down: the page's title is its only first-level heading."""
    return _HEADING.sub(r"#\1 ", markdown)


def key_points_from(text: str, title: str) -> str:
    """The document's first paragraphs (not its title), up to four lines: read in two minutes."""
    lines, size = [], 0
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line or line.lower() == title.lower():
            continue
        line = line[:240]
        if size + len(line) > KEY_POINTS_MAX // 2 and lines:
            break
        lines.append(line)
        size += len(line)
        if len(lines) == 4:
            break
    return "\n".join(lines)


# --- the metadata CSV ------------------------------------------------------------------------


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


# --- the import ------------------------------------------------------------------------------


def library_import(
    *,
    handle,
    actor: Person | None,
    source: str,
    site: Site | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import the ZIP in `handle` into `site`'s library (None: the whole system's), all or nothing
    (see the module's description). The actor curates the site; each row's owner and existing
    collection must be inside the actor's curate scope too, or the row is named."""
    report = progress or (lambda phase, done, total: None)
    now = now or timezone.now()
    report(ImportPhase.READING, 0, 0)
    try:
        archive = read_archive(handle, progress=lambda done, total: report(ImportPhase.READING, done, total))
    except ZipRefused as refused:
        return _failed([Problem("The ZIP", str(refused))])
    sheets = sorted(n for n in archive.files if n.lower().endswith(".csv"))
    if len(sheets) != 1:
        message = (
            "holds no metadata CSV: add one (file, title, kind, owner, effective_on, next_review_on)."
            if not sheets
            else f"holds {len(sheets)} CSV files ({', '.join(sheets)}): keep the one metadata CSV."
        )
        return _failed([Problem("The ZIP", message)])
    csv_name = sheets[0]
    raws, problems = read_rows(archive.files[csv_name], csv_name=csv_name)
    if problems:
        return _failed(problems)
    total = len(raws)
    report(ImportPhase.CHECKING, 0, total)
    emails = {r.get("owner", "").lower() for r in raws if r.get("owner")}
    owners = {p.email.lower(): p for p in Person.objects.filter(email__in=emails)}
    outside = _owners_outside(actor, owners.values())
    existing = dict(
        Resource.objects.filter(retired_at__isnull=True, site=site)
        .values_list("item__title", "slug")
        .order_by("pk")
    )
    existing_titles = {t.lower(): s for t, s in existing.items()}
    folder = PurePosixPath(csv_name).parent
    named: dict[str, int] = {}
    seen_titles: dict[str, int] = {}
    rows: list[Row] = []
    for n, raw in enumerate(raws, start=1):
        where = f"Row {raw['line']}"
        row, messages = check_row(
            raw, owners=owners, seen_titles=seen_titles, existing_titles=existing_titles
        )
        owner = owners.get(raw.get("owner", "").lower())
        if owner is not None and owner.pk in outside:
            messages.append(
                f"owner {raw['owner']!r} works outside the library you curate: name an owner of "
                f"{site.name if site else 'your library'}."
            )
            row = None
        path = _locate(raw.get("file", ""), folder) if raw.get("file") else ""
        if path:
            if path in named:
                messages.append(f"file {raw['file']} is named by row {named[path]} too.")
            elif path not in archive.files:
                messages.append(f"file {raw['file']} is not in the ZIP.")
            named.setdefault(path, raw["line"])
        if row is not None and not messages:
            try:
                row.document = convert(path, archive.files[path])
            except ValidationError as exc:
                problems.append(Problem(f"{where}: {raw['file']}", " ".join(exc.messages)))
                row = None
            else:
                row.key_points = row.key_points or key_points_from(row.document.text, row.title)
                if not row.key_points:
                    problems.append(
                        Problem(
                            where, f"{raw['file']} has no text to take key points from: write key_points."
                        )
                    )
                row.file = path
        for message in messages:
            problems.append(Problem(where, message))
        if row is not None and not messages:
            rows.append(row)
        report(ImportPhase.CHECKING, n, total)
    for name in sorted(set(archive.files) - set(named) - {csv_name}):
        problems.append(Problem(name, f"is in the ZIP, but no row of {csv_name} names it."))
    collections, collection_problems = _collections(rows, actor, site)
    problems += collection_problems
    if problems:
        return _failed(problems, rows=total)
    report(ImportPhase.SAVING, 0, total)
    try:
        with transaction.atomic():
            created, new_collections = _save(
                rows, collections, actor=actor, site=site, source=source, now=now
            )
    except (IntegrityError, ValidationError) as exc:
        log.warning("library import conflict", exc_info=exc)
        message = (
            f"Nothing was stored: the library changed while this ZIP was imported ({exc}). Import it again."
        )
        return _failed([Problem("The ZIP", message)], rows=total)
    return ImportResult(ok=True, rows=total, created=created, collections_created=new_collections)


def _owners_outside(actor: Person | None, owners) -> set[int]:
    """The owners (by pk) outside the actor's curate scope (the actor may own what they import); none
    for a system-wide curator or a job."""
    from bedside.library.services import CURATE

    if actor is None:
        return set()
    scope = access.scope_of(actor, CURATE)
    if scope.admin or scope.everything:
        return set()
    return {p.pk for p in owners if p.pk != actor.pk and not access.can(actor, CURATE, p)}


def _collections(
    rows: list[Row], actor: Person | None, site: Site | None
) -> tuple[dict[str, Collection | None], list[Problem]]:
    """Each row's collection: an existing one by name or address (the actor must curate it), else None
    (new, in `site`). A name is looked up in the import's site's library first."""
    from bedside.library.services import CURATE

    wanted = {r.collection for r in rows if r.collection}
    found: dict[str, Collection | None] = {}
    problems = []
    by_key = {}
    ordered = sorted(Collection.objects.all(), key=lambda c: (c.site_id != (site.pk if site else None), c.pk))
    for c in ordered:
        by_key.setdefault(c.name.lower(), c)
        by_key.setdefault(c.slug, c)
    for name in sorted(wanted):
        collection = by_key.get(name.lower()) or by_key.get(slugify(name))
        if collection is not None and actor is not None and not access.can(actor, list(CURATE), collection):
            lines = ", ".join(str(r.line) for r in rows if r.collection == name)
            problems.append(Problem(f"Row {lines}", f"you do not curate the collection {collection.name!r}."))
        found[name] = collection
    return found, problems


def _save(rows, collections, *, actor, site, source, now) -> tuple[list[str], list[str]]:
    from bedside.library.services import collection_create, resource_create, version_publish_imported

    created, new_collections = [], []
    for name, collection in list(collections.items()):
        if collection is None:
            collections[name] = collection_create(actor=actor, name=name, slug=_free_slug(name), site=site)
            new_collections.append(name)
    positions = {}
    for row in rows:
        version = resource_create(
            actor=actor,
            title=row.title,
            kind=row.kind,
            owner=row.owner,
            key_points=row.key_points,
            effective_on=row.effective_on,
            next_review_on=row.next_review_on,
            body=row.document.body,
            change_summary=row.change_summary or f"Imported from {source}.",
            tags=row.tags,
            site=site,
            now=now,
        )
        if row.document.pdf is not None:
            attachment = Attachment(
                version=version,
                name=PurePosixPath(row.file).name[:200],
                content_type="application/pdf",
                size=len(row.document.pdf),
                text=row.document.text[:200_000],
            )
            attachment.file.save(attachment.name, ContentFile(row.document.pdf), save=False)
            attachment.save()
        version_publish_imported(version=version, actor=actor, source=source, now=now)
        if row.collection:
            collection = collections[row.collection]
            if collection.pk not in positions:
                last = CollectionEntry.objects.filter(collection=collection).order_by("-position").first()
                positions[collection.pk] = last.position + 1 if last else 0
            CollectionEntry.objects.create(
                collection=collection, resource=version.resource, position=positions[collection.pk]
            )
            positions[collection.pk] += 1
        created.append(version.resource.slug)
    touched = [c.pk for c in collections.values() if c is not None]
    Collection.objects.filter(pk__in=touched).update(updated_at=now)
    return created, new_collections


def _free_slug(name: str) -> str:
    base = slugify(name)[:110] or "collection"
    slug, n = base, 2
    while Collection.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
