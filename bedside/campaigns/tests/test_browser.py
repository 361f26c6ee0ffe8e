"""An educator sets up and launches a surge campaign, follows its progress and plans its sessions; a
manager reads a unit's staffing coverage. Real Chromium, phone and desktop."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def icu(make_person, make_attestation):
    unit = f.UnitFactory(name="Medical ICU", code="HG-MICU")
    rn = f.JobRoleFactory(code="RN", name="Registered nurse")
    nurses = [make_person(unit=unit, first_name=n, last_name="Okafor") for n in ("Ana", "Ben", "Cy", "Di")]
    educator = make_person(role=None, email="educator@example.org", grants=[(Capability.TEACH, unit)])
    make_person(role=None, email="manager@example.org", grants=[(Capability.MANAGE, unit)])
    make_attestation("Proning a ventilated patient")
    tz = unit.site.tz
    today = dt.datetime.now(tz).date()
    for weekday in range(7):
        f.StaffingMinimumFactory(unit=unit, job_role=rn, weekday=weekday, minimum=3, optimal=4)
    for n, nurse in enumerate(nurses):
        start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(7), tzinfo=tz)
        if n < 3:  # three of four on tomorrow's day shift: one short of the optimal, at the minimum
            f.ShiftFactory(
                person=nurse, unit=unit, job_role=rn, start=start, end=start + dt.timedelta(hours=12)
            )
    return {"unit": unit, "educator": educator, "today": today}


@pytest.fixture
def workshop(icu):
    """A classroom course: the sessions a published plan opens and registers people in."""
    from bedside.learning.authoring import course_create
    from bedside.learning.models import Modality

    return course_create(actor=icu["educator"], title="Proning workshop", modality=Modality.CLASSROOM)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_educator_launches_a_campaign_and_watches_it(icu, live_server, page, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "educator@example.org", PASSWORD)
    page.goto(f"{live_server.url}/campaigns/")
    check_page(page, "campaigns-empty")
    page.get_by_role("button", name="New campaign").click()
    page.get_by_label("Name", exact=True).fill("ICU cross-training")
    page.get_by_label("Reason", exact=True).fill("Surge beds open on Monday.")
    page.get_by_label("Surge", exact=True).check()
    page.get_by_label("Proning a ventilated patient").check()
    page.get_by_label("Medical ICU").check()
    page.get_by_label("Starts on", exact=True).fill(icu["today"].isoformat())
    page.get_by_label("Deadline", exact=True).fill((icu["today"] + dt.timedelta(days=10)).isoformat())
    check_page(page, "campaign-new")
    page.get_by_role("button", name="Save campaign").click()

    expect(page.get_by_role("button", name="Launch for 4 people")).to_be_visible()
    check_page(page, "campaign-draft")
    page.get_by_role("button", name="Launch for 4 people").click()
    expect(page.get_by_text("4 people, 4 requirements created")).to_be_visible()
    check_page(page, "campaign-launched")

    page.get_by_role("button", name="See progress").click()
    expect(page.locator("#progress-chart")).to_be_visible()
    expect(page.get_by_role("heading", name="Not started (4)")).to_be_visible()
    assert page.locator("#progress-live[hx-trigger='every 15s']").count() == 1
    check_page(page, "campaign-progress")


def test_educator_plans_sessions_and_manager_reads_coverage(icu, workshop, live_server, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "educator@example.org", PASSWORD)
    from bedside.campaigns.services import campaign_create
    from bedside.records.models import LearningItem

    campaign = campaign_create(
        name="ICU cross-training", reason="Surge", priority="surge", items=list(LearningItem.objects.all()),
        starts_on=icu["today"], deadline=icu["today"] + dt.timedelta(days=3), units=[icu["unit"]], actor=icu["educator"],
    )  # fmt: skip
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="Launch for 4 people").click()
    expect(page.get_by_role("heading", name="Launch: Launched")).to_be_visible()
    page.get_by_role("link", name="Plan classroom sessions around shifts").click()
    page.get_by_label("Time to search (seconds)").fill("5")
    page.get_by_label("Also on Saturdays and Sundays").check()
    page.get_by_role("button", name="Plan sessions").click()
    expect(page.get_by_text("Every rule holds")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("of 4 trained")).to_be_visible()
    expect(page.get_by_text("Publishing opens the new sessions of Proning workshop")).to_be_visible()
    check_page(page, "campaign-plan")
    page.get_by_role("button", name="Publish this plan").click()
    expect(page.get_by_text("4 people registered and invited")).to_be_visible()
    check_page(page, "campaign-plan-published")
    from django.core import mail

    assert len(mail.outbox) == 4 and mail.outbox[0].attachments[0][2] == "text/calendar"

    # Readiness: who is cleared to work as an ICU float, refreshed with the rest of the progress page.
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/progress/")
    page.get_by_text("Add a readiness rule").click()
    page.get_by_label("Cleared for").fill("ICU float under team nursing")
    page.get_by_label("Proning a ventilated patient").check()
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_role("heading", name="Cleared for ICU float under team nursing")).to_be_visible()
    expect(page.get_by_text("of 4 cleared (0%)")).to_be_visible()
    check_page(page, "campaign-readiness")
    from bedside.people.models import Person
    from bedside.records.models import LearningItem, Verb
    from bedside.records.services import record_add

    proning = LearningItem.objects.get(title="Proning a ventilated patient")
    ana = Person.objects.get(first_name="Ana")
    record_add(person=ana, item=proning, verb=Verb.ACKNOWLEDGED, by=ana)
    page.evaluate(
        "htmx.ajax('GET', document.querySelector('#progress-live').getAttribute('hx-get'), {target: '#progress-live', swap: 'outerHTML'})"
    )
    expect(page.get_by_text("1 of 4 cleared (25%)")).to_be_visible()
    expect(page.get_by_role("link", name="Readiness CSV")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "manager@example.org", PASSWORD)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Whom the published plan releases from each unit, and when").click()
    expect(page.get_by_role("heading", name="Medical ICU: 4 people", exact=False)).to_be_visible()
    check_page(page, "plan-releases")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Staffing").click()
    page.get_by_role("link", name="Medical ICU").click()
    tomorrow = icu["today"] + dt.timedelta(days=1)
    page.get_by_label("Day", exact=True).fill(tomorrow.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#coverage-chart")).to_be_visible()
    expect(page.get_by_text("Every window keeps its minimum")).to_be_visible()
    check_page(page, "coverage")
    page.set_viewport_size(DESKTOP)
    check_page(page, "coverage")
