"""Two baselines the benchmark sets beside CP-SAT, on the same inputs.

- `first_come`: self-registration as it happens today: learners in random order each take the earliest
  session with a seat that keeps their rest after a night and one session a day, on duty or not, without
  asking whether their unit can spare them.
- `greedy`: the same rules as the model (`eligibility`), learners with the fewest options first, each
  taking the open-able slot with the least overtime, then the earliest, while every unit keeps its minimum.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from bedside.planner.eligibility import Eligibility, eligible
from bedside.planner.inputs import Plan, Problem, Session


class _Rooms:
    """Opening sessions: a room free, and enough free instructors."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.sessions: dict[int, Session] = {}
        self.busy_rooms: dict[str, list] = defaultdict(list)
        self.busy_teachers: dict[object, list] = defaultdict(list)

    def seat(self, si: int) -> bool:
        """Whether slot `si` has a seat (opening it if need be)."""
        slot = self.problem.slots[si]
        if si in self.sessions:
            return len(self.sessions[si].learner_ids) < slot.capacity
        if slot.capacity < 1 or any(s < slot.end and slot.start < e for s, e in self.busy_rooms[slot.room]):
            return False
        if slot.existing:  # staffed already
            self.sessions[si] = Session(slot, [], [])
            self.busy_rooms[slot.room].append((slot.start, slot.end))
            return True
        free = [
            t.id
            for t in self.problem.instructors
            if t.free_for(slot.start, slot.end)
            and not any(s < slot.end and slot.start < e for s, e in self.busy_teachers[t.id])
        ]
        need = self.problem.instructors_per_session
        if len(free) < need:
            return False
        self.sessions[si] = Session(slot, [], free[:need])
        self.busy_rooms[slot.room].append((slot.start, slot.end))
        for teacher in free[:need]:
            self.busy_teachers[teacher].append((slot.start, slot.end))
        return True

    def close_empty(self) -> list[Session]:
        return [s for _, s in sorted(self.sessions.items()) if s.learner_ids]


def first_come(problem: Problem, seed: int = 7) -> Plan:
    began = time.perf_counter()
    rng = random.Random(seed)
    order = list(problem.learners)
    rng.shuffle(order)
    by_start = sorted(range(len(problem.slots)), key=lambda si: (problem.slots[si].start, si))
    rooms = _Rooms(problem)
    trained = 0
    for learner in order:
        rests = [(d.end, d.end + problem.rest_after_night) for d in learner.duties if d.night]
        days, taken = set(), []
        for si in by_start:
            slot = problem.slots[si]
            if len(taken) == learner.sessions_needed:
                break
            if slot.end > problem.deadline or slot.day in days:
                continue
            if any(slot.start < b and slot.end > a for a, b in rests):
                continue
            if rooms.seat(si):
                taken.append(si)
                days.add(slot.day)
        if len(taken) == learner.sessions_needed:
            for si in taken:
                rooms.sessions[si].learner_ids.append(learner.id)
            trained += 1
    return _finish(problem, rooms, trained, began)


def greedy(problem: Problem, found: Eligibility | None = None) -> Plan:
    began = time.perf_counter()
    found = found or eligible(problem)
    by_learner = defaultdict(list)
    for pi, pair in enumerate(found.pairs):
        by_learner[pair.learner].append(pi)
    room_left = {i: limit.most for i, limit in enumerate(found.limits)}
    limits_of = defaultdict(list)
    for i, limit in enumerate(found.limits):
        for pi in limit.pairs:
            limits_of[pi].append(i)
    rooms = _Rooms(problem)
    trained = 0
    order = sorted(by_learner, key=lambda li: (len(by_learner[li]), li))
    for li in order:
        learner = problem.learners[li]
        options = sorted(
            by_learner[li],
            key=lambda pi: (found.pairs[pi].overtime, problem.slots[found.pairs[pi].slot].start),
        )
        days, taken = set(), []
        for pi in options:
            if len(taken) == learner.sessions_needed:
                break
            si = found.pairs[pi].slot
            if problem.slots[si].day in days or any(room_left[i] <= 0 for i in limits_of[pi]):
                continue
            if rooms.seat(si):
                taken.append(pi)
                days.add(problem.slots[si].day)
                for i in limits_of[pi]:
                    room_left[i] -= 1
        if len(taken) == learner.sessions_needed:
            for pi in taken:
                rooms.sessions[found.pairs[pi].slot].learner_ids.append(learner.id)
            trained += 1
        else:
            for pi in taken:  # give back what a partial choice held
                for i in limits_of[pi]:
                    room_left[i] += 1
    return _finish(problem, rooms, trained, began)


def _finish(problem: Problem, rooms: _Rooms, trained: int, began: float) -> Plan:
    from bedside.planner.checks import overtime_minutes

    plan = Plan(
        sessions=rooms.close_empty(), status="GREEDY", trained=trained, learners=len(problem.learners)
    )
    plan.overtime_minutes = overtime_minutes(problem, plan)
    plan.seconds = round(time.perf_counter() - began, 2)
    return plan
