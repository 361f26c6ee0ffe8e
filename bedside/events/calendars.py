"""iCalendar (RFC 5545) for events: one .ics per event, a feed per series, and a feed per person.

The personal feed uses the learning app's calendar secret (`CalendarFeed`): one secret per person for
every Bedside calendar, revoked in one place. Times are written in UTC, so calendars place them right
across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bedside.events.models import Event, Registration, Series

PRODID = "-//Bedside//Grand rounds and events//EN"


def _vevent(event: Event, *, now: dt.datetime) -> icalendar.Event:
    v = icalendar.Event()
    v.add("uid", f"event-{event.pk}@bedside")
    v.add("dtstamp", now.astimezone(dt.UTC))
    v.add("dtstart", event.starts_at.astimezone(dt.UTC))
    v.add("dtend", event.ends_at.astimezone(dt.UTC))
    v.add("summary", event.title)
    where = [event.room.name] if event.room_id and event.in_room else []
    if event.online:
        where.append("online")
    if where:
        v.add("location", ", ".join(where))
    link = settings.BEDSIDE_BASE_URL + reverse("event", args=[event.pk])
    v.add("url", link)
    v.add("description", f"{event.get_mode_display()}. Details, speakers and disclosures: {link}")
    v.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    return v


def _calendar(events, *, name: str, now: dt.datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for e in events:
        cal.add_component(_vevent(e, now=now))
    return cal.to_ical()


def event_ics(event: Event, *, now: dt.datetime | None = None) -> bytes:
    return _calendar([event], name=event.title, now=now or timezone.now())


def series_ics(series: Series, *, now: dt.datetime | None = None) -> bytes:
    """The series' events from 30 days ago on (cancelled ones stay, marked cancelled)."""
    now = now or timezone.now()
    rows = (
        series.events.filter(ends_at__gte=now - dt.timedelta(days=30))
        .select_related("room")
        .order_by("starts_at")
    )
    return _calendar(rows, name=series.title, now=now)


def person_ics(person, *, now: dt.datetime | None = None) -> bytes:
    """The events the person has a place at, from 30 days ago on."""
    now = now or timezone.now()
    places = (
        Registration.objects.filter(
            person=person, cancelled_at__isnull=True, event__ends_at__gte=now - dt.timedelta(days=30)
        )
        .select_related("event__room")
        .order_by("event__starts_at")
    )
    return _calendar([p.event for p in places], name="Bedside events", now=now)
