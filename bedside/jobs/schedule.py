"""Periodic jobs and the claim that makes each run happen once per period.

The Tasks API has no scheduler. `bedside scheduler` ticks every minute and, for
each job whose period has begun, claims (job, period) with a unique row; only
the claimant enqueues. A restart or a second scheduler finds the row and skips.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.jobs.models import ScheduledRun


def _local(now: dt.datetime) -> dt.datetime:
    return now.astimezone(zoneinfo.ZoneInfo(settings.BEDSIDE_TIME_ZONE))


def hourly(now: dt.datetime) -> str:
    return _local(now).strftime("%Y-%m-%dT%H%z")


def daily(now: dt.datetime) -> str:
    """A day as the hospital counts it, so daily jobs run after local midnight, not UTC's."""
    return _local(now).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    period: Callable[[dt.datetime], str]
    task_path: str  # dotted path of a django_tasks Task


def periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob("assignments.rules_apply_all", daily, "bedside.assignments.tasks.apply_rules"),
        PeriodicJob("assignments.send_reminders", hourly, "bedside.assignments.tasks.send_reminders"),
        PeriodicJob("assignments.escalate_overdue", daily, "bedside.assignments.tasks.escalate_overdue"),
        PeriodicJob("rosters.roster_uploads_expire", daily, "bedside.rosters.tasks.expire_roster_uploads"),
    ]


def claim(job: str, period: str) -> bool:
    """True for exactly one caller per (job, period), across processes and machines."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, period=period)
    except IntegrityError:
        return False
    return True


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose current period is unclaimed; returns the names enqueued."""
    from django.utils.module_loading import import_string

    now = now or timezone.now()
    started = []
    for job in periodic_jobs():
        period = job.period(now)
        # Claim and enqueue commit together: a failed enqueue leaves the period unclaimed for the next tick.
        with transaction.atomic():
            if not claim(job.name, period):
                continue
            result = import_string(job.task_path).enqueue()
            ScheduledRun.objects.filter(job=job.name, period=period).update(task_id=str(result.id))
        started.append(job.name)
    return started
