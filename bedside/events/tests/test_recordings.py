"""The recording and slides after the talk: published to the library through its own service, a new
version on a second publish, bad files refused with nothing stored, the event page linking to it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bedside.audit.models import AuditEntry
from bedside.events import recordings, services
from bedside.events.models import Event, Recording
from bedside.events.services import Disclosed
from bedside.library.attachments import MB
from bedside.library.models import Attachment, Collection, Resource, ResourceVersion
from bedside.library.search import search
from bedside.library.tests.test_attachments import a_pdf

from .conftest import NOW

pytestmark = pytest.mark.django_db
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200
LATER = NOW + dt.timedelta(hours=3)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(LATER, tick=False):
        yield


@pytest.fixture
def talk(make_event, educator, unit):
    series = services.series_create(
        actor=None, title="Medicine Grand Rounds", department=unit.department, weekday=3, at=dt.time(8, 0)
    )
    event = make_event()
    Event.objects.filter(pk=event.pk).update(series=series)  # the fixture makes events on their own
    event.refresh_from_db()
    services.speaker_add(
        actor=educator, event=event, name="Dr Ada Chen", credentials="MD", affiliation="Infectious Diseases",
        disclosure="relationships",
        relationships=[Disclosed("Acme Pharma", "Consultant", "Slides reviewed by the planning committee")],
    )  # fmt: skip
    services.speaker_add(actor=educator, event=event, name="Dr Sam Ortiz", disclosure="none")
    return event


def slides(text="Lactate clearance and the hour-one bundle", name="slides.pdf"):
    return SimpleUploadedFile(name, a_pdf(text), content_type="application/pdf")


def files_in(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_publishing_makes_a_video_resource_with_the_talk_and_searchable_slides(talk, educator, media):
    recording = recordings.recording_publish(
        actor=educator,
        event=talk,
        minutes=58,
        video_url="https://video.example.org/rounds/1",
        slides=slides(),
    )
    resource = recording.resource
    version = resource.versions.get()
    assert resource.kind == "video" and resource.link == "https://video.example.org/rounds/1"
    assert version.status == "published" and version.label == "v1"
    assert resource.site == talk.site and resource.item.minutes == 58
    assert "Dr Ada Chen, MD (Infectious Diseases)" in version.body
    assert "Consultant, Acme Pharma (mitigated: Slides reviewed by the planning committee)" in version.body
    assert "Dr Sam Ortiz: nothing to disclose." in version.body
    assert "1. Recognise sepsis early" in version.body and "Start the bundle" in version.key_points
    # A reader who finds it in the library is sent to the talk's page, where watching counts.
    assert f"[Watch it on the talk's page](/events/{talk.pk}/recording/)" in version.body
    assert (
        "[Open the video on its own](https://video.example.org/rounds/1) (no time counted)." in version.body
    )
    attachment = version.attachments.get()
    assert attachment.content_type == "application/pdf" and "Lactate clearance" in attachment.text
    collection = Collection.objects.get(slug=f"recordings-{talk.series.slug}")
    assert collection.name == "Medicine Grand Rounds: recordings" and list(collection.resources.all()) == [
        resource
    ]
    assert search("lactate clearance").hits[0].resource == resource
    entry = AuditEntry.objects.get(action="library.version.publish_for_app")
    assert entry.actor == educator and entry.changes["source"] == f"events:event:{talk.pk}"
    assert len(files_in(media)) == 1


def test_a_second_publish_is_a_new_version_of_the_same_resource(talk, educator):
    first = recordings.recording_publish(
        actor=educator,
        event=talk,
        minutes=58,
        video_url="https://video.example.org/rounds/1",
        slides=slides(),
    )
    video = SimpleUploadedFile("rounds.mp4", MP4, content_type="video/mp4")
    second = recordings.recording_publish(
        actor=educator, event=talk, minutes=61, video_file=video, now=LATER + dt.timedelta(days=1)
    )
    assert second.pk == first.pk and Resource.objects.count() == 1
    versions = list(ResourceVersion.objects.filter(resource=first.resource).order_by("pk"))
    assert [v.status for v in versions] == ["retired", "published"] and versions[1].label == "v2"
    kept = sorted(a.content_type for a in versions[1].attachments.all())
    assert kept == ["application/pdf", "video/mp4"]  # the slides carried over, the file replaced the link
    second.refresh_from_db()
    second.resource.refresh_from_db()
    assert second.video_url == "" and second.resource.link == "" and second.minutes == 61
    assert Collection.objects.get().resources.count() == 1
    # A third publish with nothing new keeps the file and the slides.
    recordings.recording_publish(actor=educator, event=talk, minutes=61, now=LATER + dt.timedelta(days=2))
    third = ResourceVersion.objects.filter(resource=first.resource).order_by("pk").last()
    assert third.label == "v3" and third.attachments.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"slides": SimpleUploadedFile("slides.pdf", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)},
            "rename it",
        ),
        (
            {"slides": SimpleUploadedFile("slides.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)},
            "the slides must be a PDF",
        ),
        (
            {"slides": SimpleUploadedFile("notes.docx", b"PK\x03\x04 a word file")},
            "is not a file the library takes",
        ),
        ({"slides": SimpleUploadedFile("broken.pdf", b"%PDF-1.4 not really")}, "could not be read as a PDF"),
        ({"video_file": SimpleUploadedFile("talk.pdf", a_pdf("x"))}, "the video must be an MP4"),
        (
            {"video_url": "https://v.example.org/1", "video_file": SimpleUploadedFile("t.mp4", MP4)},
            "not both",
        ),
        ({}, "Give the recording"),
        ({"video_url": "https://v.example.org/1", "minutes": 0}, "between 1 and 1440"),
    ],
)
def test_bad_recordings_are_refused_and_nothing_is_stored(talk, educator, media, kwargs, message):
    kwargs = {"minutes": 60, **kwargs}
    if "video_url" not in kwargs and "video_file" not in kwargs and message != "Give the recording":
        kwargs["video_url"] = "https://v.example.org/1"
    with pytest.raises(ValidationError, match=message):
        recordings.recording_publish(actor=educator, event=talk, **kwargs)
    assert not Recording.objects.exists() and not Resource.objects.exists()
    assert not Attachment.objects.exists() and files_in(media) == []


def test_an_oversized_video_is_refused_and_nothing_is_stored(talk, educator, media):
    recordings.recording_publish(actor=educator, event=talk, minutes=60, video_url="https://v.example.org/1")
    big = SimpleUploadedFile("rounds.mp4", MP4, content_type="video/mp4")
    big.size = 201 * MB
    with pytest.raises(ValidationError, match="at most 200 MB"):
        recordings.recording_publish(actor=educator, event=talk, minutes=60, video_file=big)
    assert ResourceVersion.objects.count() == 1 and not Attachment.objects.exists() and files_in(media) == []


def test_only_organisers_publish_and_only_after_the_talk(talk, educator, make_person, make_event):
    with pytest.raises(PermissionDenied):
        recordings.recording_publish(
            actor=make_person(), event=talk, minutes=60, video_url="https://v.example.org/1"
        )
    upcoming = make_event(starts_at=LATER + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="after the talk has ended"):
        recordings.recording_publish(
            actor=educator, event=upcoming, minutes=60, video_url="https://v.example.org/1"
        )
    assert not Resource.objects.exists()


def test_an_event_without_a_series_goes_to_its_sites_collection(make_event, educator):
    event = make_event()
    recordings.recording_publish(actor=educator, event=event, minutes=60, video_url="https://v.example.org/1")
    collection = Collection.objects.get()
    assert (
        collection.slug == f"grand-rounds-recordings-{event.site.code.lower()}"
        and collection.site == event.site
    )


def test_the_organiser_page_publishes_and_the_event_page_links_the_recording(
    talk, educator, make_person, client
):
    client.force_login(educator)
    page = client.get(f"/events/organise/{talk.pk}/recording/")
    assert page.status_code == 200 and "Publish to the library" in page.content.decode()
    bad = client.post(
        f"/events/organise/{talk.pk}/recording/",
        {
            "minutes": "60",
            "video_url": "https://v.example.org/1",
            "slides": SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8),
        },
    )
    assert bad.status_code == 200 and "the slides must be a PDF" in bad.content.decode()
    assert not Resource.objects.exists()
    done = client.post(
        f"/events/organise/{talk.pk}/recording/",
        {"minutes": "60", "video_url": "https://v.example.org/1", "slides": slides()},
        follow=True,
    )
    assert "Published to the library" in done.content.decode() and "v1" in done.content.decode()
    client.force_login(make_person())
    event_page = client.get(f"/events/{talk.pk}/").content.decode()
    assert f"/events/{talk.pk}/recording/" in event_page and "Watch the recording" in event_page
    watch = client.get(f"/events/{talk.pk}/recording/").content.decode()
    assert "https://v.example.org/1" in watch and "Slides (PDF" in watch
    assert client.get(f"/events/organise/{talk.pk}/recording/").status_code in (403, 404)


def test_the_events_page_lists_the_newest_recordings_to_those_who_may_watch_them(
    talk, educator, make_person, client
):
    from bedside.library.services import resource_retire

    recording = recordings.recording_publish(
        actor=educator, event=talk, minutes=58, video_url="https://video.example.org/rounds/1"
    )
    nurse, outsider = make_person(), make_person(role=None, unit=None)
    client.force_login(nurse)
    home = client.get("/events/").content.decode()
    assert "<h2>Recordings</h2>" in home and f'href="/events/{talk.pk}/recording/"' in home
    assert "Medicine Grand Rounds" in home and "58 min" in home
    client.force_login(outsider)  # an outside clinician: the talk is not public
    assert f"/events/{talk.pk}/recording/" not in client.get("/events/").content.decode()
    resource_retire(resource=recording.resource, actor=None)
    client.force_login(nurse)
    assert "<h2>Recordings</h2>" not in client.get("/events/").content.decode()


def test_an_outsider_watching_a_public_talk_gets_no_link_to_its_internal_library_entry(
    talk, educator, make_person, client
):
    Event.objects.filter(pk=talk.pk).update(public=True)
    recording = recordings.recording_publish(
        actor=educator, event=talk, minutes=58, video_url="https://v.example.org/2"
    )
    library_link = f'href="/library/r/{recording.resource.slug}/"'
    client.force_login(make_person())
    assert library_link in client.get(f"/events/{talk.pk}/recording/").content.decode()
    # An outside clinician: the series' collection is internal, so the link would be dead.
    client.force_login(make_person(role=None, unit=None))
    watch = client.get(f"/events/{talk.pk}/recording/").content.decode()
    assert "https://v.example.org/2" in watch and library_link not in watch
    assert client.get(f"/library/r/{recording.resource.slug}/").status_code == 404
