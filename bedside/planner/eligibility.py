"""Which learner may take which slot, what it costs, and how many each unit can release at once.

Shared by the CP-SAT model and the greedy baseline (the independent checker in `checks` shares none of it).
A learner may take a slot that ends by the deadline, that does not begin within the rest after a night
shift, and, where it overlaps their shifts, only if every unit keeps its minimum for the whole overlap
with them gone (`release_limits` then bounds how many go at once).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from bedside.planner.inputs import Problem, Reason


def minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


class Headcount:
    """Staff counting toward a role on a unit, as a step function of time."""

    def __init__(self, problem: Problem):
        events: dict[tuple[int, int], dict[dt.datetime, int]] = defaultdict(lambda: defaultdict(int))
        for s in problem.staffed:
            for covered in problem.toward(s.job_role_id):
                events[(s.unit_id, covered)][s.start] += 1
                events[(s.unit_id, covered)][s.end] -= 1
        self.times: dict[tuple[int, int], list[dt.datetime]] = {}
        self.counts: dict[tuple[int, int], list[int]] = {}
        for key, deltas in events.items():
            times = sorted(deltas)
            running, counts = 0, []
            for t in times:
                running += deltas[t]
                counts.append(running)
            self.times[key], self.counts[key] = times, counts

    def at(self, key: tuple[int, int], moment: dt.datetime) -> int:
        times = self.times.get(key)
        if not times:
            return 0
        i = bisect.bisect_right(times, moment) - 1
        return self.counts[key][i] if i >= 0 else 0

    def changes(self, key: tuple[int, int], start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        times = self.times.get(key, [])
        return times[bisect.bisect_right(times, start) : bisect.bisect_left(times, end)]


@dataclass(frozen=True)
class Release:
    """A learner away from a shift on a unit during [start, end), lowering the count toward `covered`."""

    unit_id: int
    covered: int
    start: dt.datetime
    end: dt.datetime


@dataclass
class Pair:
    learner: int  # index into problem.learners
    slot: int  # index into problem.slots
    overtime: int  # minutes of the session outside the learner's shifts (paid extra)
    releases: tuple[Release, ...] = ()

    @property
    def on_duty(self) -> bool:
        return bool(self.releases)


@dataclass
class Limit:
    """At most `most` of these pairs at once: the unit's surplus over its minimum in one stretch."""

    pairs: list[int]  # indexes into the pair list
    most: int
    unit_id: int
    covered: int
    start: dt.datetime
    end: dt.datetime


@dataclass
class Eligibility:
    pairs: list[Pair] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    no_pair: dict[int, str] = field(default_factory=dict)  # learner id -> why no slot at all
    headcount: Headcount | None = None


class _Needs:
    def __init__(self, problem: Problem):
        self.by_key: dict[tuple[int, int], list] = defaultdict(list)
        for need in problem.needs:
            self.by_key[(need.unit_id, need.job_role_id)].append(need)
        for rows in self.by_key.values():
            rows.sort(key=lambda n: n.start)

    def binding(self, key: tuple[int, int], start: dt.datetime, end: dt.datetime) -> list:
        return [n for n in self.by_key.get(key, ()) if n.start < end and n.end > start]

    def cuts(self, key, start, end) -> list[dt.datetime]:
        return [t for n in self.binding(key, start, end) for t in (n.start, n.end) if start < t < end]

    def minimum_at(self, key, moment: dt.datetime) -> int | None:
        found = [n.minimum for n in self.by_key.get(key, ()) if n.start <= moment < n.end]
        return max(found) if found else None


def _surplus(needs: _Needs, heads: Headcount, key, start, end) -> int | None:
    """The least (count - minimum) over [start, end), None where no minimum holds."""
    points = sorted({start, *heads.changes(key, start, end), *needs.cuts(key, start, end)})
    least = None
    for moment in points:
        minimum = needs.minimum_at(key, moment)
        if minimum is None:
            continue
        spare = heads.at(key, moment) - minimum
        least = spare if least is None else min(least, spare)
    return least


def eligible(problem: Problem) -> Eligibility:
    """Every (learner, slot) the rules allow, with its overtime and releases, and the release limits."""
    needs = _Needs(problem)
    heads = Headcount(problem)
    result = Eligibility(headcount=heads)
    surplus_cache: dict = {}
    for li, learner in enumerate(problem.learners):
        rests = [(d.end, d.end + problem.rest_after_night) for d in learner.duties if d.night]
        blocked_by_release = False
        found = False
        for si, slot in enumerate(problem.slots):
            if slot.end > problem.deadline:
                continue
            if any(slot.start < rest_end and slot.end > ended for ended, rest_end in rests):
                continue
            releases = []
            on_duty = 0
            ok = True
            for duty in learner.duties:
                a, b = max(duty.start, slot.start), min(duty.end, slot.end)
                if a >= b:
                    continue
                on_duty += minutes(b - a)
                for covered in problem.toward(duty.job_role_id):
                    key = (duty.unit_id, covered)
                    cache_key = (key, a, b)
                    if cache_key not in surplus_cache:
                        surplus_cache[cache_key] = _surplus(needs, heads, key, a, b)
                    spare = surplus_cache[cache_key]
                    if spare is None:
                        continue  # no minimum for this role then: free to go
                    if spare < 1:
                        ok = False
                        break
                    releases.append(Release(duty.unit_id, covered, a, b))
                if not ok:
                    break
            if not ok:
                blocked_by_release = True
                continue
            overtime = minutes(slot.end - slot.start) - on_duty
            result.pairs.append(Pair(li, si, max(0, overtime), tuple(releases)))
            found = True
        if not found:
            result.no_pair[learner.id] = Reason.RELEASE if blocked_by_release else Reason.NO_TIME
    result.limits = _limits(result.pairs, needs, heads)
    return result


def _limits(pairs: list[Pair], needs: _Needs, heads: Headcount) -> list[Limit]:
    """For each unit and covered role, each stretch where more pairs could leave than the surplus allows."""
    by_key: dict[tuple[int, int], list[tuple[int, Release]]] = defaultdict(list)
    for pi, pair in enumerate(pairs):
        for release in pair.releases:
            by_key[(release.unit_id, release.covered)].append((pi, release))
    limits: list[Limit] = []
    for key, rows in by_key.items():
        start = min(r.start for _, r in rows)
        end = max(r.end for _, r in rows)
        points = sorted(
            {start, end, *(t for _, r in rows for t in (r.start, r.end)), *heads.changes(key, start, end),
             *needs.cuts(key, start, end)}
        )  # fmt: skip
        rows.sort(key=lambda pr: pr[1].start)
        for a, b in zip(points, points[1:], strict=False):
            minimum = needs.minimum_at(key, a)
            if minimum is None:
                continue
            active = [pi for pi, r in rows if r.start <= a and r.end >= b]
            spare = heads.at(key, a) - minimum
            if len(active) > max(spare, 0):
                limits.append(Limit(active, max(spare, 0), key[0], key[1], a, b))
    return _dedupe(limits)


def _dedupe(limits: list[Limit]) -> list[Limit]:
    """Drop limits implied by another on the same or a larger set of pairs with a smaller or equal bound."""
    seen: dict[tuple, Limit] = {}
    for limit in limits:
        key = (tuple(sorted(limit.pairs)),)
        if key not in seen or limit.most < seen[key].most:
            seen[key] = limit
    return list(seen.values())
