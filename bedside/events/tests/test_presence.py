"""Time counted by the server from heartbeats: online attendees during the live event, and the
recording watched later where the event's credit allows enduring credit. Whole minutes go to credits
(presence_record), which caps them at the activity's length; claims follow the credit rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from bedside.credits import services as credits
from bedside.credits.models import Attendance
from bedside.events import presence, recordings
from bedside.events.credit import CreditTerms, credit_offer
from bedside.events.models import Mode, WatchTime

from .conftest import NOW

pytestmark = pytest.mark.django_db
START = NOW - dt.timedelta(minutes=10)  # the fixture's event: 08:00-09:00 New York
AFTER = START + dt.timedelta(days=2)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def link():
    """The CME office offers credit for the event (1.00 AMA PRA Category 1 and ANCC), as on its page."""

    def make(event, *, enduring_until=None):
        terms = CreditTerms(
            offers={"ama_pra_1": Decimal("1.00"), "ancc": Decimal("1.00")},
            provider_name="Bedside Medical Center",
            enduring_until=enduring_until,
        )
        return credit_offer(actor=None, event=event, terms=terms, now=START - dt.timedelta(days=7))

    return make


def beats(event, person, watching, start, seconds, every=30):
    """A viewer's page: start, then a tick every `every` seconds for `seconds`."""
    presence.heartbeat(event=event, person=person, watching=watching, state="start", now=start)
    last = None
    for n in range(every, seconds + 1, every):
        last = presence.heartbeat(
            event=event, person=person, watching=watching, now=start + dt.timedelta(seconds=n)
        )
    return last


def refused(match, **kwargs):
    with pytest.raises(ValidationError, match=match):
        presence.heartbeat(**kwargs)


def test_online_attendees_time_counts_while_check_in_is_open(make_event, link, make_person):
    event = make_event(mode=Mode.VIRTUAL)
    activity = link(event)
    viewer = make_person()
    beat = beats(event, viewer, "live", START, 45 * 60)
    assert beat.counted_seconds == 45 * 60 and beat.minutes_sent == 45 and beat.minutes_attended == 45
    attendance = Attendance.objects.get(activity=activity, person=viewer)
    assert attendance.method == "presence" and attendance.presence_source == "virtual"
    credits.evaluation_submit(
        activity=activity, person=viewer, objectives_met="yes", free_of_bias=True, practice_change="yes",
        now=START + dt.timedelta(minutes=61),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="45 minutes attended earn at most 0.75"):
        credits.claim(activity=activity, person=viewer, credit_type="ama_pra_1", amount="1.00", now=START)
    claim = credits.claim(activity=activity, person=viewer, credit_type="ama_pra_1", now=START)
    assert claim.amount == Decimal("0.75")  # quarter-hour steps, never above the time attended


def test_a_beat_adds_only_the_server_time_since_the_last_one(make_event, link, make_person):
    event = make_event(mode=Mode.VIRTUAL)
    link(event)
    viewer = make_person()
    first = presence.heartbeat(event=event, person=viewer, watching="live", state="start", now=START)
    assert first.added_seconds == 0
    late = presence.heartbeat(
        event=event, person=viewer, watching="live", now=START + dt.timedelta(seconds=70)
    )
    assert late.added_seconds == 70  # a late beat still counts
    away = presence.heartbeat(
        event=event, person=viewer, watching="live", now=START + dt.timedelta(minutes=20)
    )
    assert away.added_seconds == 0  # twenty minutes of silence were time away
    presence.heartbeat(
        event=event, person=viewer, watching="live", state="pause", now=START + dt.timedelta(minutes=21)
    )
    resumed = presence.heartbeat(
        event=event, person=viewer, watching="live", now=START + dt.timedelta(minutes=21, seconds=30)
    )
    assert resumed.added_seconds == 0 and resumed.counted_seconds == 70 + 60  # nothing while paused
    again = presence.heartbeat(
        event=event, person=viewer, watching="live", now=START + dt.timedelta(minutes=21, seconds=30)
    )
    assert again.added_seconds == 0  # the same moment twice adds nothing


def test_two_tabs_never_count_the_same_time_twice(make_event, link, make_person):
    event = make_event(mode=Mode.VIRTUAL)
    link(event)
    viewer = make_person()
    presence.heartbeat(event=event, person=viewer, watching="live", state="start", now=START)
    for n in range(1, 41):  # two tabs, each beating every 30 s, 15 s apart: 10 minutes
        presence.heartbeat(
            event=event, person=viewer, watching="live", now=START + dt.timedelta(seconds=15 * n)
        )
    row = WatchTime.objects.get(person=viewer)
    assert row.seconds == 600 and row.minutes_sent == 10


def test_live_time_is_refused_outside_the_window_in_the_room_only_and_without_credit(
    make_event, link, make_person
):
    viewer = make_person()
    virtual = make_event(mode=Mode.VIRTUAL)
    link(virtual)
    refused(
        "only while check-in is open",
        event=virtual,
        person=viewer,
        watching="live",
        now=START + dt.timedelta(hours=2),
    )
    refused(
        "only while check-in is open",
        event=virtual,
        person=viewer,
        watching="live",
        now=START - dt.timedelta(hours=1),
    )
    in_room = make_event(mode=Mode.IN_PERSON)
    link(in_room)
    refused("in the room only", event=in_room, person=viewer, watching="live", now=START)
    no_credit = make_event(mode=Mode.VIRTUAL)
    refused("offers no credit", event=no_credit, person=viewer, watching="live", now=START)
    refused("start, tick or pause", event=virtual, person=viewer, watching="live", state="", now=START)
    assert not WatchTime.objects.exists() and not Attendance.objects.exists()


