"""Publishing for a higher app: a resource whose content another app vouches for (a grand rounds
recording with its slides), published without a review round.

The calling app has checked that `by` may publish it (an event's organiser) and passes its own
`source` (e.g. "events:event:12"), which the audit keeps; the library asks no curate grant of
`by`. The first call makes the resource, later calls a new version of the same resource (its files
carry over unless new ones of the same type are given). Every file is checked (type from its
content, name, size) and a PDF's text read before anything is written: a bad file stores nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.library import public_cache
from bedside.library.attachments import FileType, attachment_add, check_upload, pdf_text
from bedside.library.models import Collection, CollectionEntry, Resource, ResourceVersion
from bedside.library.services import _make_current, draft_start, draft_update, open_draft, resource_create
from bedside.people.models import Audience, Person, Site
from bedside.records.models import LearningItem


@dataclass(frozen=True)
class CollectionPlace:
    """The collection a published resource belongs in, made on first use (not public)."""

    slug: str
    name: str
    description: str = ""
    site: Site | None = None


def check_files(files: Sequence[UploadedFile]) -> list[FileType]:
    """Each file's type, or the first file's problem as a ValidationError (nothing is written)."""
    kinds = []
    for upload in files:
        kind = check_upload(upload)
        if kind.content_type == "application/pdf":
            pdf_text(upload)  # a corrupt PDF is refused now, not half-way through
        kinds.append(kind)
    return kinds


def _place(resource: Resource, place: CollectionPlace) -> None:
    collection, made = Collection.objects.get_or_create(
        slug=place.slug[:120],
        defaults={"name": place.name[:120], "description": place.description, "site": place.site},
    )
    if not CollectionEntry.objects.filter(collection=collection, resource=resource).exists():
        last = CollectionEntry.objects.filter(collection=collection).count()
        CollectionEntry.objects.create(collection=collection, resource=resource, position=min(last, 32767))
        Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())


@transaction.atomic
def publish_for_app(
    *,
    source: str,
    by: Person,
    title: str,
    kind: str,
    body: str,
    key_points: str,
    resource: Resource | None = None,
    site: Site | None = None,
    audience: Audience | None = None,
    link: str = "",
    files: Sequence[UploadedFile] = (),
    minutes: int = 2,
    effective_on: dt.date | None = None,
    review_years: int = 2,
    change_summary: str = "",
    drop_types: Sequence[str] = (),
    collection: CollectionPlace | None = None,
    now: dt.datetime | None = None,
) -> ResourceVersion:
    """Publish `title` as a new resource (`resource=None`) or the next version of `resource`.

    Returns the published version. `files` become its attachments; a new file replaces the
    previous version's files of the same type, and `drop_types` (content types) are not carried over. Refused, writing nothing: a bad file, a retired
    resource, or a resource a curator is editing (an open draft).
    """
    now = now or timezone.now()
    if not source.strip():
        raise ValueError("publish_for_app needs the calling app's source")
    kinds = check_files(files)
    effective_on = effective_on or timezone.localdate(now)
    next_review_on = effective_on.replace(
        year=effective_on.year + review_years, day=min(effective_on.day, 28)
    )
    if resource is None:
        version = resource_create(
            actor=None, title=title, kind=kind, owner=by, key_points=key_points, body=body,
            effective_on=effective_on, next_review_on=next_review_on, site=site, audience=audience,
            minutes=minutes, link=link, change_summary=change_summary or "First version.", now=now,
        )  # fmt: skip
        resource = version.resource
        number_before = 0
    else:
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.retired_at is not None:
            raise ValidationError("This recording's library resource is retired; it takes no new versions.")
        if open_draft(resource) is not None:
            raise ValidationError(
                "A librarian is editing this resource in the library: publish again once their draft is done."
            )
        number_before = resource.versions.exclude(item_version=None).count()
        version = draft_start(resource=resource, actor=None, now=now)
        version = draft_update(
            version=version, actor=None, body=body, key_points=key_points, owner=by,
            effective_on=effective_on, next_review_on=next_review_on,
            change_summary=change_summary or "New recording or slides.",
        )  # fmt: skip
        replaced = {k.content_type for k in kinds} | set(drop_types)
        version.attachments.filter(content_type__in=replaced).delete()
        Resource.objects.filter(pk=resource.pk).update(link=link, audience=audience)
        LearningItem.objects.filter(pk=resource.item_id).update(title=title.strip()[:300], minutes=minutes)
        resource.refresh_from_db()
    for upload in files:
        attachment_add(version=version, upload=upload, actor=None)
    if collection is not None:
        _place(resource, collection)
    version = ResourceVersion.objects.get(pk=version.pk)
    number = _make_current(resource=resource, version=version, now=now)
    public_cache.invalidate()
    audit(
        actor=by,
        action="library.version.publish_for_app",
        target=version,
        changes={"source": source, "label": number, "previous_versions": number_before},
    )
    version.refresh_from_db()
    return version
