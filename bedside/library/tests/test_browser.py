"""The issue's 'Done when' path in real Chromium, as far as it is built: a curator publishes a new
version of a COVID-19 guideline that requires acknowledgment; a nurse it concerns sees it on Today
with what changed and acknowledges it on a phone; the unit's compliance shows it."""

import datetime as dt
import re

import feedparser
import pytest
from django.utils import timezone

from bedside.library.models import Review
from bedside.library.services import acknowledge, collection_create, review_decide
from bedside.library.tests.conftest import publish
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


V1_BODY = """## Before the turn

- Pre-oxygenate.
- Secure lines.

## The turn

Five people, on the leader's count. Prone for 12 to 16 hours a day.

| Check | When |
|---|---|
| Tube position | Before and after the turn |
| Pressure areas | Every 2 hours |
"""
V2_BODY = (
    V1_BODY.replace("- Secure lines.", "- Secure lines and the tube.\n- Check the tube position.")
    .replace("12 to 16", "at least 16")
    .replace("Every 2 hours", "Every hour")
)


@pytest.fixture
def covid(make_person):
    icu = f.UnitFactory(name="Medical ICU", code="HG-MICU")
    nurse = make_person(unit=icu, first_name="Ana", last_name="Lopez", email="ana@example.org")
    make_person(unit=icu, first_name="Ben", last_name="Okafor")
    make_person(role=None, email="manager@example.org", grants=[(Capability.MANAGE, icu)])
    curator = make_person(role=None, email="curator@example.org", first_name="Lena", last_name="Curie",
                          grants=[(Capability.CURATE, None)])  # fmt: skip
    reviewer = make_person(unit=icu, first_name="Ravi", last_name="Shah", grants=[(Capability.TEACH, icu)])
    audience = f.AudienceFactory(name="Medical ICU staff", units=[icu])
    from bedside.library.services import resource_create

    today = timezone.localdate()
    draft = resource_create(
        actor=curator, title="COVID-19: prone positioning of a ventilated patient", kind="guideline",
        owner=curator, audience=audience, tags=["covid-19", "icu"],
        key_points="Prone for 12 to 16 hours a day.\nFive people turn the patient.\nCheck the tube before and after.",
        body=V1_BODY,
        effective_on=today, next_review_on=today + dt.timedelta(days=180), requires_acknowledgment=True,
    )  # fmt: skip
    v1 = publish(draft, curator=curator, reviewer=reviewer)
    acknowledge(person=nurse, resource=v1.resource)
    collection_create(actor=curator, name="COVID-19 care", public=True, licence="CC BY 4.0",
                      attribution="Bedside Health", resources=[v1.resource])  # fmt: skip
    return {"resource": v1.resource, "nurse": nurse, "reviewer": reviewer, "unit": icu}


