"""The CP-SAT model: choose which slots to open and who attends, in four lexicographic stages.

1. most learners trained, weighted by their campaign's priority;
2. fewest overtime minutes (time in a session outside the learner's shifts, paid extra);
3. fewest sessions opened (filling an existing session opens none);
4. fair release across units: the largest share of a unit's learners left untrained, as small as can be.

Each stage is solved with the earlier stages' results fixed as constraints, starting from the previous
stage's solution (a hint), within its share of the time limit. Deterministic for a given input, seed and
number of workers when every stage finishes (proves its optimum) before its limit; with one worker the
search is also repeatable when a limit stops it (`deterministic=True` limits by the solver's own
deterministic clock instead of the wall clock).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from bedside.planner.eligibility import Eligibility, eligible
from bedside.planner.greedy import greedy
from bedside.planner.inputs import Plan, Problem, Reason, Session

STAGES = ("trained", "overtime", "sessions", "fairness")
SHARE = {"trained": 0.55, "overtime": 0.2, "sessions": 0.15, "fairness": 0.1}


@dataclass(frozen=True)
class Settings:
    time_limit: float = 30.0  # seconds for all four stages together
    workers: int = 2
    seed: int = 7
    deterministic: bool = False  # limit by the solver's deterministic time (repeatable with one worker)


Progress = Callable[[str, dict], None]


def _overlap_groups(intervals: list[tuple[int, object, object]]) -> list[list[int]]:
    """Maximal sets of intervals (index, start, end) that all overlap at some moment (a sweep)."""
    points = sorted({start for _, start, _ in intervals})
    groups, seen = [], set()
    for moment in points:
        group = tuple(sorted(i for i, s, e in intervals if s <= moment < e))
        if len(group) > 1 and group not in seen:
            seen.add(group)
            groups.append(list(group))
    return groups


class Model:
    def __init__(self, problem: Problem, found: Eligibility):
        self.problem, self.found = problem, found
        m = self.model = cp_model.CpModel()
        slots, learners = problem.slots, problem.learners
        self.x = [m.new_bool_var(f"x{pi}") for pi in range(len(found.pairs))]
        self.open = [m.new_bool_var(f"open{si}") for si in range(len(slots))]
        self.trained = [m.new_bool_var(f"t{li}") for li in range(len(learners))]
        by_slot, by_learner = defaultdict(list), defaultdict(list)
        for pi, pair in enumerate(found.pairs):
            by_slot[pair.slot].append(pi)
            by_learner[pair.learner].append(pi)
            m.add_implication(self.x[pi], self.open[pair.slot])
        for si, slot in enumerate(slots):
            m.add(sum(self.x[pi] for pi in by_slot[si]) <= slot.capacity * self.open[si])
            if not by_slot[si]:
                m.add(self.open[si] == 0)
        for li, learner in enumerate(learners):
            pis = by_learner[li]
            m.add(sum(self.x[pi] for pi in pis) == learner.sessions_needed * self.trained[li])
            per_day = defaultdict(list)
            for pi in pis:
                per_day[slots[found.pairs[pi].slot].day].append(pi)
            for day_pis in per_day.values():
                if len(day_pis) > 1:
                    m.add_at_most_one(self.x[pi] for pi in day_pis)
        # One session at a time in a room.
        by_room = defaultdict(list)
        for si, slot in enumerate(slots):
            by_room[slot.room].append((si, slot.start, slot.end))
        for rows in by_room.values():
            for group in _overlap_groups(rows):
                m.add_at_most_one(self.open[si] for si in group)
        # Instructors: enough free ones for each open session, none in two places at once.
        need = problem.instructors_per_session
        self.teach: dict[tuple[int, int], cp_model.IntVar] = {}
        for ii, instructor in enumerate(problem.instructors):
            mine = []
            for si, slot in enumerate(slots):
                if by_slot[si] and not slot.existing and instructor.free_for(slot.start, slot.end):
                    self.teach[(ii, si)] = m.new_bool_var(f"y{ii}_{si}")
                    mine.append((si, slot.start, slot.end))
            for group in _overlap_groups(mine):
                m.add_at_most_one(self.teach[(ii, si)] for si in group)
        teachers_of = defaultdict(list)
        for (_, si), var in self.teach.items():
            teachers_of[si].append(var)
        for si, slot in enumerate(slots):
            if slot.existing:
                continue  # already staffed
            teachers = teachers_of[si]
            if teachers:
                m.add(sum(teachers) == need * self.open[si])
            else:
                m.add(self.open[si] == 0)
        # Each unit keeps its minimum: at most its surplus away at once.
        for limit in found.limits:
            m.add(sum(self.x[pi] for pi in limit.pairs) <= limit.most)
        self.terms = {
            "trained": sum(learner.weight * self.trained[li] for li, learner in enumerate(learners)),
            "overtime": sum(pair.overtime * self.x[pi] for pi, pair in enumerate(found.pairs)),
            "sessions": sum(var for var, slot in zip(self.open, slots, strict=True) if not slot.existing),
        }
        units = defaultdict(list)
        for li, learner in enumerate(learners):
            units[learner.unit_id].append(li)
        self.worst_share = m.new_int_var(0, 1000, "worst_untrained_share")
        for lis in units.values():
            # worst >= 1000 * untrained / n  <=>  worst * n >= 1000 * (n - trained)
            m.add(self.worst_share * len(lis) >= 1000 * (len(lis) - sum(self.trained[li] for li in lis)))
        self.terms["fairness"] = self.worst_share


def solve(problem: Problem, settings: Settings = Settings(), progress: Progress | None = None) -> Plan:
    """The best plan found within the time limit, with the proven bound and the reasons for the unplanned."""
    began = time.perf_counter()
    report = progress or (lambda stage, info: None)
    found = eligible(problem)
    model = Model(problem, found)
    plan = Plan(learners=len(problem.learners))
    # Start from the greedy plan: the solver never returns worse, and finds good plans sooner.
    values = _hint_from(greedy(problem, found), problem, model)
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = settings.seed
    solver.parameters.num_workers = settings.workers
    reachable = sum(problem.learners[li].weight for li in found.reachable)
    for stage in STAGES:
        term = model.terms[stage]
        m = model.model
        start_value = sum(lr.weight * values[model.trained[li]] for li, lr in enumerate(problem.learners))
        if stage == "trained" and start_value == reachable:
            # Everyone with any feasible slot is trained already: optimal by counting, nothing to search.
            plan.stages.append({"stage": stage, "status": "OPTIMAL", "value": reachable, "bound": reachable,
                                "seconds": 0.0, "proof": "every learner with a feasible slot is trained"})  # fmt: skip
            plan.objective = plan.solver_bound = reachable
            m.add(term >= reachable)
            continue
        if stage == "trained":
            m.maximize(term)
        else:
            m.minimize(term)
        m.clear_hints()
        for var, value in values.items():
            m.add_hint(var, value)
        # This stage's share of the time left (a stage that needed no search leaves its share to the rest).
        left = settings.time_limit - (time.perf_counter() - began)
        later = sum(SHARE[s] for s in STAGES[STAGES.index(stage) :])
        budget = max(0.2, left * SHARE[stage] / later)
        if settings.deterministic:
            solver.parameters.max_deterministic_time = budget
            solver.parameters.max_time_in_seconds = settings.time_limit * 4  # a guard only
        else:
            solver.parameters.max_time_in_seconds = budget
        report(stage, {"status": "solving", "seconds": round(time.perf_counter() - began, 1)})
        status = solver.solve(m)
        name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            plan.stages.append({"stage": stage, "status": name})
            if stage == "trained":  # no solution in time: the greedy start stands, with the solver's bound
                plan.objective = sum(
                    lr.weight * values[model.trained[li]] for li, lr in enumerate(problem.learners)
                )
                plan.solver_bound = round(solver.best_objective_bound) if status != cp_model.INFEASIBLE else 0
            break  # keep the previous stage's plan
        value = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        plan.stages.append({"stage": stage, "status": name, "value": value, "bound": bound,
                            "seconds": round(solver.wall_time, 2)})  # fmt: skip
        report(stage, {"status": name, "value": value, "bound": bound})
        values = _tidy({v: solver.value(v) for v in (*model.x, *model.open, *model.trained, *model.teach.values())},
                       model)  # fmt: skip
        if stage == "trained":
            plan.objective, plan.solver_bound = value, bound
            m.add(term >= value)  # later stages keep at least this many trained
        else:
            m.add(term <= value)
    plan.status = plan.stages[0]["status"]
    _read_plan(plan, problem, model, values)
    plan.bound = tightest_bound(problem, found, plan)
    plan.seconds = round(time.perf_counter() - began, 2)
    return plan


def _tidy(values: dict, model: Model) -> dict:
    """Close the slots nobody attends (earlier stages leave them open at no cost): a better next hint."""
    used = {pair.slot for var, pair in zip(model.x, model.found.pairs, strict=True) if values[var]}
    for si, var in enumerate(model.open):
        values[var] = int(si in used)
    for (_, si), var in model.teach.items():
        if si not in used:
            values[var] = 0
    return values


def _hint_from(start: Plan, problem: Problem, model: Model) -> dict:
    index = {slot.id: si for si, slot in enumerate(problem.slots)}
    learner_index = {lr.id: li for li, lr in enumerate(problem.learners)}
    teacher_index = {t.id: ii for ii, t in enumerate(problem.instructors)}
    taken = {(learner_index[lid], index[s.slot.id]) for s in start.sessions for lid in s.learner_ids}
    opened = {index[s.slot.id] for s in start.sessions}
    teaching = {(teacher_index[t], index[s.slot.id]) for s in start.sessions for t in s.instructor_ids}
    values = {
        var: int((pair.learner, pair.slot) in taken)
        for var, pair in zip(model.x, model.found.pairs, strict=True)
    }
    values.update({var: int(si in opened) for si, var in enumerate(model.open)})
    trained = {li for li, _ in taken}
    values.update({var: int(li in trained) for li, var in enumerate(model.trained)})
    values.update({var: int(key in teaching) for key, var in model.teach.items()})
    return values


def _read_plan(plan: Plan, problem: Problem, model: Model, values: dict) -> None:
    found = model.found
    chosen = [pair for pi, pair in enumerate(found.pairs) if values[model.x[pi]]]
    by_slot = defaultdict(list)
    for pair in chosen:
        by_slot[pair.slot].append(problem.learners[pair.learner].id)
    teachers = defaultdict(list)
    for (ii, si), var in model.teach.items():
        if values[var]:
            teachers[si].append(problem.instructors[ii].id)
    plan.sessions = [
        Session(problem.slots[si], sorted(ids), teachers[si]) for si, ids in sorted(by_slot.items())
    ]
    trained = {problem.learners[li].id for li, var in enumerate(model.trained) if values[var]}
    plan.trained = len(trained)
    plan.overtime_minutes = sum(p.overtime for p in chosen)
    plan.released_minutes = sum(
        int((problem.slots[p.slot].end - problem.slots[p.slot].start).total_seconds() // 60) - p.overtime
        for p in chosen
    )
    plan.unplanned = explain(problem, found, trained, plan)


def explain(problem: Problem, found: Eligibility, trained: set[int], plan: Plan) -> dict[int, str]:
    """Why each learner left out is: no slot at all (no free time before the deadline, or the unit cannot
    release them then), or, of the slots they could take, the open ones with a free seat are all during
    their shifts where the unit can spare no more (cannot release), or else every seat is taken."""
    index = {slot.id: si for si, slot in enumerate(problem.slots)}
    seats_left = {index[s.slot.id]: s.slot.capacity - len(s.learner_ids) for s in plan.sessions}
    by_learner = defaultdict(list)
    for pair in found.pairs:
        by_learner[pair.learner].append(pair)
    reasons = {}
    for li, learner in enumerate(problem.learners):
        if learner.id in trained:
            continue
        if learner.id in found.no_pair:
            reasons[learner.id] = found.no_pair[learner.id]
            continue
        free = [p for p in by_learner[li] if seats_left.get(p.slot, 0) > 0]
        reasons[learner.id] = Reason.RELEASE if free and all(p.on_duty for p in free) else Reason.SEATS
    return reasons


def tightest_bound(problem: Problem, found: Eligibility, plan: Plan) -> int:
    """The least valid upper bound on learners trained: the solver's (when all weights are equal), the
    learners with any feasible slot, and the seats of every slot before the deadline."""
    learners_with_slot = len(found.reachable)
    usable = [si for si, slot in enumerate(problem.slots) if slot.end <= problem.deadline]
    needed = min((lr.sessions_needed for lr in problem.learners), default=1) or 1
    seats = sum(problem.slots[si].capacity for si in usable) // needed
    bounds = [learners_with_slot, seats]
    weights = {lr.weight for lr in problem.learners}
    if len(weights) == 1 and plan.solver_bound:
        bounds.append(int(plan.solver_bound // next(iter(weights))))
    return max(plan.trained, min(bounds))
