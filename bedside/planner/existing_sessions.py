"""Existing sessions offered to the planner as slots: every session of a course in the campaign's bundle
(classroom, simulation or blended) that is not cancelled, falls within the planning days and still has free
seats. Filling them comes before opening new sessions (the planner's third objective counts only new ones).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from bedside.campaigns.models import Campaign
from bedside.learning.models import SEAT_STATUSES, Course, CourseSession, Modality
from bedside.people.timezones import system_tz
from bedside.planner.inputs import Slot

SESSION_MODALITIES = (Modality.CLASSROOM, Modality.SIMULATION, Modality.BLENDED)


def session_courses(campaign: Campaign) -> list[Course]:
    """The bundle's courses that meet in sessions, in the bundle's order."""
    by_item = {
        c.item_id: c
        for c in Course.objects.filter(
            item__in=campaign.items.values("item_id"), modality__in=SESSION_MODALITIES
        ).select_related("item")
    }
    return [by_item[i] for i in campaign.items.values_list("item_id", flat=True) if i in by_item]


def slot_id(session_id: int) -> str:
    return f"session-{session_id}"


def session_of(slot: str) -> int | None:
    """The session an existing-session slot stands for (None for a candidate slot)."""
    return int(slot.removeprefix("session-")) if slot.startswith("session-") else None


def existing_slots(campaign: Campaign, first: dt.date, last: dt.date) -> list[Slot]:
    courses = session_courses(campaign)
    if not courses:
        return []
    tz = system_tz()
    begin = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    rows = (
        CourseSession.objects.filter(
            course__in=courses[:1], cancelled_at__isnull=True, starts_at__gte=begin, ends_at__lte=end
        )
        .select_related("room")
        .annotate(taken=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES)))
        .order_by("starts_at", "pk")
    )
    return [
        Slot(
            slot_id(s.pk),
            s.room.name if s.room else f"Virtual session {s.pk}",
            s.starts_at,
            s.ends_at,
            s.seats - s.taken,
            s.starts_at.astimezone(tz).date(),
            existing=True,
        )
        for s in rows
        if s.seats > s.taken
    ]
