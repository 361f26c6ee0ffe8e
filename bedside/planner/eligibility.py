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

PER_LEARNER = 80


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
    reachable: set[int] = field(default_factory=set)  # learners (indexes) with any allowed slot
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


def _cheapest(candidates: list[Pair], problem: Problem, keep: int | None) -> list[Pair]:
    """A learner's options, thinned when rooms are many: every time they could attend is kept, and at each
    time as many rooms as `keep` allows over all their times (at least one), taken in turn from the
    learner's place in the list so that learners spread over the rooms. Rooms at one time are alike for a
    learner, so this loses little; the bound (from `reachable` and all seats) does not depend on it."""
    if keep is None or len(candidates) <= keep:
        return candidates
    by_time: dict[dt.datetime, list[Pair]] = defaultdict(list)
    for pair in candidates:
        by_time[problem.slots[pair.slot].start].append(pair)
    rooms = max(1, keep // len(by_time))
    chosen = []
    for pairs in by_time.values():
        offset = candidates[0].learner % len(pairs)
        chosen.extend((pairs[offset:] + pairs[:offset])[:rooms])
    return chosen


def eligible(problem: Problem, per_learner: int | None = PER_LEARNER) -> Eligibility:
    """Every (learner, slot) the rules allow, with its overtime and releases, and the release limits.

    Each learner keeps their `per_learner` cheapest slots (see `_cheapest`; None keeps all); `reachable`
    still counts every learner with any allowed slot, so the bound built on it stays valid."""
    needs = _Needs(problem)
    heads = Headcount(problem)
    result = Eligibility(headcount=heads)
    surplus_cache: dict = {}
    # Slots at one time in different rooms are alike for a learner: check each time once.
    times: dict[tuple[dt.datetime, dt.datetime], list[int]] = defaultdict(list)
    for si, slot in enumerate(problem.slots):
        if slot.end <= problem.deadline:
            times[(slot.start, slot.end)].append(si)
    for li, learner in enumerate(problem.learners):
        # A learner's shifts and rests by the dates they touch: a slot checks only those of its dates.
        near: dict[dt.date, list] = defaultdict(list)
        for duty in learner.duties:
            for day in {duty.start.date(), duty.end.date()}:
                near[day].append(duty)
            if duty.night:
                rest_end = duty.end + problem.rest_after_night
                for day in {duty.end.date(), rest_end.date()}:
                    near[day].append((duty.end, rest_end))
        blocked_by_release = False
        candidates: list[Pair] = []
        for (start, end), same_time in times.items():
            first, last = start.date(), end.date()
            around = near.get(first, []) + (near.get(last, []) if last != first else [])
            if any(isinstance(d, tuple) and start < d[1] and end > d[0] for d in around):
                continue
            releases = []
            on_duty = 0
            ok = True
            for duty in {d for d in around if not isinstance(d, tuple)}:
                a, b = max(duty.start, start), min(duty.end, end)
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
            overtime = max(0, minutes(end - start) - on_duty)
            candidates.extend(Pair(li, si, overtime, tuple(releases)) for si in same_time)
        if not candidates:
            result.no_pair[learner.id] = Reason.RELEASE if blocked_by_release else Reason.NO_TIME
            continue
        result.reachable.add(li)
        result.pairs.extend(_cheapest(candidates, problem, per_learner))
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
