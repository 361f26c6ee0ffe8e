"""Shifts for the next days: a greedy roster per unit and role that covers each window's minimum.

Each person works about 3 x 12 h (or 5 x 8 h) a week per 1.0 FTE, mostly on their own
line (days or nights), never two shifts a day nor a day shift straight after a night.
The float pool fills most of the gaps left. Times are wall-clock in the site's time
zone, stored in UTC.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from bedside.demo.organisation import SitePlan, UnitPlan
from bedside.demo.people import PersonPlan
from bedside.demo.staffing import MinimumPlan, site_beds, unit_minimums, windows_of
from bedside.rosters.staffing import local_window

ANY_LINE = -1
FLOAT_FILLS = 0.7  # share of gaps the float pool fills; the rest stay short, as in life
EXTRA = ((0, 0.55), (1, 0.30), (2, 0.10), (-1, 0.05))  # staff above (or below) the minimum


@dataclass(slots=True)
class ShiftPlan:
    person: int  # PersonPlan.index
    unit: str
    role: str
    start: dt.datetime
    end: dt.datetime
    night: bool


@dataclass
class _Worker:
    plan: PersonPlan
    target: int
    weekly_cap: int = 4
    count: int = 0
    days: list[int] = field(default_factory=list)  # sorted
    nights: set[int] = field(default_factory=set)

    def free(self, day: int, window_start: int) -> bool:
        if self.count >= self.target:
            return False
        # one shift a day, no day shift straight after a night, a cap on shifts in any 7 days
        if window_start < 12 and day - 1 in self.nights:
            return False
        at = bisect.bisect_right(self.days, day)
        if at and self.days[at - 1] == day:
            return False
        return at - bisect.bisect_right(self.days, day - 7) < self.weekly_cap

    def add(self, day: int, night: bool) -> None:
        self.count += 1
        bisect.insort(self.days, day)
        if night:
            self.nights.add(day)


def plan_minimums(sites: list[SitePlan]) -> dict[str, list[MinimumPlan]]:
    """Every unit's minimum staffing windows, by unit code."""
    result = {}
    for site in sites:
        critical, inpatient = site_beds(site.units)
        for unit in site.units:
            result[unit.code] = unit_minimums(unit, critical_beds=critical, inpatient_beds=inpatient)
    return result


def _per_week(windows: tuple) -> int:
    """Shifts a week of a 1.0 FTE: 3 x 12 h, or 5 x 8 h."""
    return 3 if not windows or windows[0][1] - windows[0][0] == 12 else 5


