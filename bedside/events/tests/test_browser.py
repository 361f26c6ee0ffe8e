"""The issue's 'Done when' path in real Chromium: a physician joins a hybrid grand rounds on a phone and
asks a question; a colleague in another session sees it arrive without reloading and upvotes it; the
moderator promotes it on their phone; the physician sees it promoted, and the speaker's view lists it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bedside.events import services
from bedside.events.models import Mode
from bedside.events.services import Disclosed, EventFields
from bedside.learning.models import Room
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rounds(make_person):
    micu = f.UnitFactory(name="Medical ICU", code="HG-MICU")
    physician = make_person(unit=micu, first_name="Elena", last_name="Marsh", email="physician@example.org")
    colleague = make_person(unit=micu, first_name="Ben", last_name="Okafor", email="ben@example.org")
    moderator = make_person(unit=micu, first_name="Dana", last_name="Reyes", email="moderator@example.org")
    room = Room.objects.create(site=micu.site, name="Ether Dome auditorium", capacity=180)
    now = timezone.now()
    event = services.event_create(
        actor=None, department=micu.department,
        fields=EventFields(
            title="Sepsis in 2026: what changed", starts_at=now - dt.timedelta(minutes=5),
            ends_at=now + dt.timedelta(minutes=55), mode=Mode.HYBRID, room=room,
            stream_url="https://stream.example.org/mgr", objectives="Recognise sepsis within the first hour",
        ),
    )  # fmt: skip
    services.speaker_add(
        actor=None, event=event, name="Dr Ada Chen", credentials="MD", disclosure="relationships",
        relationships=[Disclosed("Acme Diagnostics", "Consultant", "Slides reviewed by the planning committee")],
    )  # fmt: skip
    services.moderators_set(actor=None, event=event, persons=[moderator])
    return {"event": event, "physician": physician, "colleague": colleague}


@pytest.fixture
def sessions(browser, live_server):
    """Separate browser sessions (cookies of their own), closed before the server stops."""
    contexts = []

    def open_as(email: str, viewport: dict):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server.url, email, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_question_asked_on_a_phone_is_upvoted_and_promoted_live(rounds, live_server, sessions):
    event = rounds["event"]
    physician = sessions("physician@example.org", PHONE)
    physician.get_by_role("link", name="Events").click()
    check_page(physician, "events-home")
    physician.get_by_role("link", name="Sepsis in 2026: what changed").first.click()
    assert physician.get_by_text("Acme Diagnostics").is_visible()  # disclosures before the talk
    check_page(physician, "events-event")
    physician.get_by_role("button", name="Join the live questions").click()
    physician.wait_for_url(re.compile(rf"/events/{event.pk}/live/$"))

    colleague = sessions("ben@example.org", DESKTOP)
    colleague.goto(f"{live_server.url}/events/{event.pk}/live/")
    moderator = sessions("moderator@example.org", PHONE)
    moderator.goto(f"{live_server.url}/events/{event.pk}/moderate/")
    for page in (physician, colleague, moderator):
        page.locator("[data-connection]", has_text="Live").wait_for()

    physician.get_by_label("Your question").fill("Does the one-hour bundle apply to patients on dialysis?")
    physician.get_by_role("button", name="Ask").click()
    physician.get_by_text("Your question is in.").wait_for()

    # The colleague's page, never reloaded, shows it and upvotes it.
    card = colleague.locator("[data-question]", has_text="patients on dialysis")
    card.wait_for(timeout=10_000)
    card.get_by_role("button", name=re.compile("votes")).click()
    card.locator("[data-slot=votes]", has_text="1").wait_for()
    check_page(colleague, "events-live")

    # The moderator sees the vote arrive and promotes the question.
    mod_card = moderator.locator("[data-question]", has_text="patients on dialysis")
    mod_card.locator("[data-slot=votes]", has_text="1").wait_for(timeout=10_000)
    check_page(moderator, "events-moderate")
    mod_card.get_by_role("button", name="Promote").click()
    moderator.get_by_text("Promoted to the speaker.").wait_for()

    # The physician's page shows the promotion without reloading; the speaker's view lists it.
    physician.locator("[data-question]", has_text="patients on dialysis").locator(
        "[data-slot=status]", has_text="For the speaker"
    ).wait_for(timeout=10_000)
    check_page(physician, "events-live")
    moderator.set_viewport_size(DESKTOP)
    moderator.goto(f"{live_server.url}/events/{event.pk}/speaker/")
    assert moderator.locator(".q-text", has_text="patients on dialysis").is_visible()
    check_page(moderator, "events-speaker")
