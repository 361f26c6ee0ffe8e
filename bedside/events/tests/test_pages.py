from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import time_machine

from bedside.events import dialogue, services
from bedside.events.models import Question
from bedside.events.services import Disclosed
from bedside.learning.calendars import feed_for

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_learners_see_disclosures_and_objectives_before_the_talk(make_event, educator, make_person, client):
    event = make_event(starts_at=NOW + dt.timedelta(days=2))
    services.speaker_add(
        actor=educator, event=event, name="Dr Ada Chen", credentials="MD", disclosure="relationships",
        relationships=[Disclosed("Acme Pharma", "Consultant", "Slides reviewed by the planning committee")],
    )  # fmt: skip
    services.speaker_add(actor=educator, event=event, name="Dr Sam Ortiz", disclosure="none")
    client.force_login(make_person())
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "Acme Pharma" in page and "Slides reviewed by the planning committee" in page
    assert "Nothing to disclose" in page and "Start the bundle within an hour" in page
    assert client.get(f"/events/{event.pk}/").headers["Cache-Control"].startswith("max-age=0")


def test_saving_a_place_from_the_page(make_event, make_person, client):
    event = make_event(starts_at=NOW + dt.timedelta(days=2))
    person = make_person()
    client.force_login(person)
    response = client.post(f"/events/{event.pk}/", {"attendance": "room"}, follow=True)
    assert "Your place is saved (in the room)" in response.content.decode()
    response = client.post(f"/events/{event.pk}/", {"attendance": "online"}, follow=True)
    assert "already have a place" in response.content.decode()
    client.post(f"/events/{event.pk}/", {"action": "cancel"})
    response = client.post(f"/events/{event.pk}/", {"attendance": "sofa"}, follow=True)
    assert "Choose to attend in the room or online." in response.content.decode()


def test_asking_and_voting_from_the_live_page(make_event, make_person, client):
    event = make_event()
    asker, voter = make_person(), make_person()
    client.force_login(asker)
    assert "Ask the speaker" in client.get(f"/events/{event.pk}/live/").content.decode()
    answer = client.post(
        f"/events/{event.pk}/live/questions/",
        {"text": "Is qSOFA enough?"},
        headers={"X-Requested-With": "fetch"},
    )
    assert answer.status_code == 200 and answer.json()["ok"].startswith("Your question is in")
    bad = client.post(
        f"/events/{event.pk}/live/questions/", {"text": "?"}, headers={"X-Requested-With": "fetch"}
    )
    assert bad.status_code == 400 and "at least 5 characters" in bad.json()["error"]
    q = Question.objects.get()
    client.force_login(voter)
    vote = client.post(f"/events/questions/{q.pk}/vote/", {"up": "1"}, headers={"X-Requested-With": "fetch"})
    assert vote.json() == {"ok": "Vote counted.", "votes": 1, "voted": True}
    page = client.get(f"/events/{event.pk}/live/").content.decode()
    assert "Is qSOFA enough?" in page and 'aria-pressed="true"' in page


def test_moderating_is_for_moderators_and_organisers(make_event, make_person, educator, client):
    event = make_event()
    q = dialogue.question_ask(person=make_person(), event=event, text="When do we give steroids?", now=NOW)
    moderator = make_person()
    client.force_login(moderator)
    assert client.get(f"/events/{event.pk}/moderate/").status_code == 403
    assert client.post(f"/events/moderate/questions/{q.pk}/", {"action": "approve"}).status_code == 403
    event.moderators.add(moderator)
    assert client.get(f"/events/{event.pk}/moderate/").status_code == 200
    answer = client.post(
        f"/events/moderate/questions/{q.pk}/", {"action": "approve"}, headers={"X-Requested-With": "fetch"}
    )
    assert answer.json()["ok"] == "Promoted to the speaker."
    speaker_page = client.get(f"/events/{event.pk}/speaker/").content.decode()
    assert "When do we give steroids?" in speaker_page


