"""Bringing an existing library in: a ZIP of DOCX, PDF and Markdown files with a metadata CSV.

All or nothing: the archive is unpacked within limits (`importing_zip`), every row of the CSV
(`importing_csv`) and every file (`importing_documents`) is checked and converted first, and only when none is bad is anything stored, in one
transaction: each row becomes a resource with its first version published (it was approved in
the library it comes from). Every bad row and file is named, with what to do about it.

- DOCX: converted to Markdown (`mammoth`), so it renders, diffs and searches as written here.
- PDF: its text is read for search (`pypdf`) and the file is kept as the version's attachment.
- Markdown: taken as it is (UTF-8).
A file's type is read from its content; its name must agree. Script or event-handler HTML in a
document stays text: the Markdown renderer escapes raw HTML and the sanitiser runs after it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from bedside.library.importing_csv import (
    COLUMN_HELP,
    OPTIONAL,
    REQUIRED,
    Problem,
    Row,
    _locate,
    check_row,
    read_rows,
)
from bedside.library.importing_documents import Document, convert, key_points_from, unescaped
from bedside.library.importing_zip import ZipRefused, read_archive
from bedside.library.models import Attachment, Collection, CollectionEntry, ImportPhase, Resource
from bedside.people import access
from bedside.people.models import Person, Site

__all__ = [
    "COLUMN_HELP",
    "OPTIONAL",
    "REQUIRED",
    "Document",
    "ImportResult",
    "Problem",
    "Row",
    "check_row",
    "convert",
    "key_points_from",
    "library_import",
    "read_rows",
    "unescaped",
]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


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
