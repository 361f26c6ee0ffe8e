"""The typed cycle key, and the pure date arithmetic of recurrence: which cycle applies, when it is
due, how long a completion lasts. Every per-person date is in that person's zone."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q

from bedside.assignments.models import AssignmentRule, CycleKind, DueFrom, Recurrence
from bedside.people.timezones import end_of_local_day, local_date, system_tz

CYCLE_COLUMNS = ("cycle_kind", "cycle_number", "cycle_year", "cycle_ref", "cycle_version_id")


@dataclass(frozen=True)
class Cycle:
    """Which cycle of an item a requirement is: once, the Nth interval, a window's year, a campaign
    or a pinned item version. Build one with the class methods; never parse a string."""

    kind: str
    number: int | None = None
    year: int | None = None
    ref: str = ""
    version_id: int | None = None

    @classmethod
    def once(cls) -> Cycle:
        return cls(CycleKind.ONCE)

    @classmethod
    def interval(cls, number: int) -> Cycle:
        if number < 1:
            raise ValueError("Interval cycles count from 1.")
        return cls(CycleKind.INTERVAL, number=number)

    @classmethod
    def window(cls, year: int) -> Cycle:
        return cls(CycleKind.WINDOW, year=year)

    @classmethod
    def campaign(cls, ref: str) -> Cycle:
        if not ref:
            raise ValueError("A campaign cycle names its campaign.")
        return cls(CycleKind.CAMPAIGN, ref=ref)

    @classmethod
    def version(cls, version_id: int) -> Cycle:
        return cls(CycleKind.VERSION, version_id=version_id)

    @classmethod
    def from_columns(cls, kind: str, number, year, ref: str, version_id) -> Cycle:
        return cls(str(kind), number=number, year=year, ref=ref or "", version_id=version_id)

    @classmethod
    def of(cls, row) -> Cycle:
        return cls.from_columns(
            row.cycle_kind, row.cycle_number, row.cycle_year, row.cycle_ref, row.cycle_version_id
        )

    def columns(self) -> tuple:
        """Values of CYCLE_COLUMNS, in that order."""
        return (self.kind, self.number, self.year, self.ref, self.version_id)

    def q(self, prefix: str = "") -> Q:
        return Q(
            **{f"{prefix}{name}": value for name, value in zip(CYCLE_COLUMNS, self.columns(), strict=True)}
        )

    def __str__(self) -> str:
        if self.kind == CycleKind.INTERVAL:
            return f"cycle {self.number}"
        if self.kind == CycleKind.WINDOW:
            return str(self.year)
        if self.kind == CycleKind.CAMPAIGN:
            return f"campaign {self.ref}"
        if self.kind == CycleKind.VERSION:
            return f"version {self.version_id}"
        return "once"


def end_of_day(day: dt.date, tz: zoneinfo.ZoneInfo | None = None) -> dt.datetime:
    """The last instant of a local date in `tz` (the system's zone if None), as UTC."""
    return end_of_local_day(day, tz or system_tz())


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without working out the weekday (the seed calls it millions of times)."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month0 = moment.month - 1 + months
    year = moment.year + month0 // 12
    month = month0 % 12 + 1
    day = min(moment.day, _days_in(year, month))
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Window:
    year: int
    opens: dt.date
    closes: dt.date

    @property
    def cycle(self) -> Cycle:
        return Cycle.window(self.year)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, _days_in(year, month)))


def window_for_year(rule: AssignmentRule, year: int) -> Window:
    opens = _safe_date(year, rule.window_start_month, rule.window_start_day)
    closes = _safe_date(year, rule.window_end_month, rule.window_end_day)
    if closes < opens:  # e.g. November to February
        closes = _safe_date(year + 1, rule.window_end_month, rule.window_end_day)
    return Window(year=year, opens=opens, closes=closes)


def current_window(rule: AssignmentRule, on: dt.date) -> Window:
    """The latest window that has opened on or before `on`."""
    this_year = window_for_year(rule, on.year)
    return this_year if this_year.opens <= on else window_for_year(rule, on.year - 1)


def first_due(rule: AssignmentRule, *, on: dt.date, hire_date: dt.date | None) -> dt.date:
    """When a newly created (non-window) requirement is due: never before hire date + due days.

    From hire: hire date + N days, unless that is already past, then N days from now,
    so a rule created today never makes long-serving staff overdue on day one.
    """
    from_assigned = on + dt.timedelta(days=rule.due_days)
    if hire_date is None:
        return from_assigned
    from_hire = hire_date + dt.timedelta(days=rule.due_days)
    if rule.due_from == DueFrom.HIRE:
        return from_hire if from_hire >= on else from_assigned
    return max(from_assigned, from_hire)


def window_due(rule: AssignmentRule, window: Window, *, hire_date: dt.date | None) -> dt.date:
    """When a window's requirement is due: the window's close, but a new hire gets at least
    the rule's due days after their hire date (never a window that closed before they started)."""
    if hire_date is None or hire_date <= window.opens:
        return window.closes
    return max(window.closes, hire_date + dt.timedelta(days=rule.due_days))


def valid_until(
    rule: AssignmentRule | None,
    *,
    completed_at: dt.datetime,
    due_at: dt.datetime,
    tz: zoneinfo.ZoneInfo | None = None,
) -> dt.datetime | None:
    """How long a completion satisfies the requirement (`tz`: the person's zone).

    Interval: N months from the due date when done inside the renewal window (early
    renewal does not shorten the next cycle), otherwise N months from completion.
    Window: until the end of next year's window, in the person's zone.
    """
    if rule is None or rule.recurrence == Recurrence.NONE:
        return None
    if rule.recurrence == Recurrence.INTERVAL:
        window_opens = due_at - dt.timedelta(days=rule.renewal_window_days)
        base = due_at if window_opens <= completed_at <= due_at else completed_at
        return add_months(base, rule.interval_months)
    tz = tz or system_tz()
    this = current_window(rule, local_date(tz, completed_at))
    following = window_for_year(rule, this.year + 1)
    return end_of_day(following.closes, tz)


def rule_cycle(rule: AssignmentRule, on: dt.date) -> Cycle:
    """The first cycle a rule asks for on `on` (interval rules start at 1)."""
    if rule.recurrence == Recurrence.WINDOW:
        return current_window(rule, on).cycle
    if rule.recurrence == Recurrence.INTERVAL:
        return Cycle.interval(1)
    return Cycle.once()
