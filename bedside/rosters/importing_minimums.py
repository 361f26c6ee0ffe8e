"""Staffing minimums from a file: check every row, plan the changes, write them.

Columns:

    unit_code      required; a unit's code in Bedside
    job_role_code  required; a job role's code in Bedside, e.g. RN
    weekday        Mon ... Sun (or Monday ... Sunday); empty: every day from valid_from to valid_until
    valid_from     YYYY-MM-DD, the first day the minimum holds; empty: already (required without a weekday)
    valid_until    YYYY-MM-DD, the last day it holds; empty: until replaced (required without a weekday)
    start          local wall-clock time at the unit's site, HH:MM (e.g. 07:00)
    end            HH:MM; not after start means the next morning (19:00 to 07:00)
    minimum        whole number of staff, 0 or more, at most the unit's staff who count toward the role
    optimal        optional; whole number, at least the minimum

A row is matched by (unit, role, weekday or none, start, valid_from): matched rows are
updated, new ones added, stored minimums the file does not list are kept (minimums change
week to week: a file for next week adds rows valid from next Monday). The same file twice
changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from bedside.audit.services import audit_bulk
from bedside.people.models import JobRole, Unit, active_jobs
from bedside.rosters.coverage import counts_toward
from bedside.rosters.importing_files import Codes, RowError, Table, parse_date, text
from bedside.rosters.models import StaffingMinimum

REQUIRED = ("unit_code", "job_role_code", "start", "end", "minimum")
OPTIONAL = ("weekday", "valid_from", "valid_until", "optimal")
PROGRESS_EVERY = 500
COLUMN_HELP = (
    ("unit_code", True, "A unit's code in Bedside."),
    ("job_role_code", True, "A job role's code in Bedside, e.g. RN."),
    ("weekday", False, "Mon ... Sun; empty: every day from valid_from to valid_until."),
    ("valid_from", False, "YYYY-MM-DD, first day it holds (needed without a weekday)."),
    ("valid_until", False, "YYYY-MM-DD, last day it holds (needed without a weekday)."),
    ("start", True, "Local time at the unit's site, HH:MM, e.g. 07:00."),
    ("end", True, "HH:MM; not after start means the next morning (19:00 to 07:00)."),
    ("minimum", True, "Whole number of staff, at most the unit's staff who count toward the role."),
    ("optimal", False, "Whole number of staff wanted, at least the minimum."),
)
WEEKDAYS = {
    **{name.lower(): i for i, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))},
    **{
        name.lower(): i
        for i, name in enumerate(
            ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        )
    },
}
FIELDS = ("end_time", "minimum", "optimal", "valid_until")


@dataclass
class MinimumLine:
    line: int
    unit: Unit
    job_role_id: int
    job_role_code: str
    weekday: int | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    start_time: dt.time
    end_time: dt.time
    minimum: int
    optimal: int | None

    @property
    def key(self) -> tuple:
        return (self.unit.pk, self.job_role_id, self.weekday, self.start_time, self.valid_from)


@dataclass
class MinimumsPlan:
    new_rows: list[StaffingMinimum] = field(default_factory=list)
    updates: list[tuple[StaffingMinimum, dict]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "minimums_created": len(self.new_rows),
            "minimums_updated": len(self.updates),
            "minimums_unchanged": self.unchanged,
        }


def parse_time(value: Any, column: str) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    raw = text(value)
    try:
        parsed = dt.time.fromisoformat(raw if len(raw) != 4 else "0" + raw)
    except ValueError:
        raise ValueError(f"{column} “{raw}” is not a time; write it as HH:MM, e.g. 07:00 or 19:00.") from None
    if parsed.second or parsed.microsecond or parsed.tzinfo:
        raise ValueError(f"{column} “{raw}” must be a wall-clock time in whole minutes, e.g. 07:00.")
    return parsed


def parse_count(value: Any, column: str) -> int:
    raw = text(value)
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    if not raw.isdigit() or int(raw) > 10_000:
        raise ValueError(f"{column} “{raw}” must be a whole number of staff, 0 or more, e.g. 4.")
    return int(raw)


def _check_row(
    line: int, values: dict, units: Codes, roles: Codes, problems: list[str]
) -> MinimumLine | None:
    def cell(column: str) -> Any:
        return values.get(column, "")

    unit_code, role_code = text(cell("unit_code")), text(cell("job_role_code"))
    unit = units.get(unit_code) if unit_code else None
    role_id = roles.get(role_code) if role_code else None
    if not unit_code:
        problems.append("unit_code is empty.")
    elif unit is None:
        problems.append(f"unit_code “{unit_code}” is not a unit in Bedside.")
    if not role_code:
        problems.append("job_role_code is empty.")
    elif role_id is None:
        problems.append(f"job_role_code “{role_code}” is not a job role in Bedside.")
    parsed: dict[str, Any] = {}
    for column, parse, required in (
        ("start", parse_time, True),
        ("end", parse_time, True),
        ("minimum", parse_count, True),
        ("optimal", parse_count, False),
        ("valid_from", parse_date, False),
        ("valid_until", parse_date, False),
    ):
        raw = cell(column)
        if raw == "" or raw is None:
            if required:
                problems.append(f"{column} is empty.")
            parsed[column] = None
            continue
        try:
            parsed[column] = parse(raw, column)
        except ValueError as exc:
            problems.append(str(exc))
            parsed[column] = None
    weekday_raw = text(cell("weekday")).strip()
    weekday = None
    if weekday_raw:
        weekday = WEEKDAYS.get(weekday_raw.lower())
        if weekday is None:
            problems.append(f"weekday “{weekday_raw}” must be a day's name, Mon to Sun.")
    elif (parsed["valid_from"] is None or parsed["valid_until"] is None) and not any(
        p.startswith("valid_") for p in problems
    ):
        problems.append(
            "Give a weekday, or both valid_from and valid_until for a minimum that holds every day between them."
        )
    if parsed["valid_from"] and parsed["valid_until"] and parsed["valid_until"] < parsed["valid_from"]:
        problems.append(f"valid_until {parsed['valid_until']} is before valid_from {parsed['valid_from']}.")
    if parsed["start"] is not None and parsed["start"] == parsed["end"]:
        problems.append("start and end are the same time; a window of 24 hours is two windows of 12.")
    if (
        parsed["optimal"] is not None
        and parsed["minimum"] is not None
        and parsed["optimal"] < parsed["minimum"]
    ):
        problems.append(f"optimal {parsed['optimal']} is below the minimum {parsed['minimum']}.")
    if problems:
        return None
    return MinimumLine(
        line=line,
        unit=unit,
        job_role_id=role_id,
        job_role_code=role_code,
        weekday=weekday,
        valid_from=parsed["valid_from"],
        valid_until=parsed["valid_until"],
        start_time=parsed["start"],
        end_time=parsed["end"],
        minimum=parsed["minimum"],
        optimal=parsed["optimal"],
    )


def check_rows(
    table: Table, *, progress: Callable[[int, int], None] | None = None, today: dt.date | None = None
) -> tuple[list[MinimumLine], list[RowError]]:
    """Check every row on its own, against the other rows and against the units' headcount; reads only."""
    units = Codes((u.code, u) for u in Unit.objects.select_related("site"))
    roles = Codes(JobRole.objects.values_list("code", "pk"))
    errors: list[RowError] = []
    good: list[MinimumLine] = []
    seen: dict[tuple, int] = {}
    for index, (line, values) in enumerate(table.rows, start=1):
        problems: list[str] = []
        entry = _check_row(line, values, units, roles, problems)
        if entry is not None:
            first = seen.setdefault(entry.key, line)
            if first != line:
                problems.append(
                    f"Line {first} already gives this window ({entry.unit.code} {entry.job_role_code}, "
                    "same day, start and valid_from)."
                )
            else:
                good.append(entry)
        errors.extend(RowError(line, p) for p in problems)
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, len(table.rows))
    errors.extend(_beyond_headcount(good, today))
    return good, errors


