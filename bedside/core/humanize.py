"""Times as people say them: 'Thu 14 Nov, 07:30', 'in 2 hours', 'due in 3 days'."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings


def local(moment: dt.datetime, tz: str | None = None) -> dt.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(tz or settings.BEDSIDE_TIME_ZONE))


def when(moment: dt.datetime, tz: str | None = None) -> str:
    value = local(moment, tz)
    return f"{value:%a} {value.day} {value:%b}, {value:%H:%M}"


def day(moment: dt.datetime, tz: str | None = None) -> str:
    value = local(moment, tz)
    return f"{value:%a} {value.day} {value:%b %Y}"


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


def due_phrase(due: dt.datetime, now: dt.datetime) -> str:
    if due < now:
        return f"Was due {day(due)} ({relative(due, now)})"
    return f"Due {day(due)} ({relative(due, now)})"
