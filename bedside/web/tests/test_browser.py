"""A nurse clears an attestation from Today; a manager reads the compliance chart. Real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from bedside.assignments.services import rule_apply
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ward(make_person, make_attestation, make_rule):
    icu = f.UnitFactory(name="Medical ICU", code="HG-MICU")
    nurse = make_person(unit=icu, first_name="Ana", last_name="Lopez", email="ana@example.org")
    for _ in range(3):
        make_person(unit=icu)
    manager = make_person(role=None, email="manager@example.org", grants=[(Capability.MANAGE, icu)])
    for title in ("Hand hygiene policy", "Fire safety plan"):
        rule_apply(rule=make_rule(item=make_attestation(title).item, units=[icu]))
    return {"unit": icu, "nurse": nurse, "manager": manager}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_nurse_sees_today_and_completes_an_attestation(ward, live_server, page, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "ana@example.org", PASSWORD)

    page.wait_for_url("**/today/")
    assert page.get_by_role("heading", name="Today").is_visible()
    assert page.get_by_text("Signed in as").is_visible()
    cards = page.locator(".cards .card")
    assert cards.count() == 2
    check_page(page, "today")

    page.get_by_role("link", name="Fire safety plan").click()
    check_page(page, "attestation")
    page.get_by_role("button", name="I have read this and will follow it").click()

    page.wait_for_url("**/today/")
    assert page.get_by_text("Done: you attested").is_visible()
    assert cards.count() == 1
    page.get_by_role("link", name="My record").click()
    assert page.get_by_role("cell", name="Fire safety plan").first.is_visible()
    check_page(page, "transcript")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_manager_sees_the_compliance_chart_and_drills_down(ward, live_server, page, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "manager@example.org", PASSWORD)
    page.get_by_role("link", name="Compliance").click()

    page.wait_for_url("**/compliance/")
    canvas = page.locator("#compliance-chart")
    canvas.wait_for()
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 1
    assert canvas.bounding_box()["height"] >= 100
    assert page.get_by_text("0.0%").first.is_visible()
    check_page(page, "compliance")

    # A bar opens its unit (the table's links are the accessible path to the same page).
    box = canvas.bounding_box()
    bar = page.evaluate(
        "(() => { const c = Chart.getChart('compliance-chart');"
        " const e = [0, 1, 2].map((i) => c.getDatasetMeta(i).data[0]).find((b) => Math.abs(b.x - b.base) > 4);"
        " return {x: (e.x + e.base) / 2, y: e.y}; })()"
    )
    page.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])
    page.wait_for_url("**/compliance/units/*/")
    page.go_back()

    page.get_by_role("link", name="Medical ICU").click()
    assert page.get_by_role("heading", name="Medical ICU").is_visible()
    assert page.get_by_role("link", name="Lopez, Ana").is_visible()
    check_page(page, "compliance-unit")


def test_educator_requires_an_attestation_of_a_unit(ward, make_person, live_server, page):
    make_person(role=None, email="educator@example.org", grants=[(Capability.TEACH, ward["unit"])])
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "educator@example.org", PASSWORD)
    page.get_by_role("link", name="Rules").click()
    check_page(page, "rules")
    page.get_by_role("button", name="Require a new attestation").click()

    # Only the chosen recurrence's fields show (once the deferred script has run: expect waits).
    expect(page.get_by_label("Every (months)")).to_be_hidden()
    page.get_by_role("button", name="Save and assign").click()  # empty: every problem is named
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    check_page(page, "rule-form-errors")

    page.get_by_label("Title").fill("Restraint and seclusion policy")
    page.get_by_label("What people attest to").fill("I have read the restraint policy and will follow it.")
    page.get_by_label("Filter units").fill("icu")
    page.get_by_role("checkbox", name=re.compile("Medical ICU")).check()
    page.get_by_text("This will assign 4 people.").wait_for()  # counted before saving
    check_page(page, "rule-form")
    page.get_by_label("Every N months from the last completion").check()
    page.get_by_label("Every (months)").fill("12")
    page.get_by_role("button", name="Save and assign").click()
    page.wait_for_url(re.compile(r"/rules/\d+/$"))

    assert page.get_by_role("heading", name="Restraint and seclusion policy").is_visible()
    assert page.get_by_text("of 4 done").is_visible()
    check_page(page, "rule")


def test_idle_warning_then_sign_out_clears_the_screen(ward, live_server, page, settings):
    settings.SESSION_IDLE_SECONDS = 5
    settings.SESSION_IDLE_WARNING_SECONDS = 3
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "ana@example.org", PASSWORD)
    page.wait_for_url("**/today/")

    warning = page.get_by_role("dialog")
    warning.wait_for(state="visible", timeout=5000)
    assert page.get_by_role("heading", name="Still there?").is_visible()
    check_page(page, "idle-warning")

    page.wait_for_url("**/accounts/login/?idle=1", timeout=8000)
    assert page.get_by_text("You were signed out").is_visible()
    assert "Fire safety plan" not in page.content()
    page.goto(f"{live_server.url}/today/")
    assert "/accounts/login/" in page.url