def test_curator_publishes_a_new_version_and_a_nurse_acknowledges_it_on_a_phone(covid, live_server, page):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "curator@example.org", PASSWORD)
    page.get_by_role("link", name="Library").click()
    check_page(page, "library-home")
    page.get_by_role("link", name="Curate the library").click()
    check_page(page, "library-curate")
    page.get_by_role("link", name=re.compile("COVID-19: prone positioning")).click()
    page.get_by_role("button", name="Start a new version").click()
    page.wait_for_url(re.compile(r"/library/curate/drafts/\d+/$"))
    page.get_by_label("Key points").fill(
        "Prone for at least 16 hours a day.\nFive people turn the patient.\nCheck the tube before and after."
    )
    page.get_by_label("Full text (Markdown)").fill(V2_BODY)
    page.get_by_label("What changed").fill("Prone for at least 16 hours a day, not 12 to 16.")
    page.get_by_label("Requires acknowledgment").check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("checkbox", name=re.compile("Shah")).check()
    check_page(page, "library-draft")
    page.get_by_role("button", name="Send for review").click()
    page.get_by_text("Sent to 1 reviewer.").wait_for()

    review_decide(review=Review.objects.get(decision="pending"), actor=covid["reviewer"], approve=True)
    page.reload()
    check_page(page, "library-draft-approved")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/library/r/.+/$"))
    assert page.get_by_text("Published v2").is_visible()
    page.context.clear_cookies()

    # The nurse, on a phone: Today says what changed, the page shows key points first, one tap acknowledges.
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "ana@example.org", PASSWORD)
    page.wait_for_url("**/today/")
    changed = page.locator("#section-library-changed + ul .card")
    assert changed.count() == 1
    assert "not 12 to 16" in changed.first.inner_text()
    check_page(page, "today-library")
    changed.first.get_by_role("link").click()
    assert page.get_by_role("heading", name="Key points").is_visible()
    assert page.get_by_role("heading", name="What changed in v2").is_visible()
    check_page(page, "library-resource")
    page.get_by_role("link", name="See every change since v1").click()
    assert page.locator(".diff-added").first.is_visible() and page.locator(".diff-removed").first.is_visible()
    # The full text reads like the page: headings as headings, no Markdown, only the changed words marked.
    full_text = page.locator(".block-diff")
    assert page.get_by_role("heading", name="Before the turn").is_visible()
    assert "##" not in full_text.inner_text() and "| Check" not in full_text.inner_text()
    changed = full_text.locator(".diff-changed", has_text="Prone for")
    assert changed.locator("del").text_content() == "[removed: 12 to]"  # the brackets are for screen readers
    assert changed.locator("ins").text_content() == "[added: at least]"
    assert full_text.locator(".diff-added", has_text="Check the tube position.").is_visible()
    assert full_text.locator(".diff-changed dd ins").text_content() == "[added: hour]"
    check_page(page, "library-changes")
    page.go_back()
    page.get_by_role("button", name="I have read v2 and will follow it").click()
    assert page.get_by_text("Done: you acknowledged").is_visible()
    check_page(page, "library-acknowledged")
    page.get_by_role("link", name="Today").click()
    assert page.get_by_text("No new or changed guidance").is_visible()
    page.context.clear_cookies()

    # The unit's compliance counts the acknowledgment of v2.
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "manager@example.org", PASSWORD)
    page.goto(f"{live_server.url}/compliance/units/{covid['unit'].pk}/")
    check_page(page, "library-compliance-unit")
    row = page.get_by_role("row", name=re.compile("Lopez, Ana"))
    assert row.is_visible()
    page.context.clear_cookies()

    # An outside reader, without an account, finds v2 on the public portal and in the feed.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/open/")
    check_page(page, "public-home")
    page.get_by_role("link", name=re.compile("COVID-19 care")).click()
    page.get_by_role("link", name=re.compile("prone positioning")).click()
    assert page.get_by_role("heading", name="What changed in v2").is_visible()
    assert page.get_by_text("CC BY 4.0").is_visible()
    check_page(page, "public-resource")
    feed = feedparser.parse(page.request.get(f"{live_server.url}/open/feed.atom").body())
    assert feed.entries[0].title == "COVID-19: prone positioning of a ventilated patient (v2)"


def test_a_curator_imports_a_library_zip_on_a_phone_and_reads_each_problem(live_server, page, make_person,
                                                                           settings, tmp_path):  # fmt: skip
    from bedside.library.tests.test_import import a_csv, a_docx, a_zip

    settings.MEDIA_ROOT = tmp_path
    north = f.SiteFactory(name="North Hospital")  # a site's librarian imports into their site's library
    make_person(role=None, email="curator@example.org", grants=[(Capability.CURATE, north)])
    good = a_zip(
        {
            "metadata.csv": a_csv(
                [
                    [
                        "line.docx",
                        "Central line dressing",
                        "how_to",
                        "curator@example.org",
                        "2025-01-10",
                        "2027-01-10",
                        "Lines and tubes",
                        "lines",
                        "",
                    ]
                ]
            ),  # fmt: skip
            "line.docx": a_docx("Scrub the hub with chlorhexidine for fifteen seconds."),
        }
    )
    bad = a_zip({"metadata.csv": a_csv([["gone.md", "Gone", "poster", "x@example.org", "2025", "2026", "", "", ""]]),
                 "stray.md": b"# stray"})  # fmt: skip
    (tmp_path / "old-library.zip").write_bytes(good)
    (tmp_path / "broken.zip").write_bytes(bad)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "curator@example.org", PASSWORD)
    page.goto(f"{live_server.url}/library/curate/")
    page.get_by_role("link", name="Import a library (ZIP)").click()
    check_page(page, "library-imports")
    assert page.get_by_label("Into the library of").input_value() == str(north.pk)
    page.get_by_label("Library ZIP").set_input_files(str(tmp_path / "broken.zip"))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_role("heading", name="Nothing was stored").wait_for()
    for text in ("kind 'poster' is not one of", "is not the e-mail address", "file gone.md is not in the ZIP",
                 "stray.md"):  # fmt: skip
        assert text in page.content().replace("&#x27;", "'"), text
    check_page(page, "library-import-failed")
    page.get_by_role("link", name="Back to library imports").click()
    page.get_by_label("Library ZIP").set_input_files(str(tmp_path / "old-library.zip"))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("Imported 1 resource").wait_for()
    check_page(page, "library-import")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/library/curate/imports/")
    assert "North Hospital" in page.get_by_role("table").last.inner_text()
    check_page(page, "library-imports")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/library/search/?q=chlorhexidine")
    assert page.get_by_role("link", name=re.compile("Central line dressing")).is_visible()
