"""The CP-SAT planner on small problems whose best plan is known, checked by the independent checker."""

import datetime as dt

import pytest

from bedside.planner.checks import check, overtime_minutes
from bedside.planner.cpsat import Settings, solve
from bedside.planner.greedy import first_come, greedy
from bedside.planner.inputs import Duty, Instructor, Learner, Need, OnDuty, Problem, Reason, Slot
from bedside.planner.scenarios import scenario

UTC = dt.UTC
DAY = dt.date(2026, 12, 7)
FAST = Settings(time_limit=10, workers=1, seed=3)


def at(hour: int, day: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY + dt.timedelta(days=day), dt.time(), tzinfo=UTC) + dt.timedelta(hours=hour)


def slot(name, hour, day=0, capacity=10, room="Lab", hours=2):
    return Slot(name, room, at(hour, day), at(hour + hours, day), capacity, DAY + dt.timedelta(days=day))


def teachers(n=2, days=3):
    return [Instructor(f"t{i}", tuple((at(6, d), at(22, d)) for d in range(days))) for i in range(n)]


def day_shift(unit=1, day=0, role=1):
    return Duty(unit, role, at(7, day), at(19, day))


def problem(learners, slots, *, extra_staff=0, minimum=2, instructors=None, deadline_day=3, covers=None):
    """Unit 1's RNs on duty 07-19 on day 0: the learners on duty plus `extra_staff` others."""
    staffed = [OnDuty(1, d.job_role_id, d.start, d.end, lr.id) for lr in learners for d in lr.duties]
    staffed += [OnDuty(1, 1, at(7), at(19), 900 + n) for n in range(extra_staff)]
    return Problem(
        learners=learners,
        slots=slots,
        instructors=instructors if instructors is not None else teachers(),
        needs=[Need(1, 1, at(7, d), at(19, d), minimum) for d in range(3)],
        staffed=staffed,
        counts_toward=covers or {1: frozenset({1})},
        deadline=at(0, deadline_day),
    )


def test_on_duty_learners_leave_only_as_many_as_the_unit_can_spare():
    # Four RNs on duty, minimum two: two may be away at once, so two in the morning and two in the
    # afternoon, with no overtime; the off-duty slot next day is not needed.
    learners = [Learner(n, 1, 1, (day_shift(),)) for n in range(4)]
    p = problem(learners, [slot("am", 9), slot("pm", 13), slot("next", 9, day=1)])
    plan = solve(p, FAST)
    assert plan.trained == 4 and check(p, plan).total == 0
    assert sorted((s.slot.id, len(s.learner_ids)) for s in plan.sessions) == [("am", 2), ("pm", 2)]
    assert plan.overtime_minutes == overtime_minutes(p, plan) == 0
    one_slot = problem(learners, [slot("am", 9), slot("next", 9, day=1)])
    plan = solve(one_slot, FAST)
    assert plan.trained == 4 and check(one_slot, plan).total == 0
    assert plan.overtime_minutes == overtime_minutes(one_slot, plan) == 2 * 120  # two go off duty next day
    assert plan.bound == 4 and plan.status == "OPTIMAL"


def test_a_charge_nurse_counts_toward_the_rn_minimum_and_a_trainee_does_not():
    rn, cn, trainee = 1, 2, 3
    covers = {rn: frozenset({rn}), cn: frozenset({cn, rn}), trainee: frozenset({trainee})}
    learners = [Learner(1, 1, rn, (day_shift(),))]
    base = problem(learners, [slot("am", 9)], minimum=1, covers=covers, deadline_day=1)
    with_trainee = Problem(
        **{**vars(base), "staffed": [*base.staffed, OnDuty(1, trainee, at(7), at(19), 50)]}
    )
    assert solve(with_trainee, FAST).trained == 0  # the trainee does not keep the unit at its RN minimum
    with_charge = Problem(**{**vars(base), "staffed": [*base.staffed, OnDuty(1, cn, at(7), at(19), 51)]})
    assert solve(with_charge, FAST).trained == 1


def test_no_session_within_eight_hours_after_a_night_and_the_reasons_say_why():
    night = Duty(1, 1, at(19, -1), at(7), night=True)
    tired = Learner(1, 1, 1, (night,))
    blocked = Learner(2, 1, 1, (day_shift(),))  # on duty all day, unit cannot spare them
    p = problem([tired, blocked], [slot("am", 9)], deadline_day=1, extra_staff=0, minimum=1)
    plan = solve(p, FAST)
    assert plan.trained == 0
    assert plan.unplanned == {1: Reason.NO_TIME, 2: Reason.RELEASE}
    later = problem([tired], [slot("am", 9), slot("pm", 15)], deadline_day=1)
    assert [s.slot.id for s in solve(later, FAST).sessions] == ["pm"]


def test_seats_rooms_instructors_and_one_session_a_day_hold():
    learners = [Learner(n, 1, 1, (), sessions_needed=2) for n in range(5)]
    slots = [slot("a", 9, capacity=3), slot("b", 9, capacity=3, room="Hall"), slot("c", 13, capacity=3),
             slot("d", 9, day=1, capacity=3), slot("e", 9, day=1, capacity=2, room="Hall")]  # fmt: skip
    p = problem(learners, slots, instructors=teachers(1))
    plan = solve(p, FAST)
    # One instructor: a and b cannot both open; two sessions a day each at most... 5 learners need 2 days.
    assert check(p, plan).total == 0
    assert plan.trained == 3  # day 0 gives 3 seats in one session (a or b), day 1 three at most
    assert all(len({s.slot.day for s in mine}) == 2 for mine in plan.attending().values())
    assert set(plan.unplanned.values()) == {Reason.SEATS}


def test_nothing_after_the_deadline():
    p = problem([Learner(1, 1, 1, ())], [slot("late", 9, day=2)], deadline_day=2)
    plan = solve(p, FAST)
    assert plan.trained == 0 and plan.unplanned == {1: Reason.NO_TIME}


def test_the_plan_is_the_same_every_time():
    p = scenario(learners=40, days=5, roster_days=7, seed=4)
    first, second = solve(p, FAST), solve(p, FAST)
    assert [(s.slot.id, s.learner_ids) for s in first.sessions] == [
        (s.slot.id, s.learner_ids) for s in second.sessions
    ]


@pytest.mark.parametrize("seats", ["ample", "scarce"])
def test_a_generated_scenario_is_planned_without_violations_and_beats_the_baselines(seats):
    p = scenario(learners=80, days=7, roster_days=14, seed=2, seats=seats)
    plan = solve(p, Settings(time_limit=15, workers=1, seed=1))
    found = check(p, plan)
    assert found.total == 0, found.as_dict()
    assert plan.trained <= plan.bound <= plan.learners and plan.share_of_bound >= 98
    best_greedy = greedy(p)
    assert check(p, best_greedy).staffing == []
    assert plan.trained >= best_greedy.trained
    assert (plan.trained, -plan.overtime_minutes) >= (best_greedy.trained, -best_greedy.overtime_minutes)
    assert first_come(p).trained <= p.learners.__len__()


def test_the_checker_finds_a_unit_left_short():
    learners = [Learner(n, 1, 1, (day_shift(),)) for n in range(3)]
    p = problem(learners, [slot("am", 9)], minimum=2)
    rushed = first_come(p)  # everyone takes the first session, on duty
    assert rushed.trained == 3
    assert len(check(p, rushed).staffing) >= 1
