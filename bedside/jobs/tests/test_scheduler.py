"""The scheduler: registered jobs run once per period, daily ones by the local day; SIGTERM stops it."""

import datetime as dt
import os
import signal

import pytest
from django.core.management import call_command

from bedside.core.periodic import daily_at, every, register_periodic, unregister_periodic
from bedside.jobs.models import ScheduledRun
from bedside.jobs.schedule import claim, tick

pytestmark = pytest.mark.django_db


def test_a_period_is_claimed_once_however_many_schedulers_tick():
    now = dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC)
    first = tick(now)
    assert "assignments.send_reminders" in first
    assert tick(now) == []  # a restart or a second scheduler in the same period
    hourly = tick(now + dt.timedelta(hours=1))  # the hourly jobs again, not the daily ones
    assert "assignments.send_reminders" in hourly and "assignments.rules_apply_all" not in hourly
    assert ScheduledRun.objects.filter(job="assignments.send_reminders").count() == 2
    assert claim("x", "p") and not claim("x", "p")


def test_scheduler_command_ticks_once(capsys):
    call_command("scheduler", "--once")
    assert "enqueued assignments.rules_apply_all" in capsys.readouterr().out


@pytest.fixture
def registered():
    """register(name, job, when): a periodic job for this test only."""
    names = []

    def register(name, job, when):
        names.append(name)
        register_periodic(name, job, when=when)

    yield register
    for name in names:
        unregister_periodic(name)


def test_the_scheduler_runs_what_apps_registered_once_per_period(registered):
    runs = []
    registered("test.count", lambda: runs.append(1), every(minutes=30))
    now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    assert "test.count" in tick(now)
    assert "test.count" not in tick(now + dt.timedelta(minutes=29))
    assert "test.count" in tick(now + dt.timedelta(minutes=30))
    assert runs == [1, 1]


def test_a_daily_job_waits_for_its_local_time(registered, settings):
    settings.BEDSIDE_TIME_ZONE = "America/New_York"
    registered("test.morning", lambda: None, daily_at(6, 0))
    assert "test.morning" not in tick(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))  # 05:00 local
    assert "test.morning" in tick(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))
    assert ScheduledRun.objects.get(job="test.morning").period == "2026-11-25"


def test_a_failing_plain_job_is_logged_and_the_others_still_run(registered, caplog):
    def broken():
        raise RuntimeError("boom")

    registered("test.a_broken", broken, every(minutes=5))
    registered("test.b_fine", lambda: None, every(minutes=5))
    started = tick(dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC))
    assert {"test.a_broken", "test.b_fine"} <= set(started)
    assert "test.a_broken failed" in caplog.text


def test_sigterm_stops_the_scheduler_after_the_job_in_hand_and_it_exits_normally(registered, capsys):
    ran = []

    def asks_to_stop():
        ran.append("first")
        os.kill(os.getpid(), signal.SIGTERM)  # what `docker stop` or systemd sends

    registered("a.first", asks_to_stop, every(minutes=1))
    registered("zz.last", lambda: ran.append("last"), every(minutes=1))
    before = signal.getsignal(signal.SIGTERM)
    call_command("scheduler", "--interval", "3600")  # returns instead of sleeping an hour or raising
    assert ran == ["first"]  # the rest of the tick is left for the next scheduler
    assert not ScheduledRun.objects.filter(job="zz.last").exists()
    assert capsys.readouterr().out.splitlines()[-1] == "scheduler stopped"
    assert signal.getsignal(signal.SIGTERM) == before
