"""The recording in real Chromium: an organiser's MP4 (made by the browser itself) and slides are
published to the library; a physician on a phone watches it, and the server counts the time the video
plays (heartbeats from the page) toward enduring credit."""

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bedside.events import presence, services
from bedside.events.credit import CreditTerms, credit_offer
from bedside.events.models import Mode, WatchTime
from bedside.events.recordings import recording_publish
from bedside.events.services import Disclosed, EventFields
from bedside.library.tests.test_attachments import a_pdf
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A few seconds of colour made by Chromium's own encoder (MediaRecorder, H.264 in MP4).
MAKE_MP4 = """async () => {
  const c = document.createElement('canvas'); c.width = 320; c.height = 180; document.body.appendChild(c);
  const ctx = c.getContext('2d'); const r = new MediaRecorder(c.captureStream(10), {mimeType: 'video/mp4;codecs=avc1'});
  const chunks = []; r.ondataavailable = e => chunks.push(e.data);
  let i = 0; const t = setInterval(() => { ctx.fillStyle = 'hsl(' + (i++ * 15) + ',60%,45%)'; ctx.fillRect(0, 0, 320, 180); }, 100);
  r.start(); await new Promise(res => setTimeout(res, 4000));
  const stopped = new Promise(res => r.onstop = res); r.stop(); await stopped; clearInterval(t);
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer()); let s = '';
  for (const b of bytes) s += String.fromCharCode(b); return btoa(s);
}"""


@pytest.fixture
def talk(make_person, monkeypatch):
    unit = f.UnitFactory(name="Medical ICU", code="RC-MICU")
    organiser = make_person(unit=unit, email="educator@example.org", grants=[(Capability.TEACH, unit)])
    physician = make_person(unit=unit, first_name="Elena", last_name="Marsh", email="physician@example.org")
    now = timezone.now()
    event = services.event_create(
        actor=None, department=unit.department,
        fields=EventFields(
            title="Sepsis in 2026: what changed", starts_at=now - dt.timedelta(hours=3),
            ends_at=now - dt.timedelta(hours=2), mode=Mode.VIRTUAL, stream_url="https://stream.example.org/mgr",
            objectives="Recognise sepsis within the first hour\nStart the bundle",
        ),
    )  # fmt: skip
    services.speaker_add(
        actor=None, event=event, name="Dr Ada Chen", credentials="MD", disclosure="relationships",
        relationships=[Disclosed("Acme Diagnostics", "Consultant", "Slides reviewed by the planning committee")],
    )  # fmt: skip
    terms = CreditTerms(
        offers={"ama_pra_1": Decimal("1.00")}, provider_name="Bedside Medical Center",
        enduring_until=now + dt.timedelta(days=90),
    )  # fmt: skip
    credit_offer(actor=None, event=event, terms=terms)
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 1)  # the page beats every second here
    return {"event": event, "organiser": organiser, "physician": physician}


def test_a_recording_published_by_the_organiser_is_watched_on_a_phone_for_credit(
    talk, browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    event = talk["event"]
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server.url, "educator@example.org", PASSWORD)
    mp4 = base64.b64decode(page.evaluate(MAKE_MP4))
    page.goto(f"{live_server.url}/events/organise/{event.pk}/recording/")
    page.get_by_label("Or the video file").set_input_files(
        files=[{"name": "rounds.mp4", "mimeType": "video/mp4", "buffer": mp4}]
    )
    page.get_by_label("Slides").set_input_files(
        files=[{"name": "sepsis.pdf", "mimeType": "application/pdf", "buffer": a_pdf("Lactate clearance")}]
    )
    page.get_by_label("Length (minutes)").fill("1")
    page.get_by_role("button", name="Publish to the library").click()
    page.get_by_text("Published to the library").wait_for()
    check_page(page, "events-recording-manage")
    context.close()

    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    sign_in(page, live_server.url, "physician@example.org", PASSWORD)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    page.get_by_role("button", name="Watch the recording").click()
    page.get_by_text("Press play").wait_for()
    check_page(page, "events-watch")
    page.locator("video").evaluate("v => { v.muted = true; return v.play(); }")
    page.locator("[data-presence-status]", has_text="counted toward credit").wait_for(timeout=30_000)
    for _ in range(240):  # the page's CSP allows no string evaluation (wait_for_function): poll
        if page.locator("video").evaluate("v => v.ended"):
            break
        page.wait_for_timeout(250)
    page.wait_for_timeout(500)
    row = WatchTime.objects.get(person=talk["physician"], event=event)
    # Counted while it played (about 4 s; more if a loaded machine stalls it), and stopped at the end.
    assert 1 <= row.seconds < 60 and row.last_beat_at is None
    check_page(page, "events-watch-played")
    phone.close()


# Seek the page's player and wait for it to land (a seek the server cannot serve never fires `seeked`).
SEEK = """(v, to) => new Promise((done, failed) => {
  const ready = () => { v.addEventListener('seeked', () => done(v.currentTime), {once: true}); v.currentTime = to; };
  v.addEventListener('error', () => failed(new Error('the video failed: ' + (v.error && v.error.code))));
  if (v.readyState >= 1) ready(); else v.addEventListener('loadedmetadata', ready, {once: true});
})"""
# The bytes a player asks for when it seeks, fetched from the page itself (cookies and all).
FETCH_RANGE = """async ([url, range]) => {
  const r = await fetch(url, {headers: {Range: range}});
  return {status: r.status, contentRange: r.headers.get('Content-Range'), length: (await r.arrayBuffer()).byteLength};
}"""


def test_a_phone_loads_the_recordings_metadata_and_seeks_by_byte_ranges(
    talk, browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    event = talk["event"]
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    sign_in(page, live_server.url, "physician@example.org", PASSWORD)
    mp4 = base64.b64decode(page.evaluate(MAKE_MP4))
    video = SimpleUploadedFile("rounds.mp4", mp4, content_type="video/mp4")
    recording_publish(actor=talk["organiser"], event=event, minutes=1, video_file=video)
    asked = []
    page.on(
        "response",
        lambda r: "/library/files/" in r.url and asked.append((r.request.headers.get("range"), r.status)),
    )
    page.goto(f"{live_server.url}/events/{event.pk}/recording/")
    player = page.locator("video")
    landed = player.evaluate(SEEK, 2.5)
    assert 2.0 <= landed <= 3.0
    assert player.evaluate("v => v.duration") > 3 and not player.evaluate("v => v.error")
    # Chromium's player asked for a range and the server answered with part of the file.
    assert asked and all(status == 206 for _, status in asked) and asked[0][0].startswith("bytes=")
    url = player.evaluate("v => v.currentSrc")
    middle = page.evaluate(FETCH_RANGE, [url, "bytes=1000-1999"])
    assert middle == {"status": 206, "contentRange": f"bytes 1000-1999/{len(mp4)}", "length": 1000}
    past = page.evaluate(FETCH_RANGE, [url, f"bytes={len(mp4)}-"])
    assert past["status"] == 416 and past["contentRange"] == f"bytes */{len(mp4)}"
    phone.close()
