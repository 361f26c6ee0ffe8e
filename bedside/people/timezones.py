"""Per-person local time: every per-person date (due end of day, "today", daily jobs, dates shown)
is in the time zone of the site of the person's primary current job, else the system's zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q

from bedside.people.models import Job, Person


def system_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.BEDSIDE_TIME_ZONE)


def _jobs_on(on: dt.date):
    return Job.objects.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def zones_of(person_ids: Iterable[int], *, on: dt.date | None = None) -> dict[int, zoneinfo.ZoneInfo]:
    """Each person's zone in one query (primary job first); persons without a job get the system zone."""
    ids = list(person_ids)
    on = on or dt.datetime.now(dt.UTC).date()
    fallback = system_tz()
    found: dict[int, zoneinfo.ZoneInfo] = {}
    cache: dict[str, zoneinfo.ZoneInfo] = {}
    for start in range(0, len(ids), 5000):
        rows = (
            _jobs_on(on)
            .filter(person_id__in=ids[start : start + 5000])
            .order_by("person_id", "-primary", "start_date", "pk")
            .values_list("person_id", "unit__site__time_zone")
        )
        for pid, name in rows:
            if pid not in found:
                found[pid] = cache.setdefault(name, zoneinfo.ZoneInfo(name))
    return {pid: found.get(pid, fallback) for pid in ids}


def tz_of(person: Person, *, on: dt.date | None = None) -> zoneinfo.ZoneInfo:
    """The person's zone, cached on the instance for the request."""
    cached = getattr(person, "_tz_cache", None)
    if cached is None:
        cached = zones_of([person.pk], on=on)[person.pk] if person.pk else system_tz()
        person._tz_cache = cached
    return cached


def local_date(tz: zoneinfo.ZoneInfo, at: dt.datetime) -> dt.date:
    """The calendar date of instant `at` in zone `tz`."""
    return at.astimezone(tz).date()


def end_of_local_day(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The last instant of a local date, as UTC: 'due on 31 March' means by 23:59:59 that day there."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz).astimezone(dt.UTC)
