import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine

from bedside.testing.fixtures import *  # noqa: F401,F403

# Playwright's sync API runs an event loop in the test thread; Django's ORM must allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("BEDSIDE_CHROMIUM", "/usr/bin/chromium"))
NO_CHROMIUM = "Chromium is not installed (apt-get install chromium)"


# Midday in New York on an ordinary day (no daylight-saving change near it): tests that read
# "now" see the same local day whatever the hour the suite runs. Tests that need another
# instant (midnight, a DST change) travel there themselves; browser tests keep the real clock
# because Chromium's own clock cannot be pinned from here.
PINNED_NOW = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned_clock(request):
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(PINNED_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; under CI a missing Chromium fails the run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing: .ci/run installs the Debian 'chromium' package")
        pytest.skip(NO_CHROMIUM)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One closing line when browser tests were skipped for want of Chromium (CI fails them instead)."""
    skipped = {
        report.nodeid
        for report in terminalreporter.stats.get("skipped", [])
        if "browser" in report.keywords and NO_CHROMIUM in str(report.longrepr)
    }
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} browser tests skipped: Chromium is missing at {CHROMIUM}. "
            "Install it with `sudo apt-get install chromium` (Debian/Ubuntu) and run `make test` again.",
            yellow=True,
            bold=True,
        )
