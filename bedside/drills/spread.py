"""Spreading a learner's reviews around their shifts: a review that FSRS puts on a working day (or the
day a night shift ends) moves, within a small window around its date, to a day off or a light day.

The window is what fuzz would move it anyway (about 5% of the interval, at least a day each way,
at most a week), so recall at the review stays about the deck's desired retention.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping

from django.db.models import Count
from django.db.models.functions import TruncDate

from bedside.rosters.models import Shift, ShiftStatus

MIN_INTERVAL_DAYS = 3
BUSY = 1000  # a working day weighs as much as a thousand cards


def window_days(interval_days: float) -> int:
    return max(1, min(7, round(interval_days * 0.05)))


def working_days(person_id: int, start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo) -> set[dt.date]:
    """Local dates the person works on (any part of a scheduled shift falls in them)."""
    days: set[dt.date] = set()
    shifts = Shift.objects.filter(
        person_id=person_id, status=ShiftStatus.SCHEDULED, start__lt=end, end__gt=start
    ).values_list("start", "end")
    for s, e in shifts:
        d = s.astimezone(tz).date()
        last = (e - dt.timedelta(seconds=1)).astimezone(tz).date()
        while d <= last:
            days.add(d)
            d += dt.timedelta(days=1)
    return days


def choose_day(
    due: dt.date, window: int, busy: set[dt.date], load: Mapping[dt.date, int], earliest: dt.date
) -> dt.date:
    """The best day within `window` of `due`: not a working day, then the lightest, then the closest."""
    candidates = [due + dt.timedelta(days=k) for k in range(-window, window + 1)]
    candidates = [d for d in candidates if d >= earliest] or [due]
    return min(
        candidates,
        key=lambda d: ((BUSY if d in busy else 0) + load.get(d, 0), abs((d - due).days), d),
    )


def spread_due(
    *, person_id: int, due: dt.datetime, interval_days: float, now: dt.datetime, tz: zoneinfo.ZoneInfo
) -> dt.datetime:
    """`due` moved to a better day for the person, keeping its local time of day."""
    if interval_days < MIN_INTERVAL_DAYS:
        return due
    from bedside.drills.models import CardState

    window = window_days(interval_days)
    local_due = due.astimezone(tz)
    start = local_due - dt.timedelta(days=window + 1)
    end = local_due + dt.timedelta(days=window + 1)
    busy = working_days(person_id, start, end, tz)
    load = dict(
        CardState.objects.filter(person_id=person_id, due__gte=start, due__lt=end)
        .annotate(day=TruncDate("due", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    earliest = (now.astimezone(tz) + dt.timedelta(days=1)).date()
    chosen = choose_day(local_due.date(), window, busy, load, earliest)
    if chosen == local_due.date():
        return due
    moved = dt.datetime.combine(chosen, local_due.time(), tzinfo=tz)
    return moved.astimezone(dt.UTC)
