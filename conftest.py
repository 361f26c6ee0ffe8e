import os
from pathlib import Path

import pytest

from bedside.testing.fixtures import *  # noqa: F401,F403

# Playwright's sync API runs an event loop in the test thread; Django's ORM must allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("BEDSIDE_CHROMIUM", "/usr/bin/chromium"))
NO_CHROMIUM = "Chromium is not installed (apt-get install chromium)"


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
