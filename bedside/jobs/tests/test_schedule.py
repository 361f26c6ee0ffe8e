import datetime as dt

import pytest
from django.core.management import call_command

from bedside.jobs.models import ScheduledRun
from bedside.jobs.schedule import claim, tick

pytestmark = pytest.mark.django_db


def test_a_period_is_claimed_once_however_many_schedulers_tick():
    now = dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC)
    first = tick(now)
    assert "assignments.send_reminders" in first
    assert tick(now) == []  # a restart or a second scheduler in the same period
    assert tick(now + dt.timedelta(hours=1)) == ["assignments.send_reminders"]
    assert ScheduledRun.objects.filter(job="assignments.send_reminders").count() == 2
    assert claim("x", "p") and not claim("x", "p")


def test_scheduler_command_ticks_once(capsys):
    call_command("scheduler", "--once")
    assert "enqueued assignments.rules_apply_all" in capsys.readouterr().out
