"""Checks of a shifts file against the person's jobs and bookings: no one is booked twice at once,
and no one works a shift on a unit, in a role, where they hold no job that day.

Only scheduled shifts are checked (a cancelled shift books no one). Two shifts
overlap when one starts before the other ends; one ending as the next begins
(07:00-19:00, then 19:00-07:00) is fine.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from bedside.people.models import Job
from bedside.rosters.importing_files import RowError, chunks
from bedside.rosters.models import Shift, ShiftStatus

JobDates = dict[tuple[int, int, int], list[tuple[dt.date, dt.date | None]]]


class Booking(Protocol):
    """What the checks need of a checked row (a ShiftLine): who, when (UTC), and how to name it."""

    line: int
    person_id: int
    employee_id: str
    start: dt.datetime
    end: dt.datetime
    tz: dt.tzinfo


def job_dates(person_ids: Iterable[int]) -> JobDates:
    """The dates of every job of these persons, by (person, unit, job role)."""
    found: JobDates = defaultdict(list)
    for chunk in chunks(sorted(set(person_ids))):
        rows = Job.objects.filter(person_id__in=chunk).values_list(
            "person_id", "unit_id", "job_role_id", "start_date", "end_date"
        )
        for person_id, unit_id, role_id, start, end in rows:
            found[(person_id, unit_id, role_id)].append((start, end))
    return found


def job_problem(
    jobs: JobDates, *, person_id: int, unit_id: int, role_id: int, day: dt.date, who: str, where: str
) -> str | None:
    """Why the person cannot work this shift (no job on the unit in the role on `day`), or None."""
    for start, end in jobs.get((person_id, unit_id, role_id), ()):
        if start <= day and (end is None or day <= end):
            return None
    return (
        f"employee {who} holds no job {where} on {day.isoformat()}; a shift needs a job on that unit "
        "in that role on its day (import the job first, or correct the unit or role)."
    )


def _span(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> str:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    last = (
        local_end.strftime("%H:%M")
        if local_end.date() == local_start.date()
        else f"{local_end:%Y-%m-%d %H:%M}"
    )
    return f"{local_start:%Y-%m-%d %H:%M} to {last}"


def overlaps_in_file(bookings: Iterable[Booking]) -> list[RowError]:
    """Each row that overlaps an earlier-starting row of the same person in the file."""
    errors: list[RowError] = []
    by_person: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_person[booking.person_id].append(booking)
    for rows in by_person.values():
        rows.sort(key=lambda b: (b.start, b.line))
        latest: Booking | None = None  # the row reaching furthest so far
        for booking in rows:
            if latest is not None and booking.start < latest.end and booking.start != latest.start:
                errors.append(
                    RowError(
                        booking.line,
                        f"employee {booking.employee_id} is already booked "
                        f"{_span(latest.start, latest.end, latest.tz)} on line {latest.line}; "
                        "a person cannot work two shifts at once.",
                    )
                )
            if latest is None or booking.end > latest.end:
                latest = booking
    return errors


def overlaps_with_stored(bookings: Iterable[Booking], stored: list[Shift]) -> list[RowError]:
    """Each row that overlaps a stored scheduled shift the import keeps (neither replaces nor cancels)."""
    errors: list[RowError] = []
    by_person: dict[int, list[Shift]] = defaultdict(list)
    for shift in stored:
        by_person[shift.person_id].append(shift)
    for booking in bookings:
        for shift in by_person.get(booking.person_id, ()):
            if booking.start < shift.end and shift.start < booking.end:
                tz = zoneinfo.ZoneInfo(shift.unit.site.time_zone)
                errors.append(
                    RowError(
                        booking.line,
                        f"employee {booking.employee_id} already has a shift in Bedside "
                        f"{_span(shift.start, shift.end, tz)} on unit {shift.unit.code} that this one overlaps; "
                        "a person cannot work two shifts at once (cancel one of them).",
                    )
                )
                break
    return errors


def stored_around(person_ids: list[int], start: dt.datetime, end: dt.datetime) -> list[Shift]:
    """The persons' scheduled shifts that overlap [start, end), with their unit's code and time zone."""
    found: list[Shift] = []
    for chunk in chunks(person_ids):
        found.extend(
            Shift.objects.filter(
                person_id__in=chunk, status=ShiftStatus.SCHEDULED, start__lt=end, end__gt=start
            )
            .select_related("unit__site")
            .only("pk", "person_id", "start", "end", "unit__code", "unit__site__time_zone")
        )
    return found
