"""Staffing minimums resolved to real instants, in the site's time zone, across DST changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bedside.people.models import Unit
from bedside.rosters.models import StaffingMinimum


@dataclass(frozen=True)
class MinimumWindow:
    job_role_id: int
    start: dt.datetime  # aware, UTC
    end: dt.datetime  # aware, UTC
    minimum: int


def local_window(day: dt.date, start: dt.time, end: dt.time, tz) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of a wall-clock window beginning on `day`; an end not after the start is next day.

    Wall-clock arithmetic, then conversion: a 19:00-07:00 night over a DST change is 11 or 13 hours.
    """
    start_local = dt.datetime.combine(day, start, tzinfo=tz)
    end_day = day if end > start else day + dt.timedelta(days=1)
    end_local = dt.datetime.combine(end_day, end, tzinfo=tz)
    return start_local.astimezone(dt.UTC), end_local.astimezone(dt.UTC)


def minimums_on(unit: Unit, day: dt.date) -> list[MinimumWindow]:
    """The unit's minimum staffing windows that begin on local date `day`."""
    tz = unit.site.tz
    rows = StaffingMinimum.objects.filter(unit=unit, weekday=day.weekday()).order_by(
        "start_time", "job_role_id"
    )
    windows = []
    for row in rows:
        start, end = local_window(day, row.start_time, row.end_time, tz)
        windows.append(MinimumWindow(row.job_role_id, start, end, row.minimum))
    return windows
