"""The coverage count: how many staff count toward a role's minimum at each moment, and where it falls short.

Pure functions over plain shifts (`Staffed`) serve the coverage page and the planner alike;
`unit_coverage` reads one unit's day from the database. Which roles count toward which comes
from `RoleCover` (`counts_toward`): every role counts toward its own minimum, plus the roles
its cover rows name (a charge nurse toward RN); a trainee role without rows counts toward none
but its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bedside.people.models import Capability, JobRole, Unit
from bedside.rosters.models import RoleCover, Shift, ShiftStatus
from bedside.rosters.staffing import MinimumWindow, minimums_between

CountsToward = Mapping[int, frozenset[int]]
# Who looks at a unit's staffing: its managers, educators who plan training there, report readers.
COVERAGE = (Capability.MANAGE, Capability.TEACH, Capability.REPORT)
DENIED = "Staffing coverage is for unit managers, educators and report readers."
MISSING = "You can only see the staffing of your units: this unit is not one of them, or does not exist."


@dataclass(frozen=True)
class Staffed:
    """One person on duty: their role, from start to end (UTC)."""

    job_role_id: int
    start: dt.datetime
    end: dt.datetime
    person_id: int | None = None


@dataclass(frozen=True)
class Segment:
    start: dt.datetime
    end: dt.datetime
    count: int


def counts_toward() -> dict[int, frozenset[int]]:
    """{role id: the role ids it counts toward}, its own included (roles without cover rows: only its own)."""
    table: dict[int, set[int]] = {pk: {pk} for pk in JobRole.objects.values_list("pk", flat=True)}
    for role, covers in RoleCover.objects.values_list("job_role_id", "covers_id"):
        table.setdefault(role, {role}).add(covers)
    return {role: frozenset(covered) for role, covered in table.items()}


def counts_for(role_id: int, toward: CountsToward) -> frozenset[int]:
    return toward.get(role_id, frozenset({role_id}))


def profile(
    staffed: Iterable[Staffed], role_id: int, start: dt.datetime, end: dt.datetime, toward: CountsToward
) -> list[Segment]:
    """The count of staff counting toward `role_id` over [start, end), as segments of constant count."""
    events: dict[dt.datetime, int] = {start: 0, end: 0}
    for s in staffed:
        if role_id not in counts_for(s.job_role_id, toward) or s.end <= start or s.start >= end:
            continue
        a, b = max(s.start, start), min(s.end, end)
        events[a] = events.get(a, 0) + 1
        events[b] = events.get(b, 0) - 1
    moments = sorted(events)
    segments: list[Segment] = []
    count = 0
    for a, b in zip(moments, moments[1:], strict=False):
        count += events[a]
        if segments and segments[-1].count == count:
            segments[-1] = Segment(segments[-1].start, b, count)
        else:
            segments.append(Segment(a, b, count))
    return segments


def lowest(
    staffed: Iterable[Staffed], role_id: int, start: dt.datetime, end: dt.datetime, toward: CountsToward
) -> int:
    """The fewest staff counting toward the role at any moment of [start, end)."""
    return min((s.count for s in profile(staffed, role_id, start, end, toward)), default=0)


@dataclass
class WindowCoverage:
    """A minimum window of a unit's day, with who is scheduled against it."""

    window: MinimumWindow
    role: str
    role_name: str
    scheduled: int  # the lowest count over the window
    highest: int
    gaps: list[Segment] = field(default_factory=list)  # where the count is below the minimum

    @property
    def short(self) -> int:
        return max(0, self.window.minimum - self.scheduled)

    @property
    def met(self) -> bool:
        return not self.gaps


def window_coverage(
    windows: Iterable[MinimumWindow],
    staffed: list[Staffed],
    toward: CountsToward,
    roles: Mapping[int, JobRole],
) -> list[WindowCoverage]:
    """Each window against the staff who count toward its role, with its gaps."""
    result = []
    for w in sorted(windows, key=lambda w: (w.start, roles[w.job_role_id].code)):
        segments = profile(staffed, w.job_role_id, w.start, w.end, toward)
        counts = [s.count for s in segments] or [0]
        role = roles[w.job_role_id]
        result.append(
            WindowCoverage(
                window=w,
                role=role.code,
                role_name=role.name,
                scheduled=min(counts),
                highest=max(counts),
                gaps=[s for s in segments if s.count < w.minimum],
            )
        )
    return result


def staffed_between(unit_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[Staffed]:
    """Scheduled shifts on the units overlapping [start, end), as `Staffed` (one query)."""
    rows = Shift.objects.filter(
        unit_id__in=list(unit_ids), status=ShiftStatus.SCHEDULED, start__lt=end, end__gt=start
    ).values_list("unit_id", "job_role_id", "start", "end", "person_id")
    return [Staffed(role, a, b, person) for _, role, a, b, person in rows]


def unit_coverage(unit: Unit, day: dt.date) -> list[WindowCoverage]:
    """The unit's minimum windows beginning on local `day`, scheduled against minimum, with gaps."""
    windows = minimums_between([unit], day, day)
    if not windows:
        return []
    start = min(w.start for w in windows)
    end = max(w.end for w in windows)
    staffed = staffed_between([unit.pk], start, end)
    roles = JobRole.objects.in_bulk()
    return window_coverage(windows, staffed, counts_toward(), roles)
