from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.audit.models import AuditEntry
from bedside.events import services
from bedside.events.models import Event, Mode, Registration, Relationship, Speaker
from bedside.events.services import Disclosed, EventFields
from bedside.learning.models import Room
from bedside.testing import factories as f

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_weekly_series_keeps_its_local_time_across_the_dst_change(educator, unit):
    series = services.series_create(
        actor=educator, title="Medicine Grand Rounds", department=unit.department, weekday=3, at=dt.time(8, 0)
    )
    # Thursdays 22 Oct to 12 Nov 2026: New York leaves daylight saving on Sun 1 Nov.
    how = EventFields(
        title="Grand rounds",
        starts_at=NOW,
        ends_at=NOW,
        mode=Mode.VIRTUAL,
        stream_url="https://s.example.org/r",
    )
    events = services.series_schedule(
        actor=educator, series=series, first_day=dt.date(2026, 10, 20), weeks=4, fields=how
    )
    starts = [e.starts_at.astimezone(dt.UTC) for e in events]
    assert [s.date() for s in starts] == [
        dt.date(2026, 10, 22),
        dt.date(2026, 10, 29),
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 12),
    ]
    assert [s.hour for s in starts] == [12, 12, 13, 13]
    assert all(e.starts_at.astimezone(series.tz).time() == dt.time(8, 0) for e in events)
    assert all(e.ends_at - e.starts_at == dt.timedelta(minutes=60) for e in events)
    # Scheduling the same weeks again adds nothing.
    assert (
        services.series_schedule(
            actor=educator, series=series, first_day=dt.date(2026, 10, 20), weeks=4, fields=how
        )
        == []
    )


def test_a_learner_cannot_create_a_series(make_person, unit):
    with pytest.raises(PermissionDenied):
        services.series_create(
            actor=make_person(unit=unit), title="Rounds", department=unit.department, weekday=3, at=dt.time(8)
        )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"mode": Mode.VIRTUAL, "room": None, "stream_url": ""}, "needs a stream or meeting link"),
        ({"mode": Mode.IN_PERSON, "room": None}, "needs a room"),
        ({"ends_at": NOW - dt.timedelta(hours=1)}, "must end after it starts"),
    ],
)
def test_bad_event_is_refused_and_nothing_is_written(educator, unit, room, changes, message):
    fields = {"title": "Rounds", "starts_at": NOW, "ends_at": NOW + dt.timedelta(hours=1), "mode": Mode.HYBRID,
              "room": room, "stream_url": "https://stream.example.org/x", **changes}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.event_create(actor=educator, department=unit.department, fields=EventFields(**fields))
    assert any(message in m for m in exc.value.messages)
    assert not Event.objects.exists()


def test_a_room_of_another_site_is_refused(educator, unit):
    elsewhere = Room.objects.create(site=f.SiteFactory(), name="Far hall", capacity=50)
    fields = EventFields(
        title="Rounds",
        starts_at=NOW,
        ends_at=NOW + dt.timedelta(hours=1),
        mode=Mode.IN_PERSON,
        room=elsewhere,
    )
    with pytest.raises(ValidationError, match="another site"):
        services.event_create(actor=educator, department=unit.department, fields=fields)


def test_speaker_disclosures_need_a_mitigation_for_each_relationship(make_event, educator):
    event = make_event()
    with pytest.raises(ValidationError, match="mitigated"):
        services.speaker_add(
            actor=educator, event=event, name="Dr Ada Chen", disclosure="relationships",
            relationships=[Disclosed("Acme Pharma", "consultant", "")],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Name each financial relationship"):
        services.speaker_add(actor=educator, event=event, name="Dr Ada Chen", disclosure="relationships")
    assert not Speaker.objects.exists() and not Relationship.objects.exists()
    speaker = services.speaker_add(
        actor=educator, event=event, name="Dr Ada Chen", credentials="MD", disclosure="relationships",
        relationships=[Disclosed("Acme Pharma", "consultant", "Content reviewed by the planning committee")],
    )  # fmt: skip
    assert speaker.relationships.get().company == "Acme Pharma"
    assert AuditEntry.objects.filter(action="events.speaker.add").exists()


def test_the_room_fills_then_online_places_remain(make_event, make_person):
    event = make_event(starts_at=NOW + dt.timedelta(days=1))  # the room has 2 seats
    a, b, c = (make_person() for _ in range(3))
    services.register(person=a, event=event, attendance="room", now=NOW)
    services.register(person=b, event=event, attendance="room", now=NOW)
    with pytest.raises(ValidationError, match="The room is full"):
        services.register(person=c, event=event, attendance="room", now=NOW)
    services.register(person=c, event=event, attendance="online", now=NOW)
    with pytest.raises(ValidationError, match="already have a place"):
        services.register(person=c, event=event, attendance="online", now=NOW)
    assert Registration.objects.filter(event=event, cancelled_at__isnull=True).count() == 3


def test_outside_clinicians_register_only_for_public_events(make_event, make_person):
    outsider = make_person(role=None)
    private = make_event(starts_at=NOW + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="for the hospital's staff"):
        services.register(person=outsider, event=private, attendance="online", now=NOW)
    public = make_event(starts_at=NOW + dt.timedelta(days=2), public=True)
    assert services.register(person=outsider, event=public, attendance="online", now=NOW)


def test_reminders_go_once_to_each_place_a_day_before(
    make_event, make_person, mailoutbox, django_capture_on_commit_callbacks
):
    from bedside.events.reminders import send_reminders

    event = make_event(starts_at=NOW + dt.timedelta(hours=20))
    later = make_event(starts_at=NOW + dt.timedelta(days=3))
    for person in (make_person(), make_person()):
        services.register(person=person, event=event, attendance="online", now=NOW)
        services.register(person=person, event=later, attendance="online", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(now=NOW) == 2
        assert send_reminders(now=NOW + dt.timedelta(minutes=15)) == 0
    assert len(mailoutbox) == 2 and mailoutbox[0].subject == "Tomorrow: Sepsis update"
    assert f"/events/{event.pk}/" in mailoutbox[0].body
