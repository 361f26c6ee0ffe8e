"""The upload page's progress: what the polled partial says at each point of a real run."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bedside.people.models import Capability
from bedside.rosters import importing
from bedside.rosters.importing import roster_import_run
from bedside.rosters.models import ImportStatus, RosterImport
from bedside.rosters.tests.conftest import PERSON_HEADER

pytestmark = pytest.mark.django_db

ROWS = 1200


@pytest.fixture
def admin_client(client, make_person):
    client.force_login(make_person(role=None, grants=[(Capability.ADMINISTER, None)]))
    return client


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def queued(tmp_path, settings, *, dry_run: bool) -> RosterImport:
    settings.MEDIA_ROOT = tmp_path / "media"
    body = "".join(f"E{i:05d},Pat,Lee,,2021-06-01,ICU,RN\n" for i in range(ROWS))
    job = RosterImport(kind="persons", file_name="big.csv", dry_run=dry_run)
    job.file.save("big.csv", ContentFile((",".join(PERSON_HEADER) + "\n" + body).encode()))
    return job


def watched_run(job, admin_client, monkeypatch) -> list[str]:
    """Run the import as the worker does, reading the polled partial each time progress is recorded."""
    url = reverse("roster-import-progress", args=[job.pk])
    seen: list[str] = []
    record = importing.record_progress

    def record_and_look(rows, **where):
        record(rows, **where)
        seen.append(words(admin_client.get(url).content.decode()))

    monkeypatch.setattr(importing, "record_progress", record_and_look)
    roster_import_run(roster_import_id=job.pk)
    seen.append(words(admin_client.get(url).content.decode()))
    return seen


def test_a_dry_run_shows_reading_then_rows_checked_and_never_saving(
    org, admin_client, tmp_path, settings, monkeypatch
):
    seen = watched_run(queued(tmp_path, settings, dry_run=True), admin_client, monkeypatch)

    said = [s.split(" This page updates itself")[0].removeprefix("Status: Running ") for s in seen[:-1]]
    assert said == [
        "Reading the file…",
        "Reading the file… 1,000 rows read so far.",
        "Checked 0 of 1,200 rows (0%). 0%",
        "Checked 500 of 1,200 rows (41%). 41%",
        "Checked 1,000 of 1,200 rows (83%). 83%",
        "All 1,200 rows checked on their own. Comparing them with what Bedside holds…",
    ]
    assert not any("Saving" in s for s in seen)
    assert "The file is good: all 1,200 rows passed the checks. Nothing was stored." in seen[-1]


def test_a_real_import_says_saving_only_once_every_row_is_checked(
    org, admin_client, tmp_path, settings, monkeypatch
):
    seen = watched_run(queued(tmp_path, settings, dry_run=False), admin_client, monkeypatch)

    saving = [i for i, s in enumerate(seen) if "All 1,200 rows checked. Saving…" in s]
    checked = [i for i, s in enumerate(seen) if "Checked 1,000 of 1,200 rows" in s]
    assert len(saving) == 1 and checked and checked[0] < saving[0]
    assert "Imported all 1,200 rows" in seen[-1]


def test_the_partial_says_how_far_the_check_of_a_large_file_is(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = RosterImport.objects.create(
        kind="persons", file_name="r.csv", file="imports/r.csv", dry_run=True, status=ImportStatus.RUNNING
    )
    RosterImport.objects.filter(pk=job.pk).update(phase="checking", rows_done=12_000, rows_total=20_000)

    html = admin_client.get(reverse("roster-import-progress", args=[job.pk])).content.decode()

    assert "Checked 12,000 of 20,000 rows (60%)." in words(html)
    assert '<progress max="100" value="60" aria-label="Rows checked">' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_of_a_check_reads_well_on_a_phone(make_person, live_server, page, settings, tmp_path):
    from bedside.testing.browser import PHONE, check_page, sign_in
    from bedside.testing.factories import PASSWORD

    settings.MEDIA_ROOT = tmp_path
    make_person(role=None, email="admin@example.org", grants=[(Capability.ADMINISTER, None)])
    job = RosterImport.objects.create(
        kind="persons", file_name="roster-2026-11.csv", file="imports/r.csv", dry_run=True, status="running"
    )
    RosterImport.objects.filter(pk=job.pk).update(phase="checking", rows_done=12_000, rows_total=20_000)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)

    page.goto(f"{live_server.url}{reverse('roster-import', args=[job.pk])}")

    assert page.get_by_role("heading", name="Check of roster-2026-11.csv").is_visible()
    status = page.get_by_role("status")
    assert status.get_by_text("Checked 12,000 of 20,000 rows (60%).").is_visible()
    assert page.get_by_role("progressbar", name="Rows checked").is_visible()
    assert not page.get_by_text("Saving").count()
    check_page(page, "roster-import-checking")
