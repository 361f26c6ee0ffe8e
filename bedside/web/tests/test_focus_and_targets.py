"""A keyboard focus ring people can see, and touch targets a gloved finger can hit, on a phone."""

import re

import pytest

from bedside.assignments.services import rule_apply
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.browser import ARTIFACTS, PHONE, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TAP = 44


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
    return sum(
        k * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        for k, c in zip((0.2126, 0.7152, 0.0722), (r, g, b), strict=True)
    )


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_of_black_on_white_is_21():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)")) == 21


@pytest.fixture
def manager(make_person, make_attestation, make_rule):
    icu = f.UnitFactory(name="Medical ICU")
    make_person(unit=icu, first_name="Ana", last_name="Lopez")
    rule_apply(rule=make_rule(item=make_attestation("Hand hygiene policy").item, units=[icu]))
    return make_person(role=None, email="manager@example.org", grants=[(Capability.MANAGE, icu)])


def test_export_and_table_links_are_44_px_targets_on_a_phone(manager, live_server, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "manager@example.org", PASSWORD)
    page.wait_for_url("**/today/")
    for path in ["/compliance/", "/me/transcript/"]:
        page.goto(live_server.url + path)
        links = page.locator(".exports a, td a, a[download]")
        assert links.count() >= 1, path
        small = []
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            if box["width"] < TAP - 0.5 or box["height"] < TAP - 0.5:
                small.append(f"{links.nth(i).inner_text()}: {box['width']:.0f}x{box['height']:.0f}")
        assert small == [], path
    page.goto(live_server.url + "/compliance/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compliance-targets-390.png"), full_page=True)


def test_keyboard_focus_ring_has_3_to_1_contrast_against_the_page(manager, live_server, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "manager@example.org", PASSWORD)
    page.wait_for_url("**/today/")
    page.goto(live_server.url + "/compliance/")
    csv = page.get_by_role("link", name="CSV")
    for _ in range(60):
        page.keyboard.press("Tab")
        if csv.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the CSV link")
    ring = csv.evaluate(
        """el => { const s = getComputedStyle(el);
                   return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
                           page: getComputedStyle(document.body).backgroundColor}; }"""
    )
    page_colour = ring["page"] if "0)" not in ring["page"].replace(" ", "")[-3:] else "rgb(255, 255, 255)"
    assert ring["style"] == "solid" and ring["width"] >= 2
    assert contrast(ring["color"], page_colour) >= 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "focus-ring-390.png"))
