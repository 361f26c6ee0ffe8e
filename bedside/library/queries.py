"""Reads for the library's pages and API: who may read what, and lists without a query per row."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from bedside.library.models import Collection, CollectionEntry, Resource, ResourceVersion, VersionStatus
from bedside.people import access
from bedside.people.models import Person, active_jobs


def is_staff_reader(person: Person) -> bool:
    """Staff (a current job) and anyone holding a grant read the internal library; an external
    learner (no job) reads only the public collections."""
    if not getattr(person, "is_authenticated", False):
        return False
    if person.is_superuser or active_jobs(access.today_of(person)).filter(person=person).exists():
        return True
    return access.has_any(person, list(_all_capabilities()))


def _all_capabilities():
    from bedside.people.models import Capability

    return [c for c in Capability]


def in_public_collection() -> Exists:
    return Exists(CollectionEntry.objects.filter(resource_id=OuterRef("pk"), collection__public=True))


def readable_resources(person: Person | None, *, public: bool = False) -> QuerySet[Resource]:
    """Resources with a published version that this person (or, `public`, anyone) may read."""
    rows = Resource.objects.filter(retired_at__isnull=True, versions__status=VersionStatus.PUBLISHED)
    if public or person is None or not is_staff_reader(person):
        rows = rows.filter(in_public_collection())
    return rows.select_related("item")


def readable_collections(person: Person | None, *, public: bool = False) -> QuerySet[Collection]:
    rows = Collection.objects.all()
    if public or person is None or not is_staff_reader(person):
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
