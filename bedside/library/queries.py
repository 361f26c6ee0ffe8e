"""Reads for the library's pages and API: who may read what, and lists without a query per row."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from bedside.library.models import Collection, CollectionEntry, Resource, ResourceVersion, VersionStatus
from bedside.people import access
from bedside.people.audiences import audience_ids_holding
from bedside.people.models import Audience, Person


def in_public_collection() -> Exists:
    return Exists(CollectionEntry.objects.filter(resource_id=OuterRef("pk"), collection__public=True))


def readable_resources(person: Person | None, *, public: bool = False) -> QuerySet[Resource]:
    """Resources with a published version that this person (or, `public`, anyone) may read."""
    rows = Resource.objects.filter(retired_at__isnull=True, versions__status=VersionStatus.PUBLISHED)
    if public or person is None or not access.is_hospital_staff(person):
        rows = rows.filter(in_public_collection())
    return rows.select_related("item")


def readable_collections(person: Person | None, *, public: bool = False) -> QuerySet[Collection]:
    rows = Collection.objects.all()
    if public or person is None or not access.is_hospital_staff(person):
        rows = rows.filter(public=True)
    return rows


def published(resource_rows: QuerySet[Resource]) -> QuerySet[Resource]:
    """With each resource's current version prefetched (as `current`)."""
    return resource_rows.prefetch_related(
        Prefetch(
            "versions",
            queryset=ResourceVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
                "item_version"
            ),
            to_attr="current",
        )
    )


def history(resource: Resource) -> list[ResourceVersion]:
    """Published and retired versions, newest first (what readers may compare)."""
    return list(
        resource.versions.filter(status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED])
        .select_related("item_version", "owner")
        .order_by("-item_version__published_at", "-pk")
    )


def curated(person: Person) -> QuerySet[Resource]:
    """Resources the person curates (their site's, or all with a system-wide grant)."""
    from bedside.library.services import CURATE

    return access.scoped(person, CURATE, Resource).select_related("item")


def audience_choices(person: Person) -> QuerySet[Audience]:
    """The audiences a reader may filter the search by: those current resources are addressed to
    (staff only: audiences are internal, an external learner never sees them)."""
    if not access.is_hospital_staff(person):
        return Audience.objects.none()
    used = Resource.objects.filter(retired_at__isnull=True, audience__isnull=False).values("audience_id")
    return Audience.objects.filter(pk__in=used).order_by("name")


def status_choices(person: Person) -> list[tuple[str, str]]:
    """The search's status filter: current for all, due for review for staff, retired for curators."""
    from bedside.library.search import STATUSES
    from bedside.library.services import CURATE

    allowed = ["current"]
    if access.is_hospital_staff(person):
        allowed.append("review_due")
    if access.has_any(person, list(CURATE)):
        allowed.append("retired")
    return [(value, STATUSES[value]) for value in allowed]


class FilterRefused(ValueError):
    """A search filter the reader may not use (the message says why)."""


def audience_filter(person: Person, value: str, *, today: dt.date) -> list[int] | None:
    """The search's audience filter: "" any; "me" the audiences holding the person (set-based, one
    query); an audience's id, if the reader may filter by it."""
    if not value:
        return None
    if value == "me":
        return audience_ids_holding(person, on=today)
    if value.isdigit() and audience_choices(person).filter(pk=int(value)).exists():
        return [int(value)]
    raise FilterRefused(f"There is no audience {value} that you may filter the library by.")
