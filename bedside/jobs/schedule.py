"""The scheduler's tick, and the claim that makes each periodic run happen once per period.

The Tasks API has no scheduler. `bedside scheduler` ticks every minute and, for each
job registered with `bedside.core.periodic.register_periodic` whose period has begun,
claims (job, period) with a unique row; only the claimant runs or enqueues it. A restart
or a second scheduler finds the row and skips.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.core.periodic import PeriodicJob, periodic_jobs
from bedside.jobs.models import ScheduledRun

log = logging.getLogger(__name__)


def claim(job: str, period: str) -> bool:
    """True for exactly one caller per (job, period), across processes and machines."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, period=period)
    except IntegrityError:
        return False
    return True


def _start(job: PeriodicJob, period: str) -> bool:
    """Claim the period and start the job; False if someone else has it."""
    if job.is_task:
        # Claim and enqueue commit together: a failed enqueue leaves the period unclaimed for the next tick.
        with transaction.atomic():
            if not claim(job.name, period):
                return False
            result = job.job.enqueue()
            ScheduledRun.objects.filter(job=job.name, period=period).update(task_id=str(result.id))
        return True
    if not claim(job.name, period):
        return False
    try:
        job.job()
    except Exception:
        # The claim stays: a failing plain job is logged and waits for its next period, not the next tick.
        log.exception("periodic job %s failed for period %s", job.name, period)
    return True


def tick(now: dt.datetime | None = None, *, stopping=lambda: False) -> list[str]:
    """Start every due job whose current period is unclaimed; returns the names started.

    `stopping()` is asked before each job, so a scheduler told to stop leaves the rest of
    the tick for the next scheduler instead of finishing it.
    """
    now = now or timezone.now()
    started = []
    for job in periodic_jobs():
        if stopping():
            break
        period = job.when.period(now)
        if period is None:
            continue
        if _start(job, period):
            started.append(job.name)
    return started
