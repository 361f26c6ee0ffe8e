"""A cancelled talk stops giving credit: cancelling the event cancels its activity in the same transaction,
and the event's pages (panel, room code, live time, the recording) say so instead of offering credit."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied

from bedside.audit.models import AuditEntry
from bedside.credits import services as credits
from bedside.credits.models import Activity, Attendance
from bedside.events import recordings, services
from bedside.events.credit import CreditTerms, credit_offer
from bedside.events.models import Event, Mode, WatchTime
from bedside.testing.credits import credit_rows

from .conftest import NOW

pytestmark = pytest.mark.django_db
CANCELLED_AT = NOW  # Thu 12 Nov 2026, 08:10 in New York, ten minutes into the talk
REASON = "This activity was cancelled on 12 Nov 2026"


@pytest.fixture(autouse=True)
def clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def accredited(make_event):
    """A hybrid talk that started ten minutes ago, offering credit (and enduring credit for a month)."""

    def make(**kwargs):
        event = make_event(**kwargs)
        terms = CreditTerms(
            offers={"ama_pra_1": Decimal("1.00")},
            provider_name="Harbor CME",
            enduring_until=event.ends_at + dt.timedelta(days=30),
        )
        credit_offer(actor=None, event=event, terms=terms, now=NOW - dt.timedelta(days=7))
        return Event.objects.select_related("activity").get(pk=event.pk)

    return make


def written():
    """Credit rows but audit (cancelling audits), and watch time."""
    return (*credit_rows()[:4], WatchTime.objects.count())


def code_now(event) -> str:
    return credits.rotating_code(event.activity).short_code(NOW)


def test_cancelling_the_event_cancels_its_activity_and_keeps_what_was_recorded(
    accredited, educator, make_person
):
    event = accredited()
    attended = make_person()
    credits.checkin(activity=event.activity, person=attended, code=code_now(event), now=NOW)
    before = written()

    services.event_cancel(actor=educator, event=event, now=CANCELLED_AT)

    assert Activity.objects.get(pk=event.activity_id).cancelled_at == CANCELLED_AT
    assert written() == before
    closed = AuditEntry.objects.get(action="credits.activity_cancel")
    assert closed.actor is None and closed.changes == {"attendances_kept": 1, "claims_kept": 0}
    assert AuditEntry.objects.get(action="events.event.cancel").actor == educator


def test_a_refused_cancellation_leaves_the_activity_open(accredited, make_person):
    event = accredited()
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=make_person(), event=event, now=CANCELLED_AT)
    assert Event.objects.get(pk=event.pk).cancelled_at is None
    assert Activity.objects.get(pk=event.activity_id).cancelled_at is None


def test_the_cancelled_event_shows_no_check_in_code_and_says_why(accredited, educator, make_person, client):
    event = accredited()
    speaker = make_person()
    services.speaker_add(actor=None, event=event, name="", person=speaker, disclosure="none")
    shown = code_now(event)
    services.event_cancel(actor=educator, event=event, now=CANCELLED_AT)

    attendee = make_person()
    client.force_login(attendee)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "This event is cancelled." in page and f"{REASON}. It offers no credit" in page
    assert 'name="code"' not in page and 'value="claim"' not in page
    assert "stream.example.org" not in page and "No stream: the event is cancelled." in page
    live = client.get(f"/events/{event.pk}/live/").content.decode()
    assert REASON in live and 'name="code"' not in live and 'href="#credit"' not in live
    before = written()
    refused = client.post(f"/events/{event.pk}/", {"credit": "checkin", "code": shown}, follow=True)
    assert f"{REASON}: check-in is closed and it offers no credit." in refused.content.decode()
    beat = client.post(f"/events/{event.pk}/live/heartbeat/", {"state": "start"})
    assert beat.status_code == 400
    assert beat.json()["error"] == f"{REASON}: time watching it no longer counts toward credit."
    assert written() == before

    for person, url in ((educator, "moderate"), (speaker, "speaker")):
        client.force_login(person)
        body = client.get(f"/events/{event.pk}/{url}/").content.decode()
        assert f"{shown[:3]} {shown[3:]}" not in body and f"{REASON}: check-in is closed" in body
        fragment = client.get(f"/events/{event.pk}/check-in-code/")
        text = fragment.content.decode()
        assert fragment.status_code == 200 and f"{REASON}: check-in is closed" in text
        assert "hx-get" not in text and shown[:3] not in text  # the screen stops asking for new codes


def test_watching_the_recording_of_a_cancelled_talk_earns_no_credit(
    accredited, educator, make_person, client
):
    event = accredited(mode=Mode.HYBRID)
    recordings.recording_publish(
        actor=educator, event=event, minutes=50, video_url="https://video.example.org/1",
        now=NOW + dt.timedelta(hours=2),
    )  # fmt: skip
    services.event_cancel(actor=educator, event=event, now=CANCELLED_AT)
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        client.force_login(make_person())
        watch = client.get(f"/events/{event.pk}/recording/").content.decode()
        beat = client.post(f"/events/{event.pk}/recording/heartbeat/", {"state": "start"})
    assert f"{REASON}. It offers no credit" in watch
    assert beat.status_code == 400 and REASON in beat.json()["error"]
    assert not WatchTime.objects.exists() and not Attendance.objects.exists()


def test_the_migration_cancels_the_credit_of_events_cancelled_before(accredited):
    event, open_event = accredited(), accredited()
    Event.objects.filter(pk=event.pk).update(cancelled_at=CANCELLED_AT)  # as cancelling left them
    migration = importlib.import_module("bedside.events.migrations.0004_cancelled_events_close_credit")
    migration.close_credit_of_cancelled_events(apps, None)
    assert Activity.objects.get(pk=event.activity_id).cancelled_at == CANCELLED_AT
    assert Activity.objects.get(pk=open_event.activity_id).cancelled_at is None
