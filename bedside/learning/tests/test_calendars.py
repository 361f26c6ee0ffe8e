"""iCalendar: a session's .ics and the personal feed, read back across a daylight-saving change."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from bedside.learning import calendars, sessions
from bedside.learning.models import Room

pytestmark = pytest.mark.django_db

NY = zoneinfo.ZoneInfo("America/New_York")


def test_the_feed_reads_back_at_the_right_local_times_across_the_dst_change(
    client, make_person, make_course, educator, unit
):
    course = make_course(title="Mock code")
    room = Room.objects.create(site=unit.site, name="Sim lab", capacity=12)
    # 09:00 New York on a Saturday before the change back to standard time (1 Nov 2026) and on the Monday after.
    before = dt.datetime(2027, 3, 13, 9, 0, tzinfo=NY)  # EST, the day before the change to EDT (14 Mar 2027)
    after = dt.datetime(2027, 3, 15, 9, 0, tzinfo=NY)  # EDT
    nurse = make_person(unit=unit)
    for start in (before, after):
        s = sessions.session_create(
            actor=educator,
            course=course,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            seats=8,
            room=room,
        )
        sessions.register(person=nurse, session=s)
    client.force_login(nurse)
    client.get(reverse("my-calendar"))
    token = calendars.feed_for(nurse).token
    client.logout()
    response = client.get(reverse("calendar-feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    starts = sorted(e.decoded("dtstart") for e in cal.walk("VEVENT"))
    assert [s.astimezone(NY).hour for s in starts] == [9, 9]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [
        14,
        13,
    ]  # the UTC offset moved, the local time did not
    assert all(e.get("summary") == "Mock code" for e in cal.walk("VEVENT"))


def test_revoking_the_feed_kills_the_old_address(client, make_person, unit):
    nurse = make_person(unit=unit)
    old = calendars.feed_for(nurse).token
    client.force_login(nurse)
    client.post(reverse("my-calendar"))
    new = calendars.feed_for(nurse).token
    assert new != old
    client.logout()
    assert client.get(reverse("calendar-feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[new])).status_code == 200


def test_a_session_ics(client, make_person, make_course, make_session, unit):
    session = make_session(make_course(title="Skills lab"))
    client.force_login(make_person(unit=unit))
    cal = icalendar.Calendar.from_ical(client.get(reverse("session-ics", args=[session.pk])).content)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == session.starts_at and str(event.get("location")).startswith("Sim lab")
