"""Helpers for browser tests: sign in like a person, check accessibility and phone width, keep screenshots."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
_axe = Axe()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def serious_violations(page) -> list[str]:
    results = _run_axe(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _run_axe(page):
    """Axe over the page once it has loaded.

    A click that follows a link returns when the next page has started to load, not when it has
    loaded; axe run in between finds no document ("reading 'documentElement'") or loses its context
    to the navigation. So wait for the load event, and if the page still moved under axe, wait
    again and run it once more.
    """
    page.wait_for_load_state()
    try:
        return _axe.run(page)
    except PlaywrightError:
        page.wait_for_load_state()
        return _axe.run(page)


def check_page(page, name: str) -> None:
    """Axe passes with no serious or critical violation, nothing scrolls sideways, and a screenshot is kept."""
    violations = serious_violations(page)
    assert not violations, f"{name}: {violations}"
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: page is {scroll_width}px wide in a {width}px viewport"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