@pytest.fixture
def recorded(make_event, educator):
    def make(**fields):
        event = make_event(mode=Mode.HYBRID)
        recordings.recording_publish(
            actor=educator, event=event, minutes=fields.pop("recording_minutes", 50),
            video_url="https://video.example.org/1", now=START + dt.timedelta(hours=2),
        )  # fmt: skip
        return event

    return make


def test_watching_the_recording_later_earns_credit_capped_at_its_length(recorded, link, make_person):
    event = recorded(recording_minutes=50)
    activity = link(event, enduring_until=START + dt.timedelta(days=30))
    viewer = make_person()
    beat = beats(event, viewer, "recording", AFTER, 70 * 60)
    assert beat.counted_seconds == 50 * 60 and beat.capped and beat.minutes_attended == 50
    attendance = Attendance.objects.get(activity=activity, person=viewer)
    assert attendance.method == "enduring" and attendance.presence_source == "recording"
    assert attendance.minutes_present == 50
    more = beats(event, viewer, "recording", AFTER + dt.timedelta(days=1), 10 * 60)
    assert more.added_seconds == 0 and Attendance.objects.get(pk=attendance.pk).minutes_present == 50


def test_no_credit_for_watching_after_enduring_until_nor_where_it_is_not_allowed(
    recorded, link, make_person, make_event
):
    viewer = make_person()
    closed = recorded()
    link(closed, enduring_until=START + dt.timedelta(days=1))
    refused("ended on its closing date", event=closed, person=viewer, watching="recording", now=AFTER)
    live_only = recorded()
    link(live_only)
    refused("does not earn credit", event=live_only, person=viewer, watching="recording", now=AFTER)
    unpublished = make_event(mode=Mode.HYBRID)
    link(unpublished, enduring_until=START + dt.timedelta(days=30))
    refused("not published yet", event=unpublished, person=viewer, watching="recording", now=AFTER)
    assert not WatchTime.objects.exists() and not Attendance.objects.exists()


def test_live_and_recorded_time_together_never_exceed_the_activity(recorded, link, make_person):
    event = recorded(recording_minutes=60)
    activity = link(event, enduring_until=START + dt.timedelta(days=30))
    viewer = make_person()
    beats(event, viewer, "live", START, 40 * 60)
    beat = beats(event, viewer, "recording", AFTER, 40 * 60)
    assert beat.minutes_attended == 60
    assert Attendance.objects.get(activity=activity, person=viewer).minutes_present == 60


def test_typed_in_minutes_do_not_count_for_a_live_activity(make_event, link, make_person):
    event = make_event(mode=Mode.VIRTUAL)
    activity = link(event, enduring_until=START + dt.timedelta(days=30))
    with pytest.raises(ValidationError, match="cannot be typed in"):
        credits.presence_record(activity=activity, person=make_person(), minutes=60, source="self", now=AFTER)


def test_the_heartbeat_urls_answer_json(recorded, link, make_person, client):
    event = recorded()
    link(event, enduring_until=START + dt.timedelta(days=30))
    client.force_login(make_person())
    url = f"/events/{event.pk}/recording/heartbeat/"
    with time_machine.travel(AFTER, tick=False):
        answers(client, event, url)


def answers(client, event, url):
    assert client.post(url, {"state": "start"}).json()["counted_minutes"] == 0
    bad = client.post(url, {"state": "rewind"})
    assert bad.status_code == 400 and "start, tick or pause" in bad.json()["error"]
    page = client.get(f"/events/{event.pk}/recording/").content.decode()
    assert "data-presence" in page and "events-presence.js" in page
    live = client.post(f"/events/{event.pk}/live/heartbeat/", {"state": "start"})
    assert live.status_code == 400 and "only while check-in is open" in live.json()["error"]


def test_the_live_page_counts_online_attendees_only_while_check_in_is_open(
    make_event, link, make_person, client
):
    event = make_event(mode=Mode.VIRTUAL)
    link(event)
    client.force_login(make_person())
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        page = client.get(f"/events/{event.pk}/live/").content.decode()
        assert f'data-beat-url="/events/{event.pk}/live/heartbeat/"' in page and "events-presence.js" in page
        assert client.post(f"/events/{event.pk}/live/heartbeat/", {"state": "start"}).status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        assert "data-presence" not in client.get(f"/events/{event.pk}/live/").content.decode()


def test_beats_a_little_early_carry_their_fractions(make_event, link, make_person):
    event = make_event(mode=Mode.VIRTUAL)
    link(event)
    viewer = make_person()
    presence.heartbeat(event=event, person=viewer, watching="live", state="start", now=START)
    for n in range(1, 31):  # a timer that fires every 0.98 s: each beat alone is under a second
        presence.heartbeat(
            event=event, person=viewer, watching="live", now=START + dt.timedelta(milliseconds=980 * n)
        )
    assert WatchTime.objects.get(person=viewer).seconds == 29  # 29.4 s, whole seconds, none lost
