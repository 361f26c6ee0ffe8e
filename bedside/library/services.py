"""Writes in the library: resources, collections, acknowledgments, codes; the version workflow is
in `workflow` and who curates in `curators`, both importable from here too.

Every service takes the actor and checks access itself: curating is a `curate` grant over the
resource's site (or the whole system for the system's library), asked of the access registry.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from bedside.audit.services import audit
from bedside.library import public_cache
from bedside.library.curators import CURATE, NOT_CURATOR, require_curator
from bedside.library.models import (
    KIND,
    Collection,
    CollectionEntry,
    EntryCode,
    Resource,
    ResourceSeen,
    ResourceVersion,
    Tag,
    VersionStatus,
)
from bedside.library.workflow import (
    EDITABLE,
    _clean_version_fields,
    _make_current,
    current_version,
    draft_start,
    draft_update,
    latest_round,
    open_draft,
    ready_to_publish,
    review_decide,
    review_submit,
    version_publish,
    version_publish_imported,
)
from bedside.people.models import Audience, Person, Site
from bedside.records.models import LearningItem, Record, Verb
from bedside.records.queries import current_records
from bedside.records.services import record_add

__all__ = [
    "CURATE",
    "EDITABLE",
    "NOT_CURATOR",
    "acknowledge",
    "collection_create",
    "collection_order",
    "current_version",
    "draft_start",
    "draft_update",
    "entry_code_create",
    "entry_code_scanned",
    "latest_round",
    "mark_seen",
    "open_draft",
    "ready_to_publish",
    "require_curator",
    "resource_create",
    "resource_retire",
    "review_decide",
    "review_submit",
    "tags_set",
    "version_publish",
    "version_publish_imported",
    "_make_current",
]


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "resource"
    slug, n = base, 2
    while Resource.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def resource_create(
    *,
    actor: Person | None,
    title: str,
    kind: str,
    owner: Person,
    key_points: str,
    effective_on: dt.date,
    next_review_on: dt.date,
    body: str = "",
    change_summary: str = "First version.",
    site: Site | None = None,
    audience: Audience | None = None,
    tags: Iterable[str] = (),
    minutes: int = 2,
    link: str = "",
    slug: str = "",
    requires_acknowledgment: bool = False,
    acknowledge_within_days: int = 14,
    now: dt.datetime | None = None,
) -> ResourceVersion:
    """A new resource with its first draft; returns the draft."""
    now = now or timezone.now()
    require_curator(actor, site=site)
    fields = {"key_points": key_points, "effective_on": effective_on, "next_review_on": next_review_on}
    _clean_version_fields(fields)
    item = LearningItem.objects.create(
        kind=KIND, title=title.strip(), minutes=minutes, owner=owner, created_at=now
    )
    resource = Resource.objects.create(
        item=item,
        slug=slug or _unique_slug(title),
        kind=kind,
        site=site,
        audience=audience,
        link=link,
        created_at=now,
    )
    tags_set(resource=resource, names=tags)
    version = ResourceVersion.objects.create(
        resource=resource,
        body=body,
        key_points=key_points.strip(),
        change_summary=change_summary,
        owner=owner,
        effective_on=effective_on,
        next_review_on=next_review_on,
        requires_acknowledgment=requires_acknowledgment,
        acknowledge_within_days=acknowledge_within_days,
        created_by=actor,
    )
    audit(
        actor=actor, action="library.resource.create", target=resource, changes={"title": title, "kind": kind}
    )
    return version


def tags_set(*, resource: Resource, names: Iterable[str]) -> None:
    wanted = sorted({n.strip().lower() for n in names if n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    tags = [existing.get(n) or Tag.objects.create(name=n) for n in wanted]
    resource.tags.set(tags)


@transaction.atomic
def resource_retire(*, resource: Resource, actor: Person | None, now: dt.datetime | None = None) -> Resource:
    """Take a resource out of the library: its published version retires, its history stays."""
    from bedside.library import search

    require_curator(actor, resource)
    now = now or timezone.now()
    resource.versions.filter(status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED, retired_at=now
    )
    resource.retired_at = now
    resource.save(update_fields=["retired_at"])
    resource.item.active = False
    resource.item.save(update_fields=["active"])
    search.index_resource(resource)
    public_cache.invalidate()
    audit(actor=actor, action="library.resource.retire", target=resource)
    return resource


@transaction.atomic
def acknowledge(*, person: Person, resource: Resource, evidence: str = "") -> Record:
    """The person acknowledges the resource's current version; the ledger record names that version.

    A second press for the same version returns the first record; the record closes the person's
    open requirement through the ledger.
    """
    version = current_version(resource)
    if version is None:
        raise ValidationError("This resource has no published version to acknowledge.")
    earlier = (
        current_records()
        .filter(
            person=person,
            item_id=resource.item_id,
            version_id=version.item_version_id,
            verb=Verb.ACKNOWLEDGED,
        )
        .first()
    )
    if earlier is not None:
        return earlier
    return record_add(
        person=person,
        item=resource.item,
        verb=Verb.ACKNOWLEDGED,
        by=person,
        version=version.item_version,
        evidence=evidence or f"Read and acknowledged version {version.item_version.label} in the library",
    )


def mark_seen(*, person: Person, version: ResourceVersion, now: dt.datetime | None = None) -> None:
    """Remember the latest version the person opened (not training data: no audit line)."""
    if not getattr(person, "is_authenticated", False) or version.status != VersionStatus.PUBLISHED:
        return
    ResourceSeen.objects.update_or_create(
        person=person,
        resource_id=version.resource_id,
        defaults={"version": version, "seen_at": now or timezone.now()},
    )


@transaction.atomic
def collection_create(
    *,
    actor: Person | None,
    name: str,
    description: str = "",
    site: Site | None = None,
    public: bool = False,
    licence: str = "",
    licence_url: str = "",
    attribution: str = "",
    slug: str = "",
    resources: Sequence[Resource] = (),
) -> Collection:
    require_curator(actor, site=site)
    if public and not (licence and attribution):
        raise ValidationError("A public collection states its licence and attribution.")
    collection = Collection.objects.create(
        name=name,
        slug=slug or slugify(name)[:120],
        description=description,
        site=site,
        public=public,
        licence=licence,
        licence_url=licence_url,
        attribution=attribution,
    )
    collection_order(collection=collection, resources=resources, actor=actor)
    audit(actor=actor, action="library.collection.create", target=collection, changes={"name": name})
    return collection


@transaction.atomic
def collection_order(*, collection: Collection, resources: Sequence[Resource], actor: Person | None) -> None:
    """Set a collection's resources, in this order."""
    require_curator(actor, collection)
    Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
    public_cache.invalidate()
    CollectionEntry.objects.filter(collection=collection).delete()
    CollectionEntry.objects.bulk_create(
        [CollectionEntry(collection=collection, resource=r, position=n) for n, r in enumerate(resources)]
    )
    audit(
        actor=actor,
        action="library.collection.order",
        target=collection,
        changes={"resources": [r.pk for r in resources]},
    )


@transaction.atomic
def entry_code_create(*, resource: Resource, place: str, actor: Person | None) -> EntryCode:
    require_curator(actor, resource)
    if not place.strip():
        raise ValidationError({"place": "Say where the code hangs, e.g. 'Ventilator V60, MICU bay 4'."})
    code = EntryCode.objects.create(code=secrets.token_urlsafe(6), resource=resource, place=place.strip())
    audit(actor=actor, action="library.code.create", target=code, changes={"place": code.place})
    return code


def entry_code_scanned(*, code: EntryCode, now: dt.datetime | None = None) -> None:
    """Count a scan (one conditional update: concurrent scans all count)."""
    EntryCode.objects.filter(pk=code.pk).update(scans=F("scans") + 1, last_scanned_at=now or timezone.now())
