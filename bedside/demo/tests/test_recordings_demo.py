"""The demo's grand rounds recordings: published to the library, watched in part, and claimed as enduring credit."""

import pytest
import time_machine
from django.urls import reverse

from bedside.credits.models import Attendance, Claim
from bedside.demo.tests.test_seed import NOON, seeded  # noqa: F401 - the seeded demo hospital
from bedside.events.models import Recording, WatchTime
from bedside.people.models import Person

pytestmark = pytest.mark.django_db


def _recording(title: str) -> Recording:
    return Recording.objects.select_related("event__activity", "resource").get(event__title=title)


def test_three_past_talks_have_their_recordings_in_the_library(seeded, client):  # noqa: F811
    recordings = Recording.objects.select_related("event__series", "event__activity", "resource")
    assert sorted(r.event.title for r in recordings) == [
        "Anticoagulation around procedures",
        "Early mobility in the ICU",
        "Heart failure after discharge",
    ]
    for r in recordings:
        resource = r.resource
        assert resource.kind == "video" and resource.link == r.video_url
        assert r.video_url.startswith("https://video.example.org/grand-rounds/")
        assert resource.versions.get().status == "published"
        assert resource.audience_id == r.event.audience_id
        assert resource.collections.get().name == f"{r.event.series.title}: recordings"
        assert r.event.ends_at < r.published_at < NOON
    # Medicine Grand Rounds' recordings earn credit past the demo's today; Critical Care's never do.
    for r in recordings:
        activity = r.event.activity
        assert activity.enduring_open(NOON) == (r.event.series.title == "Medicine Grand Rounds")
        if activity.enduring_open(NOON):
            assert activity.enduring_until > NOON
    critical_care = _recording("Early mobility in the ICU")
    with time_machine.travel(NOON, tick=False):
        client.force_login(Person.objects.get(email="nurse@demo.bedside.test"))
        page = client.get(reverse("event-watch", args=[critical_care.event_id])).content.decode()
    assert "Open the recording" in page
    assert "Watching the recording does not earn credit for this event." in page


def test_demo_learners_claimed_credit_for_a_recording_and_watched_part_of_another(seeded, client):  # noqa: F811
    doctor = Person.objects.get(email="physician@demo.bedside.test")
    recording = _recording("Heart failure after discharge")
    activity = recording.event.activity
    attendance = Attendance.objects.get(activity=activity, person=doctor)
    assert attendance.method == "enduring" and attendance.checked_in_at is None
    claim = Claim.objects.get(activity=activity, person=doctor)
    assert (claim.credit_type, str(claim.amount), claim.minutes_attended) == ("ama_pra_1", "1.00", 60)
    assert claim.claimed_at < NOON
    with time_machine.travel(NOON, tick=False):
        client.force_login(doctor)
        page = client.get(reverse("event-watch", args=[recording.event_id])).content.decode()
    assert "Open the recording" in page and "60 minutes counted toward credit." in page
    assert "1.00 AMA PRA Category 1" in page

    # The demo nurse and three colleagues watched part of another: she sees her time and can go on.
    nurse = Person.objects.get(email="nurse@demo.bedside.test")
    recording = _recording("Anticoagulation around procedures")
    watched = WatchTime.objects.filter(event=recording.event, watching="recording")
    assert sorted(w.seconds // 60 for w in watched) == [9, 16, 24, 31]
    assert not watched.filter(last_beat_at__isnull=False).exists()  # every viewer paused
    assert Attendance.objects.get(activity=recording.event.activity, person=nurse).minutes_present == 24
    assert not Claim.objects.filter(
        activity=recording.event.activity, person__in=watched.values("person")
    ).exists()
    with time_machine.travel(NOON, tick=False):
        client.force_login(nurse)
        event_page = client.get(reverse("event", args=[recording.event_id])).content.decode()
        assert "Watch the recording" in event_page and "(watching earns credit)" in event_page
        response = client.get(reverse("event-watch", args=[recording.event_id]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "24 minutes counted toward credit." in page and "I am watching now" in page
        assert "In the library (v1)" in page and "Counted up to the recording's length (54 minutes)" in page
        beat = client.post(reverse("event-watch-heartbeat", args=[recording.event_id]), {"state": "start"})
        assert beat.status_code == 200 and beat.json()["counted_minutes"] == 24