def _beyond_headcount(lines: list[MinimumLine], today: dt.date | None) -> list[RowError]:
    """A minimum above the staff who hold a job on the unit in a role that counts toward it cannot be met."""
    if not lines:
        return []
    on = today or dt.date.today()
    toward = counts_toward()
    heads: dict[tuple[int, int], int] = {}
    rows = (
        active_jobs(on)
        .filter(unit_id__in={ln.unit.pk for ln in lines}, person__status="active")
        .values("unit_id", "job_role_id")
        .annotate(n=Count("person_id", distinct=True))
    )
    for row in rows:
        for covered in toward.get(row["job_role_id"], frozenset({row["job_role_id"]})):
            key = (row["unit_id"], covered)
            heads[key] = heads.get(key, 0) + row["n"]
    errors = []
    for ln in lines:
        staff = heads.get((ln.unit.pk, ln.job_role_id), 0)
        if ln.minimum > staff:
            errors.append(
                RowError(
                    ln.line,
                    f"minimum {ln.minimum} is more than the {staff} staff of {ln.unit.code} who count toward "
                    f"{ln.job_role_code}; check the number or the unit.",
                )
            )
    return errors


def plan(lines: list[MinimumLine]) -> MinimumsPlan:
    """What storing the checked lines would change."""
    result = MinimumsPlan()
    stored = {
        (r.unit_id, r.job_role_id, r.weekday, r.start_time, r.valid_from): r
        for r in StaffingMinimum.objects.filter(unit_id__in={ln.unit.pk for ln in lines})
    }
    for ln in lines:
        wanted = {
            "end_time": ln.end_time,
            "minimum": ln.minimum,
            "optimal": ln.optimal,
            "valid_until": ln.valid_until,
        }
        row = stored.get(ln.key)
        if row is None:
            result.new_rows.append(
                StaffingMinimum(
                    unit=ln.unit,
                    job_role_id=ln.job_role_id,
                    weekday=ln.weekday,
                    start_time=ln.start_time,
                    valid_from=ln.valid_from,
                    **wanted,
                )
            )
            continue
        changes = {k: (getattr(row, k), v) for k, v in wanted.items() if getattr(row, k) != v}
        if changes:
            result.updates.append((row, changes))
        else:
            result.unchanged += 1
    return result


def apply(planned: MinimumsPlan, *, actor) -> None:
    """Store the plan (inside the caller's transaction) and audit each row written."""
    created = StaffingMinimum.objects.bulk_create(planned.new_rows, batch_size=1000)
    if not all(r.pk for r in created):  # backends that do not return ids: read them back
        created = list(StaffingMinimum.objects.order_by("-pk")[: len(created)])
    for row, changes in planned.updates:
        for column, (_, new) in changes.items():
            setattr(row, column, new)
    if planned.updates:
        StaffingMinimum.objects.bulk_update([r for r, _ in planned.updates], list(FIELDS), batch_size=1000)

    def shown(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date | dt.time) else value

    audit_bulk(
        actor=actor,
        action="staffing_minimum.import",
        model=StaffingMinimum,
        targets=[
            *((r.pk, {"created": True, "minimum": r.minimum}) for r in created),
            *((r.pk, {k: [shown(a), shown(b)] for k, (a, b) in ch.items()}) for r, ch in planned.updates),
        ],
    )
