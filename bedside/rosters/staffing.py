"""Staffing minimums resolved to real instants, in the site's time zone, across DST changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from bedside.people.models import Unit
from bedside.rosters.models import StaffingMinimum


@dataclass(frozen=True)
class MinimumWindow:
    job_role_id: int
    start: dt.datetime  # aware, UTC
    end: dt.datetime  # aware, UTC
    minimum: int
    optimal: int | None = None
    unit_id: int | None = None


def local_window(day: dt.date, start: dt.time, end: dt.time, tz) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of a wall-clock window beginning on `day`; an end not after the start is next day.

    Wall-clock arithmetic, then conversion: a 19:00-07:00 night over a DST change is 11 or 13 hours.
    """
    start_local = dt.datetime.combine(day, start, tzinfo=tz)
    end_day = day if end > start else day + dt.timedelta(days=1)
    end_local = dt.datetime.combine(end_day, end, tzinfo=tz)
    return start_local.astimezone(dt.UTC), end_local.astimezone(dt.UTC)


def _precedence(row: StaffingMinimum) -> tuple:
    # The latest start of validity wins; on one date a weekday row is more specific than an every-day row.
    return (row.valid_from or dt.date.min, row.weekday is not None, row.pk)


def rows_in_force(rows: Iterable[StaffingMinimum], day: dt.date) -> list[StaffingMinimum]:
    """Of some minimum rows, those that give the windows beginning on `day`: one per (unit, role, start)."""
    chosen: dict[tuple[int, int, dt.time], StaffingMinimum] = {}
    for row in rows:
        if not row.holds_on(day):
            continue
        key = (row.unit_id, row.job_role_id, row.start_time)
        if key not in chosen or _precedence(row) > _precedence(chosen[key]):
            chosen[key] = row
    return sorted(chosen.values(), key=lambda r: (r.unit_id, r.start_time, r.job_role_id))


def _candidates(unit_ids: Iterable[int], first: dt.date, last: dt.date):
    return StaffingMinimum.objects.filter(unit_id__in=list(unit_ids)).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last),
        Q(valid_until__isnull=True) | Q(valid_until__gte=first),
    )


def minimums_between(units: Iterable[Unit], first: dt.date, last: dt.date) -> list[MinimumWindow]:
    """The minimum windows of the units beginning on each local day from `first` to `last` (inclusive).

    One query for all units and days; days are each unit's own site's local days.
    """
    units = list(units)
    rows = list(_candidates([u.pk for u in units], first - dt.timedelta(days=1), last))
    by_unit: dict[int, list[StaffingMinimum]] = {}
    for row in rows:
        by_unit.setdefault(row.unit_id, []).append(row)
    windows: list[MinimumWindow] = []
    for unit in units:
        tz = unit.site.tz
        day = first
        while day <= last:
            for row in rows_in_force(by_unit.get(unit.pk, []), day):
                start, end = local_window(day, row.start_time, row.end_time, tz)
                windows.append(MinimumWindow(row.job_role_id, start, end, row.minimum, row.optimal, unit.pk))
            day += dt.timedelta(days=1)
    return windows


def minimums_on(unit: Unit, day: dt.date) -> list[MinimumWindow]:
    """The unit's minimum staffing windows that begin on local date `day`."""
    return sorted(minimums_between([unit], day, day), key=lambda w: (w.start, w.job_role_id))
