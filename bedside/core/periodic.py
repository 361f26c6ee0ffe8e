"""Periodic jobs, registered by the apps that own them.

Each app registers its jobs in its AppConfig.ready():

    register_periodic("assignments.escalate_overdue", tasks.escalate_overdue, when=daily_at(6, 0))
    register_periodic("assignments.send_reminders", tasks.send_reminders, when=every(minutes=60))

The scheduler (`bedside.jobs`) reads the registry; nothing below names a job by string.
A job is a Django task (it has `.enqueue()`, so the scheduler queues it for a worker)
or a plain callable without arguments (the scheduler calls it in its own process).
A schedule turns a moment into a period key, or None when the job is not due yet;
each (job, period) runs once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings


class Schedule(Protocol):
    def period(self, now: dt.datetime) -> str | None:
        """The key of the period `now` falls in, or None if the job is not due yet at `now`."""


@dataclass(frozen=True)
class DailyAt:
    """Once a local day, at or after hh:mm in the hospital's zone (or `tz`); keyed by the local day."""

    hour: int = 0
    minute: int = 0
    tz: str | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"{self.hour:02}:{self.minute:02} is not a time of day")

    def period(self, now: dt.datetime) -> str | None:
        local = now.astimezone(zoneinfo.ZoneInfo(self.tz or settings.BEDSIDE_TIME_ZONE))
        if (local.hour, local.minute) < (self.hour, self.minute):
            return None
        # A scheduler that was down at hh:mm still runs the job later that local day.
        return local.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Every:
    """Once every N minutes, in fixed slots counted from the Unix epoch (so restarts do not shift them)."""

    minutes: int

    def __post_init__(self) -> None:
        if self.minutes < 1:
            raise ValueError("A periodic job runs at most once a minute.")

    def period(self, now: dt.datetime) -> str:
        seconds = self.minutes * 60
        start = dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)
        return start.strftime("%Y-%m-%dT%H:%MZ")


def daily_at(hour: int = 0, minute: int = 0, *, tz: str | None = None) -> DailyAt:
    return DailyAt(hour, minute, tz)


def every(*, minutes: int) -> Every:
    return Every(minutes)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    job: Any  # a django_tasks Task, or a callable taking no arguments
    when: Schedule

    @property
    def is_task(self) -> bool:
        return callable(getattr(self.job, "enqueue", None))


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, job: Any | Callable[[], Any], *, when: Schedule) -> PeriodicJob:
    """Register (or, under the same name, replace) a periodic job; names are `app.job`."""
    if not (callable(job) or callable(getattr(job, "enqueue", None))):
        raise TypeError(f"Periodic job {name!r} is neither a task nor a callable.")
    entry = PeriodicJob(name=name, job=job, when=when)
    _jobs[name] = entry
    return entry


def unregister_periodic(name: str) -> None:
    _jobs.pop(name, None)


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda j: j.name)
