"""Per-person local time: every per-person date (due end of day, "today", daily jobs, dates shown)
is in the time zone of the site of the person's primary current job, else the system's zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL

from bedside.people.models import Job, Person


def system_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.BEDSIDE_TIME_ZONE)


def _jobs_on(on: dt.date):
    return Job.objects.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def zones_of(
    person_ids: Iterable[int], *, on: dt.date | None = None, among: str | None = None
) -> dict[int, zoneinfo.ZoneInfo]:
    """Each person's zone (primary job first); persons without a job get the system zone.

    `among`: a `SELECT id` of a temporary table holding at least these ids (large sets): one query
    joined to it instead of IN (...) lists of 5,000.
    """
    ids = list(person_ids)
    on = on or dt.datetime.now(dt.UTC).date()
    fallback = system_tz()
    found: dict[int, zoneinfo.ZoneInfo] = {}
    cache: dict[str, zoneinfo.ZoneInfo] = {}
    if among is not None:
        batches = [_jobs_on(on).filter(person_id__in=RawSQL(among, ()))]
    else:
        batches = [
            _jobs_on(on).filter(person_id__in=ids[start : start + 5000]) for start in range(0, len(ids), 5000)
        ]
    for jobs in batches:
        rows = jobs.order_by("person_id", "-primary", "start_date", "pk").values_list(
            "person_id", "unit__site__time_zone"
        )
        for pid, name in rows:
            if pid not in found:
                found[pid] = cache.setdefault(name, zoneinfo.ZoneInfo(name))
    return {pid: found.get(pid, fallback) for pid in ids}


ZONE_ANNOTATION = "site_time_zone_today"
_NOT_READ = object()


def with_zone(persons):
    """`persons` (a Person queryset) with each one's zone of today read in the same query, for `tz_of`:
    the signed-in person is loaded this way, so their pages need no query of their own for it."""
    on = dt.datetime.now(dt.UTC).date()
    zone = (
        _jobs_on(on)
        .filter(person_id=OuterRef("pk"))
        .order_by("-primary", "start_date", "pk")
        .values("unit__site__time_zone")[:1]
    )
    return persons.annotate(**{ZONE_ANNOTATION: Subquery(zone)})


def tz_of(person: Person, *, on: dt.date | None = None) -> zoneinfo.ZoneInfo:
    """The person's zone, cached on the instance for the request (read with the person when loaded
    through `with_zone`)."""
    cached = getattr(person, "_tz_cache", None)
    if cached is None:
        name = getattr(person, ZONE_ANNOTATION, _NOT_READ) if on is None else _NOT_READ
        if name is not _NOT_READ:
            cached = zoneinfo.ZoneInfo(name) if name else system_tz()
        else:
            cached = zones_of([person.pk], on=on)[person.pk] if person.pk else system_tz()
        person._tz_cache = cached
    return cached


def local_date(tz: zoneinfo.ZoneInfo, at: dt.datetime) -> dt.date:
    """The calendar date of instant `at` in zone `tz`."""
    return at.astimezone(tz).date()


def end_of_local_day(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The last instant of a local date, as UTC: 'due on 31 March' means by 23:59:59 that day there."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz).astimezone(dt.UTC)
