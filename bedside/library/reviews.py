"""Review dates: what is overdue for review, and the reminders owners get."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.mail import send_mail
from django.db.models import Count, QuerySet
from django.utils import timezone

from bedside.audit.services import audit
from bedside.library.models import CollectionEntry, ResourceVersion, VersionStatus

REMIND_DAYS_BEFORE = (30, 7, 0)


def published_versions() -> QuerySet[ResourceVersion]:
    return ResourceVersion.objects.filter(status=VersionStatus.PUBLISHED, resource__retired_at__isnull=True)


def overdue_for_review(rows: QuerySet[ResourceVersion], *, on: dt.date) -> QuerySet[ResourceVersion]:
    """Published versions whose next review date has passed, longest overdue first."""
    return (
        rows.filter(next_review_on__lt=on)
        .select_related("resource__item", "owner", "item_version")
        .order_by("next_review_on", "pk")
    )


def overdue_counts(rows: QuerySet[ResourceVersion], *, on: dt.date) -> dict:
    """How many are overdue per owner and per collection (two grouped queries)."""
    overdue = rows.filter(next_review_on__lt=on)
    by_owner = list(
        overdue.values("owner_id", "owner__first_name", "owner__last_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__last_name")
    )
    by_collection = list(
        CollectionEntry.objects.filter(resource__versions__in=overdue)
        .values("collection_id", "collection__name")
        .annotate(n=Count("resource", distinct=True))
        .order_by("-n", "collection__name")
    )
    return {"owners": by_owner, "collections": by_collection, "total": overdue.count()}


def reminders_due(*, on: dt.date) -> dict[int, list[ResourceVersion]]:
    """Per owner, the versions to remind them of today: 30 and 7 days before, on the day, then weekly."""
    wanted: dict[int, list[ResourceVersion]] = defaultdict(list)
    days = [on + dt.timedelta(days=d) for d in REMIND_DAYS_BEFORE]
    rows = (
        published_versions().filter(next_review_on__lte=max(days)).select_related("resource__item", "owner")
    )
    for v in rows.order_by("next_review_on", "pk"):
        late = (on - v.next_review_on).days
        if v.next_review_on in days or (late > 0 and late % 7 == 0):
            wanted[v.owner_id].append(v)
    return wanted


def send_review_reminders(*, now: dt.datetime | None = None) -> int:
    """Mail each owner the resources whose review is coming or overdue; returns how many mails went."""
    from bedside.assignments.notify import link

    on = timezone.localdate(now or timezone.now())
    sent = 0
    for versions in reminders_due(on=on).values():
        owner = versions[0].owner
        lines = []
        for v in versions:
            late = (on - v.next_review_on).days
            when = (
                f"overdue by {late} days"
                if late > 0
                else ("due today" if late == 0 else f"due {v.next_review_on:%d %b %Y}")
            )
            lines.append(
                f"- {v.resource.item.title}: review {when}\n  {link('library-resource-manage', v.resource.slug)}"
            )
        send_mail(
            subject=f"Library: {len(versions)} resource{'s' if len(versions) != 1 else ''} to review",
            message="You own these resources in the Bedside library:\n\n"
            + "\n".join(lines)
            + "\n\nReview each, then publish a new version (or confirm it with a new review date).",
            from_email=None,
            recipient_list=[owner.email],
        )
        audit(
            actor=None,
            action="library.review.remind",
            target=owner,
            changes={"versions": [v.pk for v in versions]},
        )
        sent += 1
    return sent