def test_the_speaker_sees_their_view_and_nobody_else_s(make_event, make_person, educator, client):
    event = make_event()
    speaker = make_person()
    services.speaker_add(actor=educator, event=event, name="", person=speaker, disclosure="none")
    client.force_login(make_person())
    assert client.get(f"/events/{event.pk}/speaker/").status_code == 404
    client.force_login(speaker)
    assert client.get(f"/events/{event.pk}/speaker/").status_code == 200


def test_public_event_page_is_cacheable_for_anonymous_visitors(make_event, client):
    event = make_event(starts_at=NOW + dt.timedelta(days=3), public=True)
    make_event(starts_at=NOW + dt.timedelta(days=3), title="Staff only")
    listing = client.get("/open/events/")
    assert "Sepsis update" in listing.content.decode() and "Staff only" not in listing.content.decode()
    page = client.get(f"/open/events/{event.slug}/")
    # Outside clinicians read the talk's time zone as a place, not as a zone identifier.
    place = event.site.time_zone.rsplit("/", 1)[-1].replace("_", " ")
    for text in (listing.content.decode(), page.content.decode()):
        assert f"({place} time)" in text and f"({event.site.time_zone})" not in text
    assert "public" in page.headers["Cache-Control"] and page.headers["ETag"]
    again = client.get(f"/open/events/{event.slug}/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


def test_calendar_feeds_by_the_learning_secret(make_event, make_person, client, unit):
    person = make_person()
    event = make_event(starts_at=NOW + dt.timedelta(days=2))
    services.register(person=person, event=event, attendance="online", now=NOW)
    token = feed_for(person).token
    mine = icalendar.Calendar.from_ical(client.get(f"/events/calendar/{token}.ics").content)
    (vevent,) = mine.walk("VEVENT")
    assert vevent["SUMMARY"] == "Sepsis update"
    assert vevent.decoded("DTSTART") == event.starts_at
    series = services.series_create(
        actor=None, title="Medicine Grand Rounds", department=unit.department, weekday=3, at=dt.time(8)
    )
    feed = client.get(f"/events/calendar/{token}/series/{series.slug}.ics")
    assert feed.status_code == 200 and b"Medicine Grand Rounds" in feed.content
    assert client.get(f"/events/calendar/not-a-token/series/{series.slug}.ics").status_code == 404


def test_organiser_creates_an_event_with_bad_input_named(educator, unit, client):
    client.force_login(educator)
    response = client.post(
        "/events/organise/new/",
        {"title": "Rounds", "department": unit.department.pk, "day": "2026-11-19", "start": "08:00",
         "end": "09:00", "mode": "virtual"},
    )  # fmt: skip
    assert "An event online needs a stream or meeting link." in response.content.decode()
    response = client.post(
        "/events/organise/new/",
        {"title": "Rounds", "department": unit.department.pk, "day": "2026-11-19", "start": "08:00",
         "end": "09:00", "mode": "virtual", "stream_url": "https://stream.example.org/r"},
    )  # fmt: skip
    assert response.status_code == 302


@pytest.mark.parametrize("bad", ["abc", "9" * 30, "²"])
def test_an_id_that_names_no_row_is_refused_with_the_reason(make_event, make_person, educator, client, bad):
    # filter(pk="abc") raised (a 500); now the form says which choice is missing and changes nothing.
    event = make_event()
    question = dialogue.question_ask(event=event, person=make_person(), text="Is qSOFA enough?")
    services.speaker_add(actor=educator, event=event, name="Dr Ada Chen", disclosure="none")
    client.force_login(educator)
    merge = client.post(
        f"/events/moderate/questions/{question.pk}/", {"action": "merge", "into": bad}, follow=True
    )
    assert (
        merge.status_code == 200
        and "Choose a question of this event to merge into." in merge.content.decode()
    )
    assert Question.objects.get(pk=question.pk).merged_into_id is None
    remove = client.post(
        f"/events/organise/{event.pk}/", {"form": "remove-speaker", "speaker": bad}, follow=True
    )
    assert remove.status_code == 200 and "Choose a speaker of this event." in remove.content.decode()
    assert event.speakers.count() == 1