class Roster:
    def __init__(self, sites: list[SitePlan], people: list[PersonPlan], days: int, start: dt.date,
                 rng: random.Random):  # fmt: skip
        self.sites, self.days, self.start, self.rng = sites, days, start, rng
        self.units: dict[str, UnitPlan] = {u.code: u for s in sites for u in s.units}
        # Shift times are wall-clock at the unit's own site.
        self.zones = {u.code: zoneinfo.ZoneInfo(s.time_zone) for s in sites for u in s.units}
        self.minimums = plan_minimums(sites)
        self.needs: dict[tuple[str, str, int], dict[int, int]] = defaultdict(dict)
        for code, rows in self.minimums.items():
            for m in rows:
                self.needs[(code, m.role, m.weekday)][m.start] = m.minimum
        self.shifts: list[ShiftPlan] = []
        self.workers: dict[int, _Worker] = {}
        self._instants: dict[tuple, tuple[dt.datetime, dt.datetime]] = {}
        self.groups: dict[tuple[str, str], list[_Worker]] = defaultdict(list)
        for p in people:
            if p.works_shifts and p.status == "active":
                per_week = _per_week(windows_of(self.units[p.unit].kind))
                target = round(per_week * p.fte * days / 7)
                worker = self.workers[p.index] = _Worker(p, target, weekly_cap=per_week + 1)
                self.groups[(p.unit, p.role)].append(worker)
        self.covered: dict[tuple[str, str, int, int], int] = defaultdict(int)

    def _add(self, worker: _Worker, unit: str, role: str, day: int, window: tuple[int, int]) -> None:
        tz = self.zones[unit]
        key = (day, window, tz)
        if key not in self._instants:
            when = self.start + dt.timedelta(days=day)
            self._instants[key] = local_window(when, dt.time(window[0]), dt.time(window[1]), tz)
        start, end = self._instants[key]
        night = window[0] >= 19
        self.shifts.append(ShiftPlan(worker.plan.index, unit, role, start, end, night))
        worker.add(day, night)
        self.covered[(unit, role, day, window[0])] += 1

    def _need(self, unit: str, role: str, weekday: int) -> dict[int, int]:
        return self.needs.get((unit, role, weekday), {})

    def plan(self) -> list[ShiftPlan]:
        for (unit_code, role), workers in sorted(self.groups.items()):
            if self.units[unit_code].kind != "float":
                self._roster_unit(unit_code, role, workers)
        for site in self.sites:
            self._float(site)
        return self.shifts

    def _pick(self, workers: list[_Worker], day: int, index: int, start: int, want: int) -> list[_Worker]:
        """The `want` free workers furthest behind their target; on a unit, only those on this line."""
        free = [w for w in workers if index in (ANY_LINE, w.plan.line) or w.plan.line == ANY_LINE]
        free = [w for w in free if w.free(day, start)]
        free.sort(key=lambda w: (w.count / max(w.target, 1), self.rng.random()))
        return free[:want]

    def _roster_unit(self, unit_code: str, role: str, workers: list[_Worker]) -> None:
        windows = windows_of(self.units[unit_code].kind)
        for day in range(self.days):
            need = self._need(unit_code, role, (self.start + dt.timedelta(days=day)).weekday())
            for index, window in enumerate(windows):
                if not need.get(window[0]):
                    continue
                want = need[window[0]] + self._extra()
                for worker in self._pick(workers, day, index, window[0], want):
                    self._add(worker, unit_code, role, day, window)

    def _extra(self) -> int:
        roll = self.rng.random()
        for extra, share in EXTRA:
            if roll < share:
                return extra
            roll -= share
        return 0

    def _float(self, site: SitePlan) -> None:
        """Float nurses (and nurses with a float-pool second job) fill gaps, then help where busiest."""
        pool = [w for w in self.workers.values() if w.plan.unit == f"{site.code}-FLOAT"]
        for w in self.workers.values():
            if w.plan.second_unit == f"{site.code}-FLOAT":
                w.target = w.count + max(1, self.days // 14)  # a pick-up shift a fortnight
                pool.append(w)
        extra_help = [u for u in site.units if u.kind in ("icu", "med_surg", "step_down", "ed")]
        for day in range(self.days):
            weekday = (self.start + dt.timedelta(days=day)).weekday()
            for unit in site.units:
                need = self._need(unit.code, "RN", weekday)
                for window in windows_of(unit.kind):
                    gap = need.get(window[0], 0) - self.covered[(unit.code, "RN", day, window[0])]
                    gap = sum(1 for _ in range(max(gap, 0)) if self.rng.random() < FLOAT_FILLS)
                    if gap <= 0:
                        continue
                    for worker in self._pick(pool, day, ANY_LINE, window[0], gap):
                        self._add(worker, unit.code, "RN", day, window)
            if extra_help:
                for worker in pool:
                    if worker.plan.unit.endswith("-FLOAT") and self.rng.random() < 0.3:
                        unit = self.rng.choice(extra_help)
                        window = TWELVE_DAY_NIGHT[self.rng.random() < 0.4]
                        if worker.free(day, window[0]):
                            self._add(worker, unit.code, "RN", day, window)


TWELVE_DAY_NIGHT = ((7, 19), (19, 7))


def coverage(roster: Roster) -> tuple[int, int]:
    """(windows meeting their minimum, windows with a minimum) over the planned days."""
    met = total = 0
    for unit_code, rows in roster.minimums.items():
        for day in range(roster.days):
            weekday = (roster.start + dt.timedelta(days=day)).weekday()
            for m in rows:
                if m.weekday == weekday:
                    total += 1
                    met += roster.covered[(unit_code, m.role, day, m.start)] >= m.minimum
    return met, total
