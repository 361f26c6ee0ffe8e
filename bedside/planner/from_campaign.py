"""The planner's inputs for a campaign, read from the database: its open learners and their shifts, the
staffing of their units, the minimums, and candidate slots from the page's options plus the registered slot
sources (the existing sessions of the bundle's courses, with their free seats: `existing_sessions`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bedside.campaigns.models import Campaign
from bedside.campaigns.queries import campaign_progress
from bedside.people.models import Unit
from bedside.people.timezones import system_tz
from bedside.planner import seams
from bedside.planner.inputs import Duty, Instructor, Learner, Need, OnDuty, Problem, Slot
from bedside.rosters.coverage import counts_toward
from bedside.rosters.models import Shift, ShiftStatus
from bedside.rosters.staffing import minimums_between


@dataclass(frozen=True)
class Options:
    """What the educator offers: rooms (name, seats), daily start times, session length, instructors."""

    rooms: tuple[tuple[str, int], ...] = (("Simulation lab", 12),)
    times: tuple[dt.time, ...] = (dt.time(8), dt.time(10, 30), dt.time(13), dt.time(15, 30))
    minutes: int = 120
    instructors: int = 2
    teach_from: dt.time = dt.time(7)
    teach_until: dt.time = dt.time(19)
    time_limit: int = 60
    weekends: bool = False

    def as_json(self) -> dict:
        return {
            "rooms": [list(r) for r in self.rooms],
            "times": [t.strftime("%H:%M") for t in self.times],
            "minutes": self.minutes,
            "instructors": self.instructors,
            "teach_from": self.teach_from.strftime("%H:%M"),
            "teach_until": self.teach_until.strftime("%H:%M"),
            "time_limit": self.time_limit,
            "weekends": self.weekends,
        }

    @classmethod
    def from_json(cls, data: dict) -> Options:
        return cls(
            rooms=tuple((name, int(seats)) for name, seats in data["rooms"]),
            times=tuple(dt.time.fromisoformat(t) for t in data["times"]),
            minutes=int(data["minutes"]),
            instructors=int(data["instructors"]),
            teach_from=dt.time.fromisoformat(data["teach_from"]),
            teach_until=dt.time.fromisoformat(data["teach_until"]),
            time_limit=int(data["time_limit"]),
            weekends=bool(data.get("weekends", False)),
        )


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def campaign_problem(
    campaign: Campaign, options: Options, *, today: dt.date, now: dt.datetime | None = None
) -> Problem:
    """Learners: members on a unit with an item of the bundle still open. Days: from today (or the start)
    to the deadline, in the hospital's zone; sessions end before the end of the deadline day; none that
    begins before `now`."""
    tz = system_tz()
    first, last = max(today, campaign.starts_on), campaign.deadline
    progress = campaign_progress(campaign)
    open_members = [
        (person_id, unit_id, role_id)
        for person_id, unit_id, role_id in progress.members
        if unit_id and role_id and any(at is None for at in progress.status[person_id].values())
    ]
    window_start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), tzinfo=tz)
    deadline = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    unit_ids = sorted({u for _, u, _ in open_members})
    shifts = list(
        Shift.objects.filter(
            unit_id__in=unit_ids, status=ShiftStatus.SCHEDULED, start__lt=deadline, end__gt=window_start
        ).values_list("person_id", "unit_id", "job_role_id", "start", "end", "night")
    )
    duties: dict[int, list[Duty]] = {}
    for person_id, unit_id, role_id, start, end, night in shifts:
        duties.setdefault(person_id, []).append(Duty(unit_id, role_id, start, end, night))
    # A learner's shifts on other units count too (they are away from those).
    wanted = {p for p, _, _ in open_members} - set(duties)
    for person_id, unit_id, role_id, start, end, night in Shift.objects.filter(
        person_id__in=list(wanted), status=ShiftStatus.SCHEDULED, start__lt=deadline, end__gt=window_start
    ).values_list("person_id", "unit_id", "job_role_id", "start", "end", "night"):
        duties.setdefault(person_id, []).append(Duty(unit_id, role_id, start, end, night))
    learners = [
        Learner(person_id, unit_id, role_id, tuple(sorted(duties.get(person_id, []), key=lambda d: d.start)),
                weight=campaign.weight)
        for person_id, unit_id, role_id in open_members
    ]  # fmt: skip
    staffed = [OnDuty(u, r, s, e, p) for p, u, r, s, e, _ in shifts]
    units = list(Unit.objects.filter(pk__in=unit_ids).select_related("site"))
    needs = [Need(w.unit_id, w.job_role_id, w.start, w.end, w.minimum)
             for w in minimums_between(units, first - dt.timedelta(days=1), last)]  # fmt: skip
    days = [d for d in _days(first, last) if options.weekends or d.weekday() < 5]
    slots = []
    for day in days:
        for room, seats in options.rooms:
            for begin in options.times:
                start = dt.datetime.combine(day, begin, tzinfo=tz)
                end = start + dt.timedelta(minutes=options.minutes)
                if now is not None and start < now:
                    continue
                slots.append(Slot(f"{day:%Y%m%d}-{begin:%H%M}-{room}", room, start, end, seats, day))
    existing = [
        slot
        for source in seams.slot_sources()
        for slot in source(campaign, first, last)
        if (now is None or slot.start >= now) and slot.capacity > 0
    ]
    # A room an existing session holds is not free for a new one at the same time.
    taken = {}
    for slot in existing:
        taken.setdefault(slot.room.casefold(), []).append((slot.start, slot.end))
    slots = [
        s for s in slots if not any(a < s.end and s.start < b for a, b in taken.get(s.room.casefold(), ()))
    ]
    slots.extend(existing)
    instructors = [
        Instructor(
            f"Instructor {n + 1}",
            tuple(
                (
                    dt.datetime.combine(d, options.teach_from, tzinfo=tz),
                    dt.datetime.combine(d, options.teach_until, tzinfo=tz),
                )
                for d in days
            ),
        )
        for n in range(options.instructors)
    ]
    return Problem(
        learners=learners,
        slots=slots,
        instructors=instructors,
        needs=needs,
        staffed=staffed,
        counts_toward=counts_toward(),
        deadline=deadline,
    )
