"""Without Chromium, a local run says in one line how many browser tests it skipped and what to do."""

import sys
from types import SimpleNamespace

import pytest

conftest = sys.modules.get("conftest")


class Reporter:
    def __init__(self, skipped):
        self.stats = {"skipped": skipped}
        self.lines = []

    def write_line(self, line, **markup):
        self.lines.append(line)


def _skip(nodeid, reason, *keywords):
    return SimpleNamespace(nodeid=nodeid, keywords=dict.fromkeys(keywords, 1), longrepr=("f.py", 1, reason))


@pytest.fixture
def summary():
    assert conftest is not None and hasattr(conftest, "pytest_terminal_summary")

    def run(skipped):
        reporter = Reporter(skipped)
        conftest.pytest_terminal_summary(reporter, 0, None)
        return reporter.lines

    return run


def test_skipped_browser_tests_are_counted_in_one_line_that_says_how_to_install_chromium(summary):
    lines = summary(
        [
            _skip("t.py::a[phone]", f"Skipped: {conftest.NO_CHROMIUM}", "browser"),
            _skip("t.py::a[desktop]", f"Skipped: {conftest.NO_CHROMIUM}", "browser"),
            _skip("t.py::b", f"Skipped: {conftest.NO_CHROMIUM}", "browser"),
            _skip("t.py::c", "Skipped: not on this database", "other"),
        ]
    )
    assert len(lines) == 1
    assert lines[0].startswith("3 browser tests skipped: Chromium is missing")
    assert "apt-get install chromium" in lines[0] and "make test" in lines[0]


def test_no_line_when_no_browser_test_was_skipped(summary):
    assert summary([_skip("t.py::c", "Skipped: not on this database", "other")]) == []


def test_under_ci_a_missing_chromium_fails_instead_of_skipping(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    launch_args = conftest.browser_type_launch_args.__wrapped__
    with pytest.raises(pytest.fail.Exception, match="Chromium is missing"):
        launch_args({})
