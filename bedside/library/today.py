"""'What changed for you' on Today: new and changed guidance for the person's roles and units."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from bedside.core.today import Card
from bedside.library.models import ResourceSeen, ResourceVersion, VersionStatus
from bedside.people.audiences import audience_ids_holding
from bedside.people.models import Person

RECENT_DAYS = 90
SHOWN = 10


def changed_for(person: Person, *, now: dt.datetime | None = None):
    """Versions published in the last RECENT_DAYS for audiences that hold the person, that they have
    not opened since, newest first: two queries whatever the number of audiences."""
    now = now or timezone.now()
    audiences = audience_ids_holding(person, on=timezone.localdate(now))
    if not audiences:
        return ResourceVersion.objects.none()
    seen = ResourceSeen.objects.filter(
        person=person,
        resource_id=OuterRef("resource_id"),
        version__item_version__published_at__gte=OuterRef("item_version__published_at"),
    )
    return (
        ResourceVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            resource__retired_at__isnull=True,
            resource__audience_id__in=audiences,
            item_version__published_at__gte=now - dt.timedelta(days=RECENT_DAYS),
        )
        .exclude(Exists(seen))
        .select_related("resource__item", "item_version")
        .order_by("-item_version__published_at", "-pk")
    )


def changed_cards(person: Person) -> list[Card]:
    now = timezone.now()
    cards = []
    for v in changed_for(person, now=now)[:SHOWN]:
        new = v.item_version.label == "1"
        summary = v.change_summary or "A new version."
        cards.append(
            Card(
                title=v.resource.item.title,
                url=reverse("library-resource", args=[v.resource.slug]),
                kind_label=v.resource.get_kind_display(),
                minutes=v.resource.item.minutes,
                status="info",
                status_label="New" if new else f"Changed · v{v.item_version.label}",
                when=v.item_version.published_at,
                detail=Truncator(summary).chars(140)
                + (" · Acknowledge" if v.requires_acknowledgment else ""),
                sort_key=(-v.item_version.published_at.timestamp(),),
            )
        )
    return cards
