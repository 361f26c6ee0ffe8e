"""An independent checker of a plan: plain Python, sharing no code with the model or its eligibility.

It recounts from the inputs alone, moment by moment, so a bug in the model's pre-computation
cannot hide from it. Used by the tests and the benchmark to count violations of each rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bedside.planner.inputs import Plan, Problem


@dataclass
class Violations:
    capacity: list[str] = field(default_factory=list)
    room: list[str] = field(default_factory=list)
    instructors: list[str] = field(default_factory=list)
    deadline: list[str] = field(default_factory=list)
    one_a_day: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    staffing: list[str] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)  # the plan's own figures do not match

    @property
    def total(self) -> int:
        return sum(len(v) for v in vars(self).values())

    def as_dict(self) -> dict[str, int]:
        return {k: len(v) for k, v in vars(self).items()}


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def check(problem: Problem, plan: Plan) -> Violations:
    found = Violations()
    learners = {lr.id: lr for lr in problem.learners}
    sessions = plan.sessions
    for s in sessions:
        if len(s.learner_ids) > s.slot.capacity:
            found.capacity.append(f"{s.slot.id}: {len(s.learner_ids)} in {s.slot.capacity} seats")
        if s.slot.end > problem.deadline:
            found.deadline.append(f"{s.slot.id} ends after the deadline")
        if not s.slot.existing and len(set(s.instructor_ids)) < problem.instructors_per_session:
            found.instructors.append(f"{s.slot.id}: {len(set(s.instructor_ids))} instructors")
    for i, a in enumerate(sessions):
        for b in sessions[i + 1 :]:
            if _overlaps(a.slot.start, a.slot.end, b.slot.start, b.slot.end):
                if a.slot.room == b.slot.room:
                    found.room.append(f"{a.slot.id} and {b.slot.id} share {a.slot.room}")
                for teacher in set(a.instructor_ids) & set(b.instructor_ids):
                    found.instructors.append(f"{teacher} teaches {a.slot.id} and {b.slot.id} at once")
    teachers = {t.id: t for t in problem.instructors}
    for s in sessions:
        for teacher in s.instructor_ids:
            spans = teachers[teacher].available if teacher in teachers else ()
            if not any(a <= s.slot.start and s.slot.end <= b for a, b in spans):
                found.instructors.append(f"{teacher} is not available for {s.slot.id}")
    attending: dict[int, list] = defaultdict(list)
    for s in sessions:
        for learner_id in s.learner_ids:
            attending[learner_id].append(s)
    for learner_id, mine in attending.items():
        learner = learners[learner_id]
        for day, n in Counter(s.slot.day for s in mine).items():
            if n > 1:
                found.one_a_day.append(f"learner {learner_id}: {n} sessions on {day}")
        for duty in learner.duties:
            if not duty.night:
                continue
            for s in mine:
                if _overlaps(s.slot.start, s.slot.end, duty.end, duty.end + problem.rest_after_night):
                    found.rest.append(f"learner {learner_id}: {s.slot.id} within the rest after a night")
    found.staffing.extend(_staffing(problem, attending, learners))
    trained = sum(1 for lid, mine in attending.items() if len(mine) >= learners[lid].sessions_needed)
    if trained != plan.trained:
        found.counted.append(f"plan says {plan.trained} trained, sessions give {trained}")
    return found


def _staffing(problem: Problem, attending, learners) -> list[str]:
    """Every moment where a unit falls below a minimum and someone released from a shift there is why."""
    away = []  # (unit, role of the shift, start, end, learner)
    for learner_id, mine in attending.items():
        for duty in learners[learner_id].duties:
            for s in mine:
                start, end = max(duty.start, s.slot.start), min(duty.end, s.slot.end)
                if start < end:
                    away.append((duty.unit_id, duty.job_role_id, start, end, learner_id))
    problems = []
    for need in problem.needs:
        gone = [a for a in away if a[0] == need.unit_id and need.job_role_id in problem.toward(a[1])
                and _overlaps(a[2], a[3], need.start, need.end)]  # fmt: skip
        if not gone:
            continue
        moments = sorted({need.start, *(t for a in gone for t in (a[2], a[3]) if need.start <= t < need.end)})
        for moment in moments:
            present = sum(
                1
                for s in problem.staffed
                if s.unit_id == need.unit_id and need.job_role_id in problem.toward(s.job_role_id)
                and s.start <= moment < s.end
            )  # fmt: skip
            released = [a for a in gone if a[2] <= moment < a[3]]
            if released and present - len(released) < need.minimum:
                problems.append(
                    f"unit {need.unit_id} role {need.job_role_id} at {moment:%Y-%m-%d %H:%M}: "
                    f"{present} on duty, {len(released)} in training, minimum {need.minimum}"
                )
    return problems


def overtime_minutes(problem: Problem, plan: Plan) -> int:
    """Minutes of sessions outside each attendee's shifts, recounted from the inputs."""
    learners = {lr.id: lr for lr in problem.learners}
    total = 0
    for s in plan.sessions:
        length = (s.slot.end - s.slot.start) // dt.timedelta(minutes=1)
        for learner_id in s.learner_ids:
            inside = sum(
                max(dt.timedelta(0), min(d.end, s.slot.end) - max(d.start, s.slot.start))
                // dt.timedelta(minutes=1)
                for d in learners[learner_id].duties
            )
            total += length - inside
    return total
