"""The issue's 'Done when' in real Chromium, end to end: a physician joins a hybrid grand rounds on a phone and
asks a question; the moderator, in a session of their own, promotes it and the physician's page shows it
without reloading; the physician checks in with the code read off the moderator's screen, evaluates, claims
1.0 credit, downloads the certificate PDF and the badge, and the badge verifies on the public page; the CME
office exports the month's PARS activity and learner files, which carry the talk.

The event is made relative to the real clock (the live server and the browser's cookies run on it), and
each service takes the moment of its request."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from bedside.credits import badges
from bedside.credits.models import Attendance, Claim, Evaluation
from bedside.events import services
from bedside.events.credit import CreditTerms
from bedside.events.models import Mode
from bedside.events.services import Disclosed, EventFields
from bedside.learning.models import Room
from bedside.people.models import Capability
from bedside.people.timezones import system_tz
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUESTION = "Does the one-hour bundle apply to patients on dialysis?"


@pytest.fixture
def rounds(make_person):
    site = f.SiteFactory(name="Harbor General Hospital", time_zone="America/New_York")
    micu = f.UnitFactory(name="Medical ICU", code="HG-MICU", department=f.DepartmentFactory(site=site))
    physician = make_person(
        unit=micu, role="ATT", first_name="Elena", last_name="Marsh", email="physician@example.org"
    )
    moderator = make_person(unit=micu, first_name="Dana", last_name="Reyes", email="moderator@example.org")
    office = make_person(role=None, email="cme@example.org", grants=[(Capability.CME, site)])
    room = Room.objects.create(site=site, name="Ether Dome auditorium", capacity=180)
    now = timezone.now()
    event = services.event_create(
        actor=office, department=micu.department,
        fields=EventFields(
            title="Sepsis in 2026: what changed", starts_at=now - dt.timedelta(minutes=5),
            ends_at=now + dt.timedelta(minutes=55), mode=Mode.HYBRID, room=room,
            stream_url="https://stream.example.org/mgr", objectives="Recognise sepsis within the first hour",
        ),
        credit_terms=CreditTerms(
            offers={"ama_pra_1": Decimal("1.00"), "ancc": Decimal("1.00")},
            provider_name="Harbor General Office of CME", accreditor_activity_id="HG-2026-0101",
        ),
    )  # fmt: skip
    services.speaker_add(
        actor=None, event=event, name="Dr Ada Chen", credentials="MD", disclosure="relationships",
        relationships=[Disclosed("Acme Diagnostics", "Consultant", "Slides reviewed by the planning committee")],
    )  # fmt: skip
    services.moderators_set(actor=None, event=event, persons=[moderator])
    return {"event": event, "physician": physician}


@pytest.fixture
def sessions(browser, live_server):
    """Separate browser sessions (cookies of their own), closed before the server stops."""
    contexts = []

    def open_as(email: str, viewport: dict):
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server.url, email, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _check_in_with_the_screen_code(physician, moderator) -> None:
    """Type the six digits the moderator's screen shows now (a slow machine may outlast one code: read again)."""
    for _ in range(3):
        shown = moderator.locator(".screen-code .code").inner_text().replace(" ", "")
        assert re.fullmatch(r"\d{6}", shown)
        physician.get_by_label("Check-in code").fill(shown)
        physician.get_by_role("button", name="Check in").click()
        physician.locator(".messages").wait_for()
        if physician.get_by_text("You are checked in.").is_visible():
            return
        assert physician.get_by_text("it has changed").is_visible()  # expired between reading and typing
        moderator.reload()
    raise AssertionError("the screen's code was refused three times")


