"""Synthetic planning problems for tests and the benchmark: units of nurses on 12-hour day and night
shifts (three a week), a minimum per shift window a little under the usual headcount, charge nurses who
count toward the RN minimum, rooms with sessions at fixed times each day, instructors on weekdays.

Deterministic for a seed. `seats="ample"` leaves rooms and instructors to spare, so that staffing
minimums, rest after nights and overtime are what bind; `seats="scarce"` makes seats the limit.
"""

from __future__ import annotations

import datetime as dt
import random

from bedside.planner.inputs import Duty, Instructor, Learner, Need, OnDuty, Problem, Slot

RN, CN = 1, 2
UTC = dt.UTC


def scenario(
    *,
    learners: int = 60,
    days: int = 14,
    roster_days: int = 28,
    seed: int = 1,
    seats: str = "ample",
    start: dt.date = dt.date(2026, 12, 7),
    session_hours: int = 2,
    weight: int = 9,
) -> Problem:
    rng = random.Random(seed)
    per_unit = 40
    units = max(1, round(learners / per_unit))
    staffed: list[OnDuty] = []
    people: list[Learner] = []
    needs: list[Need] = []
    first = dt.datetime.combine(start, dt.time(), tzinfo=UTC)
    for unit in range(1, units + 1):
        mine: list[OnDuty] = []
        # Each nurse works three 12-hour shifts a week, day or night by preference; two charge nurses per unit.
        for n in range(per_unit):
            role = CN if n < 2 else RN
            nights = rng.random() < 0.4
            duties = []
            for week in range((roster_days + 6) // 7):
                for day in sorted(rng.sample(range(7), 3)):
                    offset = week * 7 + day
                    if offset >= roster_days:
                        continue
                    begin = first + dt.timedelta(days=offset, hours=19 if nights else 7)
                    duties.append(Duty(unit, role, begin, begin + dt.timedelta(hours=12), night=nights))
            person = unit * 1000 + n
            mine.extend(OnDuty(unit, role, d.start, d.end, person) for d in duties)
            if len(people) < learners:
                people.append(Learner(person, unit, role, tuple(duties), weight=weight))
        # The minimum: a little under the headcount a window usually has (40 nurses x 3/7, day or night).
        for offset in range(roster_days):
            for hour in (7, 19):
                begin = first + dt.timedelta(days=offset, hours=hour)
                end = begin + dt.timedelta(hours=12)
                here = sum(1 for s in mine if s.start <= begin and s.end >= end)
                needs.append(Need(unit, RN, begin, end, max(1, here - 2 - rng.randint(0, 2))))
        staffed.extend(mine)
    rooms = max(1, learners // 120) if seats == "ample" else max(1, learners // 600)
    capacity = 12 if seats == "ample" else 8
    slots = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        for room in range(rooms):
            for hour in (8, 10, 13, 15, 17):
                begin = dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)
                slots.append(Slot(f"d{offset}r{room}h{hour}", f"Room {room + 1}", begin,
                                  begin + dt.timedelta(hours=session_hours), capacity, day))  # fmt: skip
    teachers = rooms + 1 if seats == "ample" else rooms
    instructors = [
        Instructor(
            f"i{t}",
            tuple(
                (
                    dt.datetime.combine(start + dt.timedelta(days=o), dt.time(7), tzinfo=UTC),
                    dt.datetime.combine(start + dt.timedelta(days=o), dt.time(20), tzinfo=UTC),
                )
                for o in range(days)
            ),
        )
        for t in range(teachers)
    ]
    return Problem(
        learners=people,
        slots=slots,
        instructors=instructors,
        needs=needs,
        staffed=staffed,
        counts_toward={RN: frozenset({RN}), CN: frozenset({CN, RN})},
        deadline=first + dt.timedelta(days=days),
    )
