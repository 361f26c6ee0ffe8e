"""iCalendar (RFC 5545) for sessions: one .ics per session, and a personal feed behind a secret token.

Times are written in UTC (DTSTART:...Z), so every calendar places them right across
daylight-saving changes whatever zone it shows; the feed names the site's zone for display.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning.models import CalendarFeed, CourseSession, Registration, RegistrationStatus
from bedside.people.models import Person

PRODID = "-//Bedside//Learning sessions//EN"


def _event(session: CourseSession, *, status: str = "", now: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@bedside")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", session.starts_at.astimezone(dt.UTC))
    event.add("dtend", session.ends_at.astimezone(dt.UTC))
    summary = session.course.title + (" (waiting list)" if status == RegistrationStatus.WAITLISTED else "")
    event.add("summary", summary)
    where = session.room.name if session.room else session.virtual_link
    if where:
        event.add("location", where)
    if session.virtual_link:
        event.add("url", session.virtual_link)
    event.add(
        "description",
        f"{session.get_mode_display()} session. Details: {settings.BEDSIDE_BASE_URL}/learn/sessions/{session.pk}/",
    )
    event.add("status", "CANCELLED" if session.cancelled_at else "CONFIRMED")
    return event


def calendar_bytes(events: list[icalendar.Event], *, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for e in events:
        cal.add_component(e)
    return cal.to_ical()


def session_ics(session: CourseSession, *, now: dt.datetime | None = None) -> bytes:
    return calendar_bytes([_event(session, now=now or timezone.now())], name=session.course.title)


def feed_ics(person: Person, *, now: dt.datetime | None = None) -> bytes:
    """The person's places in sessions from 30 days ago on; cancelled ones stay, marked cancelled."""
    now = now or timezone.now()
    places = (
        Registration.objects.filter(person=person, session__ends_at__gte=now - dt.timedelta(days=30))
        .exclude(status=RegistrationStatus.CANCELLED, session__cancelled_at__isnull=True)
        .select_related("session__course__item", "session__room")
        .order_by("session__starts_at")
    )
    return calendar_bytes(
        [_event(p.session, status=p.status, now=now) for p in places], name="Bedside sessions"
    )


def feed_for(person: Person) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(person=person)
    return feed


@transaction.atomic
def feed_revoke(*, person: Person) -> CalendarFeed:
    """A new secret: the old feed address stops working at once."""
    CalendarFeed.objects.filter(person=person).delete()
    feed = CalendarFeed.objects.create(person=person)
    audit(actor=person, action="calendar.revoke", target=feed)
    return feed