def test_a_physician_joins_asks_checks_in_evaluates_claims_and_the_office_exports(
    rounds, live_server, sessions, browser, tmp_path
):
    event, base = rounds["event"], live_server.url
    physician = sessions("physician@example.org", PHONE)
    physician.goto(f"{base}/events/{event.pk}/")
    assert physician.get_by_text("Acme Diagnostics").is_visible()  # disclosures before the talk
    panel = physician.locator(".credit-panel")
    assert panel.get_by_text("Up to 1.00 AMA PRA Category 1 Credit™").is_visible()
    check_page(physician, "events-credit-event")
    physician.get_by_role("button", name="Join the live questions").click()
    physician.wait_for_url(re.compile(rf"/events/{event.pk}/live/$"))

    moderator = sessions("moderator@example.org", PHONE)
    moderator.goto(f"{base}/events/{event.pk}/moderate/")
    for page in (physician, moderator):
        page.locator("[data-connection]", has_text="Live").wait_for()
    assert moderator.locator(".screen-code svg").is_visible()  # the QR for the room

    physician.get_by_label("Your question").fill(QUESTION)
    physician.get_by_role("button", name="Ask").click()
    physician.get_by_text("Your question is in.").wait_for()
    card = moderator.locator("[data-question]", has_text="patients on dialysis")
    card.wait_for(timeout=10_000)
    check_page(moderator, "events-credit-moderate")
    card.get_by_role("button", name="Promote").click()
    moderator.get_by_text("Promoted to the speaker.").wait_for()
    physician.locator("[data-question]", has_text="patients on dialysis").locator(
        "[data-slot=status]", has_text="For the speaker"
    ).wait_for(timeout=10_000)  # never reloaded

    # Check in from the live page with the code on the moderator's (room) screen.
    physician.get_by_role("link", name="Credit: check in below").click()
    _check_in_with_the_screen_code(physician, moderator)
    physician.wait_for_url(re.compile(rf"/events/{event.pk}/live/$"))
    assert Attendance.objects.get(person=rounds["physician"]).method == "code"
    check_page(physician, "events-credit-live")

    physician.get_by_role("button", name="Evaluate the activity").click()
    physician.get_by_label("Yes").first.check()
    physician.locator("#id_free_of_bias_0").check()
    physician.locator("#id_practice_change_1").check()
    physician.get_by_label("What will you change?").fill("Start antibiotics in the first hour.")
    physician.get_by_role("button", name="Send the evaluation").click()
    physician.wait_for_url(re.compile(r".*/claim/$"))
    assert Evaluation.objects.filter(person=rounds["physician"]).exists()

    # Back on the event's page: claim the 1.00 credit there.
    physician.goto(f"{base}/events/{event.pk}/")
    physician.get_by_label("1.00 AMA PRA Category 1 Credit™").check()
    physician.get_by_label("I claim only the credit").check()
    physician.get_by_role("button", name="Claim my credit").click()
    physician.locator(".messages", has_text="1.00 AMA PRA Category 1 Credit™ claimed").wait_for()
    claim = Claim.objects.get(person=rounds["physician"])
    assert (claim.amount, claim.credit_type) == (Decimal("1.00"), "ama_pra_1")
    check_page(physician, "events-credit-claimed")

    with physician.expect_download() as pdf_download:
        physician.get_by_role("button", name="Download the PDF").click()
    pdf = tmp_path / "certificate.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    with physician.expect_download() as badge_download:
        physician.get_by_role("button", name="Download the badge").click()
    badge = tmp_path / "badge.jwt"
    badge_download.value.save_as(badge)
    token = badge.read_text()
    assert badges.verify(token).valid
    physician.get_by_role("button", name="Your certificate").click()
    assert physician.locator(".certificate-card .name").inner_text() == "Elena Marsh"
    check_page(physician, "events-credit-certificate")

    # Anyone can verify the badge on the public page.
    public = browser.new_context(viewport=PHONE).new_page()  # signed out
    public.goto(f"{base}/verify/badge/")
    public.get_by_label("Badge").fill(token)
    public.get_by_role("button", name="Verify").click()
    public.get_by_text("Verified: signed by this Bedside, and the claim stands.").wait_for()
    assert public.get_by_text("Elena Marsh").is_visible()
    public.context.close()

    # The speaker's view fits a phone (the large code once ran off its edge) ...
    moderator.goto(f"{base}/events/{event.pk}/speaker/")
    assert moderator.locator(".speaker-code .screen-code svg").is_visible()
    check_page(moderator, "events-credit-speaker")
    # ... and on the room's screen shows the promoted question and the code, large.
    moderator.set_viewport_size(DESKTOP)
    moderator.goto(f"{base}/events/{event.pk}/speaker/")
    assert moderator.locator(".q-text", has_text="patients on dialysis").is_visible()
    assert moderator.locator(".speaker-code .screen-code svg").is_visible()
    check_page(moderator, "events-credit-speaker")

    # The CME office exports the month's PARS files: the talk and the physician's credit are in them.
    office = sessions("cme@example.org", DESKTOP)
    office.goto(f"{base}/credits/office/")
    month = timezone.localtime(event.starts_at, system_tz()).strftime("%Y-%m")
    office.get_by_label("Month").select_option(month)
    with office.expect_download() as xml_download:
        office.get_by_role("button", name="Activity file (XML)").click()
    xml = tmp_path / "activities.xml"
    xml_download.value.save_as(xml)
    text = xml.read_text()
    assert "Sepsis in 2026: what changed" in text and "HG-2026-0101" in text
    claimed = timezone.localtime(claim.claimed_at, system_tz()).strftime("%Y-%m")
    office.get_by_label("Month").select_option(claimed)
    with office.expect_download() as csv_download:
        office.get_by_role("button", name="Learner file (CSV)").click()
    rows = csv_download.value.path().read_text()
    assert "HG-2026-0101" in rows and "Marsh" in rows and "1.00" in rows


