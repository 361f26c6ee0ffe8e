"""The planner's plain inputs and outputs: no database, no Django, so the solver, the greedy baselines,
the independent checker and the benchmarks all take the same things.

Times are aware datetimes (UTC). A learner's shifts are also among `Problem.staffed` (everyone on duty
on the units concerned): releasing a learner from a shift lowers that count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

REST_AFTER_NIGHT = dt.timedelta(hours=8)


@dataclass(frozen=True)
class Duty:
    """A learner's scheduled shift."""

    unit_id: int
    job_role_id: int
    start: dt.datetime
    end: dt.datetime
    night: bool = False


@dataclass(frozen=True)
class Learner:
    id: int
    unit_id: int
    job_role_id: int
    duties: tuple[Duty, ...] = ()
    weight: int = 1  # the campaign's priority weight
    sessions_needed: int = 1


@dataclass(frozen=True)
class Slot:
    """A room at a time, from which the planner may open a session (an existing session is a slot too:
    `existing`, its capacity the seats still free; it needs no instructor from the pool, and filling it
    opens no new session)."""

    id: Hashable
    room: str
    start: dt.datetime
    end: dt.datetime
    capacity: int
    day: dt.date  # the local day, for "one session a day"
    existing: bool = False


@dataclass(frozen=True)
class Instructor:
    id: Hashable
    available: tuple[tuple[dt.datetime, dt.datetime], ...]

    def free_for(self, start: dt.datetime, end: dt.datetime) -> bool:
        return any(a <= start and end <= b for a, b in self.available)


@dataclass(frozen=True)
class Need:
    """At least `minimum` staff counting toward `job_role_id` on `unit_id` from start to end."""

    unit_id: int
    job_role_id: int
    start: dt.datetime
    end: dt.datetime
    minimum: int


@dataclass(frozen=True)
class OnDuty:
    """Anyone on duty on a unit: the coverage count's input."""

    unit_id: int
    job_role_id: int
    start: dt.datetime
    end: dt.datetime
    person_id: int | None = None


@dataclass
class Problem:
    learners: list[Learner]
    slots: list[Slot]
    instructors: list[Instructor]
    needs: list[Need]
    staffed: list[OnDuty]
    counts_toward: Mapping[int, frozenset[int]]
    deadline: dt.datetime
    instructors_per_session: int = 1
    rest_after_night: dt.timedelta = REST_AFTER_NIGHT

    def toward(self, role_id: int) -> frozenset[int]:
        return self.counts_toward.get(role_id, frozenset({role_id}))


@dataclass
class Session:
    slot: Slot
    learner_ids: list[int]
    instructor_ids: list[Hashable]


class Reason:
    NO_TIME = "no free time before the deadline"
    SEATS = "all seats full"
    RELEASE = "the unit cannot release them"


@dataclass
class Plan:
    """A chosen set of sessions with the proof of how good it is."""

    sessions: list[Session] = field(default_factory=list)
    status: str = ""
    objective: float = 0  # weighted learners trained
    solver_bound: float = 0  # the solver's proven bound on that objective
    trained: int = 0
    learners: int = 0
    bound: int = 0  # the tightest valid bound on learners trained (see `tightest_bound`)
    overtime_minutes: int = 0
    released_minutes: int = 0
    seconds: float = 0.0
    unplanned: dict[int, str] = field(default_factory=dict)  # learner id -> reason
    stages: list[dict] = field(default_factory=list)

    @property
    def share_of_bound(self) -> float:
        return round(100 * self.trained / self.bound, 1) if self.bound else 100.0

    @property
    def gap(self) -> float:
        """Relative gap of the first objective: 0 when proven optimal."""
        return (
            round((self.solver_bound - self.objective) / self.solver_bound, 4) if self.solver_bound else 0.0
        )

    def attending(self) -> dict[int, list[Session]]:
        found: dict[int, list[Session]] = {}
        for session in self.sessions:
            for learner_id in session.learner_ids:
                found.setdefault(learner_id, []).append(session)
        return found
