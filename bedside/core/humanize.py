"""Times as people say them: 'Thu 14 Nov, 07:30', 'Wed 8 Nov 2023', 'in 2 hours', 'due in 3 days'.

A date carries its year unless it is the current year, both judged in the zone it is shown in:
the zone passed, else the viewer's (set per request with `viewer_zone`), else the system's.
"Now" is the clock passed, else Django's clock (which tests pin).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

Zone = dt.tzinfo | str | None
_viewer: ContextVar[Callable[[], dt.tzinfo] | None] = ContextVar("bedside_viewer_zone", default=None)


@contextmanager
def viewer_zone(resolve: Callable[[], dt.tzinfo]) -> Iterator[None]:
    """Within the block, dates shown without a zone are in `resolve()` (called only when needed)."""
    token = _viewer.set(resolve)
    try:
        yield
    finally:
        _viewer.reset(token)


def zone(tz: Zone = None) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    if tz:
        return zoneinfo.ZoneInfo(tz)
    resolve = _viewer.get()
    return resolve() if resolve else zoneinfo.ZoneInfo(settings.BEDSIDE_TIME_ZONE)


def local(moment: dt.datetime, tz: Zone = None) -> dt.datetime:
    return moment.astimezone(zone(tz))


def _date_text(value: dt.datetime, now: dt.datetime | None) -> str:
    current = (now or timezone.now()).astimezone(value.tzinfo).year
    text = f"{value:%a} {value.day} {value:%b}"
    return text if value.year == current else f"{text} {value.year}"


def when(moment: dt.datetime, tz: Zone = None, *, now: dt.datetime | None = None) -> str:
    """'Thu 14 Nov, 07:30'; 'Wed 8 Nov 2023, 09:15' outside the current year."""
    value = local(moment, tz)
    return f"{_date_text(value, now)}, {value:%H:%M}"


def day(moment: dt.datetime, tz: Zone = None, *, now: dt.datetime | None = None) -> str:
    """'Thu 14 Nov'; 'Wed 8 Nov 2023' outside the current year."""
    return _date_text(local(moment, tz), now)


def zone_place(tz: Zone = None) -> str:
    """'New York time' for America/New_York: a zone as someone elsewhere reads it, not its identifier."""
    key = getattr(zone(tz), "key", str(zone(tz)))
    return f"{key.rsplit('/', 1)[-1].replace('_', ' ')} time"


def relative(moment: dt.datetime, now: dt.datetime) -> str:
    seconds = (moment - now).total_seconds()
    future = seconds >= 0
    seconds = abs(seconds)
    if seconds < 3600:
        amount, unit = max(1, round(seconds / 60)), "minute"
    elif seconds < 86400 * 2:
        amount, unit = round(seconds / 3600), "hour"
    else:
        amount, unit = round(seconds / 86400), "day"
    text = f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"in {text}" if future else f"{text} ago"


def due_phrase(due: dt.datetime, now: dt.datetime, tz: Zone = None) -> str:
    if due < now:
        return f"Was due {day(due, tz, now=now)} ({relative(due, now)})"
    return f"Due {day(due, tz, now=now)} ({relative(due, now)})"