def test_the_cme_office_sets_up_a_talk_offering_credit_on_a_phone(live_server, sessions, make_person):
    site = f.SiteFactory(name="Harbor General Hospital", time_zone="America/New_York")
    department = f.DepartmentFactory(site=site, name="Medicine")
    make_person(role=None, email="cme@example.org", grants=[(Capability.CME, site)])
    office = sessions("cme@example.org", PHONE)
    office.goto(f"{live_server.url}/events/organise/new/")
    office.get_by_label("Title", exact=True).fill("Heart failure after discharge")
    office.get_by_label("Department").select_option(label=str(department))
    office.get_by_label("Day", exact=True).fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    office.get_by_label("Starts at (local time)").fill("08:00")
    office.get_by_label("Ends at (local time)").fill("09:00")
    office.get_by_label("Mode", exact=True).select_option("virtual")
    office.get_by_label("Stream link").fill("https://stream.example.org/hf")
    office.get_by_label("This talk offers continuing-education credit").check()
    office.get_by_label("AMA PRA Category 1 Credit™ (maximum)").fill("1.00")
    office.get_by_label("Accredited provider").fill("Harbor General Office of CME")
    check_page(office, "events-credit-organise-new")
    office.get_by_role("button", name="Create the event").click()
    office.get_by_text(
        "Offers up to 1.00 AMA PRA Category 1 Credit™ through Harbor General Office of CME."
    ).wait_for()
    check_page(office, "events-credit-organise-manage")


def test_a_cancelled_talk_says_so_to_the_physician_the_moderator_and_the_office(
    rounds, live_server, sessions
):
    event, base = rounds["event"], live_server.url
    services.event_cancel(actor=None, event=event)
    physician = sessions("physician@example.org", PHONE)
    physician.goto(f"{base}/events/{event.pk}/")
    panel = physician.locator(".credit-panel")
    assert panel.get_by_text("This activity was cancelled on").is_visible()
    assert physician.get_by_label("Check-in code").count() == 0
    check_page(physician, "events-credit-cancelled")
    moderator = sessions("moderator@example.org", PHONE)
    moderator.goto(f"{base}/events/{event.pk}/moderate/")
    assert moderator.locator(".screen-code").get_by_text("check-in is closed").is_visible()
    assert moderator.locator(".screen-code .code").count() == 0
    check_page(moderator, "events-credit-cancelled-moderator")
    office = sessions("cme@example.org", DESKTOP)
    office.goto(f"{base}/credits/office/a/{event.activity_id}/")
    assert office.get_by_text("the attendance and claims below were recorded before").is_visible()
    check_page(office, "credits-office-cancelled")
