"""Pure date arithmetic of recurrence: which cycle applies, when it is due, how long a completion lasts."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

from bedside.assignments.models import AssignmentRule, DueFrom, Recurrence


def system_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.BEDSIDE_TIME_ZONE)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a local date, as UTC: 'due on 31 March' means by 23:59:59 that day."""
    local = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=system_tz())
    return local.astimezone(dt.UTC)


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month0 = moment.month - 1 + months
    year = moment.year + month0 // 12
    month = month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Window:
    cycle: str
    opens: dt.date
    closes: dt.date


def _safe_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def window_for_year(rule: AssignmentRule, year: int) -> Window:
    opens = _safe_date(year, rule.window_start_month, rule.window_start_day)
    closes = _safe_date(year, rule.window_end_month, rule.window_end_day)
    if closes < opens:  # e.g. November to February
        closes = _safe_date(year + 1, rule.window_end_month, rule.window_end_day)
    return Window(cycle=str(year), opens=opens, closes=closes)


def current_window(rule: AssignmentRule, on: dt.date) -> Window:
    """The latest window that has opened on or before `on`."""
    this_year = window_for_year(rule, on.year)
    return this_year if this_year.opens <= on else window_for_year(rule, on.year - 1)


def first_due(rule: AssignmentRule, *, on: dt.date, hire_date: dt.date | None) -> dt.date:
    """When a newly created (non-window) requirement is due.

    From hire: hire date + N days, unless that is already past, then N days from now,
    so a rule created today never makes long-serving staff overdue on day one.
    """
    from_assigned = on + dt.timedelta(days=rule.due_days)
    if rule.due_from == DueFrom.HIRE and hire_date is not None:
        from_hire = hire_date + dt.timedelta(days=rule.due_days)
        return from_hire if from_hire >= on else from_assigned
    return from_assigned


def valid_until(
    rule: AssignmentRule | None, *, completed_at: dt.datetime, due_at: dt.datetime
) -> dt.datetime | None:
    """How long a completion satisfies the requirement.

    Interval: N months from the due date when done inside the renewal window (early
    renewal does not shorten the next cycle), otherwise N months from completion.
    Window: until the end of next year's window.
    """
    if rule is None or rule.recurrence == Recurrence.NONE:
        return None
    if rule.recurrence == Recurrence.INTERVAL:
        window_opens = due_at - dt.timedelta(days=rule.renewal_window_days)
        base = due_at if window_opens <= completed_at <= due_at else completed_at
        return add_months(base, rule.interval_months)
    local_day = completed_at.astimezone(system_tz()).date()
    this = current_window(rule, local_day)
    following = window_for_year(rule, int(this.cycle) + 1)
    return end_of_day(following.closes)
