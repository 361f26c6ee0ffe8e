"""Shifts from a roster file: check every row, plan the changes, write them in bulk.

Columns:

    source_id      optional; the scheduling system's id of the shift
    employee_id    required; a person already in Bedside
    unit_code      required; a unit's code in Bedside
    job_role_code  required; a job role's code in Bedside
    start          required; local wall-clock time in the unit's site time zone,
                   YYYY-MM-DD HH:MM (e.g. 2026-11-25 19:00). A time with an offset
                   (2026-11-25T19:00-05:00) is taken as written.
    end            required; as start, and after it (a night shift ends the next day)
    status         scheduled or cancelled (default scheduled)

A shift is matched by source_id when the row has one, else by (person, start).
The file replaces the schedule of each person in it between its earliest and
latest start: their scheduled shifts in that window that the file does not list
are cancelled (kept, for history). Persons absent from the file are not touched.
A scheduled shift needs the person to hold a job on its unit in its role on the
shift's (local) day, and may not overlap another of their scheduled shifts, in
the file or stored and kept by the import (`importing_shifts_checks`).
A shift is a night shift when it starts at or after 18:00 or before 06:00 local time.
Local times that do not exist or happen twice at a daylight-saving change are
read as the earlier offset (fold=0).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bedside.audit.services import audit_bulk
from bedside.people.models import JobRole, Person, Unit
from bedside.rosters import importing_shifts_checks as checks
from bedside.rosters.importing_files import (
    Codes,
    RowError,
    Table,
    chunks,
    parse_local_datetime,
    person_ids_ignoring_case,
    text,
    update_in_bulk,
)
from bedside.rosters.models import Shift, ShiftStatus

REQUIRED = ("employee_id", "unit_code", "job_role_code", "start", "end")
OPTIONAL = ("source_id", "status")
PROGRESS_EVERY = 500
# (column, required, what it holds): shown on the upload page.
COLUMN_HELP = (
    ("source_id", False, "The scheduling system's id of the shift; matched on when given."),
    (
        "employee_id",
        True,
        "A person already in Bedside, with a job on the unit in the role on the shift's day.",
    ),
    ("unit_code", True, "A unit's code in Bedside."),
    ("job_role_code", True, "A job role's code in Bedside, e.g. RN."),
    ("start", True, "Local time at the unit's site: YYYY-MM-DD HH:MM, e.g. 2026-11-25 19:00."),
    ("end", True, "As start, and after it: a night shift ends on the next day's date."),
    ("status", False, "scheduled or cancelled (default scheduled)."),
)
STATUSES = {s.value for s in ShiftStatus}
SHIFT_FIELDS = ("person_id", "unit_id", "job_role_id", "start", "end", "status", "night", "source_id")


@dataclass
class ShiftLine:
    line: int
    source_id: str | None
    person_id: int
    unit_id: int
    job_role_id: int
    start: dt.datetime  # UTC
    end: dt.datetime
    status: str
    night: bool
    employee_id: str = ""  # as the file gives it, to name the person in messages
    tz: dt.tzinfo = dt.UTC  # the unit's time zone, to show times as the file wrote them


@dataclass
class ShiftsPlan:
    new_shifts: list[Shift] = field(default_factory=list)
    updates: list[tuple[Shift, dict]] = field(default_factory=list)
    cancel: list[Shift] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)  # rows that overlap stored shifts

    @property
    def counts(self) -> dict[str, int]:
        return {
            "shifts_created": len(self.new_shifts),
            "shifts_updated": len(self.updates),
            "shifts_unchanged": self.unchanged,
            "shifts_cancelled": len(self.cancel),
        }


def is_night(local_start: dt.datetime) -> bool:
    return local_start.hour >= 18 or local_start.hour < 6


def _moment(raw: Any, column: str, tz: zoneinfo.ZoneInfo | None, problems: list[str]) -> dt.datetime | None:
    """(UTC time, local time) of a cell, or None with the problem noted."""
    if raw == "":
        problems.append(f"{column} is empty.")
        return None
    try:
        moment = parse_local_datetime(raw, column)
    except ValueError as exc:
        problems.append(str(exc))
        return None
    if moment.tzinfo is None:
        if tz is None:
            return None  # the unit is unknown; already reported
        moment = moment.replace(tzinfo=tz, fold=0)
    return moment


def check_rows(
    table: Table, *, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ShiftLine], list[RowError]]:
    """Check every row on its own and against the other rows of the file; reads, never writes."""
    units = Codes(
        (u.code, u) for u in Unit.objects.select_related("site").only("pk", "code", "site__time_zone")
    )
    roles = Codes(JobRole.objects.values_list("code", "pk"))
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    employee_ids = sorted({text(v.get("employee_id", "")) for _, v in table.rows} - {""})
    persons = person_ids_ignoring_case(employee_ids)  # by employee id in lower case: ids ignore case
    jobs = checks.job_dates(persons.values())
    errors: list[RowError] = []
    good: list[ShiftLine] = []
    by_source: dict[str, int] = {}
    by_start: dict[tuple[int, dt.datetime], int] = {}
    total = len(table.rows)
    for done, (line, v) in enumerate(table.rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
        problems: list[str] = []
        source_id = text(v.get("source_id", "")) or None
        if source_id and len(source_id) > 64:
            problems.append("source_id is longer than 64 characters.")
        employee_id = text(v.get("employee_id", ""))
        person_id = persons.get(employee_id.lower())
        if not employee_id:
            problems.append("employee_id is empty.")
        elif person_id is None:
            problems.append(f"employee_id “{employee_id}” is not a person in Bedside; import persons first.")
        unit = _known(v, "unit_code", units, "a unit", problems)
        role_id = _known(v, "job_role_code", roles, "a job role", problems)
        tz = None
        if unit is not None:
            name = unit.site.time_zone
            tz = zones.get(name) or zones.setdefault(name, zoneinfo.ZoneInfo(name))
        start = _moment(v.get("start", ""), "start", tz, problems)
        end = _moment(v.get("end", ""), "end", tz, problems)
        if start is not None and end is not None and end <= start:
            problems.append(
                f"end {text(v['end'])} is not after start {text(v['start'])}; "
                "a shift that runs past midnight ends on the next day's date."
            )
        status = text(v.get("status", "")).lower() or ShiftStatus.SCHEDULED.value
        if status not in STATUSES:
            problems.append(f"status “{text(v.get('status', ''))}” must be scheduled or cancelled.")
        if not problems:
            start_utc = start.astimezone(dt.UTC)
            if source_id:
                first = by_source.setdefault(source_id, line)
                if first != line:
                    problems.append(f"source_id {source_id} is also on line {first}.")
            first = by_start.setdefault((person_id, start_utc), line)
            if first != line:
                problems.append(
                    f"employee {employee_id} already has a shift starting {text(v['start'])} on line {first}."
                )
            if status == ShiftStatus.SCHEDULED:
                where = f"as {text(v['job_role_code'])} on unit {text(v['unit_code'])}"
                day = start.astimezone(tz).date()
                problem = checks.job_problem(
                    jobs,
                    person_id=person_id,
                    unit_id=unit.pk,
                    role_id=role_id,
                    day=day,
                    who=employee_id,
                    where=where,
                )
                if problem:
                    problems.append(problem)
        if problems:
            errors.extend(RowError(line, p) for p in problems)
            continue
        good.append(
            ShiftLine(
                line=line,
                source_id=source_id,
                person_id=person_id,
                unit_id=unit.pk,
                job_role_id=role_id,
                start=start_utc,
                end=end.astimezone(dt.UTC),
                status=status,
                night=is_night(start.astimezone(tz)),
                employee_id=employee_id,
                tz=tz,
            )
        )
    errors.extend(checks.overlaps_in_file(s for s in good if s.status == ShiftStatus.SCHEDULED))
    return good, errors


def plan(lines: list[ShiftLine]) -> ShiftsPlan:
    """Work out every change the file asks for against what is stored; writes nothing."""
    result = ShiftsPlan()
    if not lines:
        return result
    window = (min(s.start for s in lines), max(s.start for s in lines))
    only = ("pk", *SHIFT_FIELDS)
    stored_by_source: dict[str, Shift] = {}
    sources = [s.source_id for s in lines if s.source_id]
    for chunk in chunks(sources):
        stored_by_source.update(
            (s.source_id, s) for s in Shift.objects.filter(source_id__in=chunk).only(*only)
        )
    person_ids = sorted({s.person_id for s in lines})
    in_window: list[Shift] = []
    for chunk in chunks(person_ids):
        in_window.extend(
            Shift.objects.filter(person_id__in=chunk, start__gte=window[0], start__lte=window[1])
            .only(*only)
            .order_by("pk")
        )
    by_start: dict[tuple[int, dt.datetime], Shift] = {}
    for shift in in_window:
        key = (shift.person_id, shift.start)
        if key not in by_start or (by_start[key].source_id and not shift.source_id):
            by_start[key] = shift
    used: set[int] = set()
    for line in lines:
        shift = stored_by_source.get(line.source_id) if line.source_id else None
        if shift is None:
            candidate = by_start.get((line.person_id, line.start))
            if candidate is not None and (candidate.source_id is None or line.source_id is None):
                shift = candidate
        if shift is not None and shift.pk in used:
            shift = None
        wanted = {
            "person_id": line.person_id,
            "unit_id": line.unit_id,
            "job_role_id": line.job_role_id,
            "start": line.start,
            "end": line.end,
            "status": line.status,
            "night": line.night,
            "source_id": line.source_id,
        }
        if shift is None:
            result.new_shifts.append(Shift(**wanted))
            continue
        used.add(shift.pk)
        if line.source_id is None:
            wanted["source_id"] = shift.source_id  # a row without an id keeps the stored one
        diff = {k: (getattr(shift, k), v) for k, v in wanted.items() if getattr(shift, k) != v}
        if diff:
            result.updates.append((shift, diff))
        else:
            result.unchanged += 1
    result.cancel = [
        s
        for s in in_window
        if s.pk not in used and s.status == ShiftStatus.SCHEDULED and window[0] <= s.start <= window[1]
    ]
    # Stored shifts the import keeps as they are: outside the window, and not matched by a row.
    scheduled = [s for s in lines if s.status == ShiftStatus.SCHEDULED]
    if scheduled:
        around = checks.stored_around(
            sorted({s.person_id for s in scheduled}),
            min(s.start for s in scheduled),
            max(s.end for s in scheduled),
        )
        kept = [s for s in around if s.pk not in used and not (window[0] <= s.start <= window[1])]
        result.errors = checks.overlaps_with_stored(scheduled, kept)
    return result


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def apply(plan_: ShiftsPlan, *, actor: Person | None) -> set[int]:
    """Write the plan in bulk with its audit lines. Shifts change no one's jobs: returns no persons."""
    Shift.objects.bulk_create(plan_.new_shifts, batch_size=1000)
    update_in_bulk(Shift, plan_.updates)
    cancel_ids = [s.pk for s in plan_.cancel]
    for chunk in chunks(cancel_ids):
        Shift.objects.filter(pk__in=chunk, status=ShiftStatus.SCHEDULED).update(status=ShiftStatus.CANCELLED)
    audit_bulk(
        actor=actor,
        action="roster.shift.create",
        model=Shift,
        targets=((s.pk, {k: _jsonable(getattr(s, k)) for k in SHIFT_FIELDS}) for s in plan_.new_shifts),
    )
    audit_bulk(
        actor=actor,
        action="roster.shift.update",
        model=Shift,
        targets=(
            (s.pk, {k: [_jsonable(old), _jsonable(new)] for k, (old, new) in changes.items()})
            for s, changes in plan_.updates
        ),
    )
    audit_bulk(
        actor=actor,
        action="roster.shift.cancel",
        model=Shift,
        targets=(
            (pk, {"status": ["scheduled", "cancelled"], "reason": "not in roster file"}) for pk in cancel_ids
        ),
    )
    return set()


def _known(values: dict, column: str, table: dict, what: str, problems: list[str]):
    """The row's code looked up in `table`; a missing or unknown code adds a problem and gives None."""
    code = text(values.get(column, ""))
    if not code:
        problems.append(f"{column} is empty.")
        return None
    found = table.get(code)
    if found is None:
        problems.append(f"{column} “{code}” is not {what} in Bedside.")
    return found
