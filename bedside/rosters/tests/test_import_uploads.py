"""Uploaded roster files are deleted after the retention period; what became of each import stays."""

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from django.core.files.base import ContentFile

from bedside.audit.models import AuditEntry
from bedside.core.periodic import periodic_jobs
from bedside.rosters.importing_uploads import roster_uploads_expire
from bedside.rosters.models import ImportStatus, RosterImport

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROSTER_UPLOAD_RETENTION_DAYS = 90
    return settings.MEDIA_ROOT


def uploaded(name: str, *, finished_days_ago: int | None, status=ImportStatus.SUCCEEDED) -> RosterImport:
    job = RosterImport(
        kind="persons",
        file_name=name,
        status=status,
        summary={"counts": {"persons_created": 3}},
        finished_at=None if finished_days_ago is None else NOW - dt.timedelta(days=finished_days_ago),
    )
    job.file.save(name, ContentFile(b"employee_id,first_name\nE1,Ana\n"))
    return job


def test_files_older_than_the_retention_period_are_deleted_and_the_imports_kept(media):
    old = uploaded("old.csv", finished_days_ago=91)
    failed = uploaded("failed.csv", finished_days_ago=200, status=ImportStatus.FAILED)
    recent = uploaded("recent.csv", finished_days_ago=89)
    running = uploaded("running.csv", finished_days_ago=None, status=ImportStatus.RUNNING)
    old_path, failed_path = old.file.path, failed.file.path
    assert os.path.exists(old_path)

    deleted = roster_uploads_expire(now=NOW)

    assert deleted == 2
    assert not os.path.exists(old_path) and not os.path.exists(failed_path)
    assert os.path.exists(recent.file.path) and os.path.exists(running.file.path)
    old.refresh_from_db()
    assert old.file_deleted_at == NOW and not old.file
    assert old.summary == {"counts": {"persons_created": 3}} and old.status == ImportStatus.SUCCEEDED
    recent.refresh_from_db()
    assert recent.file_deleted_at is None and recent.file
    entry = AuditEntry.objects.get(action="roster.import.file_delete", target_id=str(old.pk))
    assert entry.changes["file_name"] == "old.csv" and entry.changes["reason"] == "retention period over"
    assert roster_uploads_expire(now=NOW) == 0  # a second run finds nothing left to delete


def test_the_retention_setting_decides_what_is_old(media, settings):
    settings.ROSTER_UPLOAD_RETENTION_DAYS = 7
    week_old = uploaded("week.csv", finished_days_ago=8)
    fresh = uploaded("fresh.csv", finished_days_ago=6)

    assert roster_uploads_expire(now=NOW) == 1

    assert not os.path.exists(week_old.file.path) and os.path.exists(fresh.file.path)


def test_a_file_already_missing_from_disk_is_still_marked_gone(media):
    job = uploaded("gone.csv", finished_days_ago=100)
    os.remove(job.file.path)

    assert roster_uploads_expire(now=NOW) == 1

    job.refresh_from_db()
    assert job.file_deleted_at == NOW


def test_the_clean_up_is_a_daily_periodic_job_that_deletes_old_files(media):
    from bedside.rosters.tasks import expire_roster_uploads

    job = next(j for j in periodic_jobs() if j.name == "rosters.roster_uploads_expire")
    assert job.job is expire_roster_uploads and job.is_task
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    assert job.when.period(NOW) == job.when.period(NOW + hour) != job.when.period(NOW + day)  # once a day
    old = uploaded("old.csv", finished_days_ago=120)

    with time_machine.travel(NOW, tick=False):
        assert expire_roster_uploads.call() == {"deleted": 1}

    assert not os.path.exists(old.file.path)


def test_the_detail_page_says_when_the_file_was_deleted(media, client, make_person):
    from django.urls import reverse

    admin = make_person(role=None, grants=[("administer", None)])
    job = uploaded("old.csv", finished_days_ago=100)
    roster_uploads_expire(now=NOW)
    client.force_login(admin)

    page = client.get(reverse("roster-import", args=[job.pk])).content.decode()

    assert "Deleted on" in page and "uploaded files are kept for 90 days" in page
    assert "Persons added" in page  # the summary stays


@pytest.mark.parametrize("value", ["ninety", "0", "-5"])
def test_a_bad_retention_setting_stops_the_start_with_its_name(value):
    env = {**os.environ, "ROSTER_UPLOAD_RETENTION_DAYS": value, "DJANGO_SETTINGS_MODULE": "bedside.settings"}

    started = subprocess.run(
        [sys.executable, "-c", "import bedside.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert started.returncode != 0
    assert "ROSTER_UPLOAD_RETENTION_DAYS must be" in started.stderr
