"""Persons and their jobs from a roster file: check every row, plan the changes, write them in bulk.

One row per job; several rows with one employee id are that person's jobs, and
every row of one employee gives the same person details. Columns:

    employee_id    required; how a person is matched between imports, without regard
                   to case ("z20001" is "Z20001"); letters A-Z, digits and punctuation.
                   A new person's id is stored as the file spells it; a known
                   person keeps the spelling stored
    first_name     required
    last_name      required
    email          optional; stored lower-case; must be unique (any case). Left empty,
                   a new person has none (NULL) and a known person keeps theirs
    hire_date      required, YYYY-MM-DD
    status         active, leave or terminated (default active)
    unit_code      required; a unit's code in Bedside
    job_role_code  required; a job role's code in Bedside
    fte            above 0 and at most 1, two decimals at most (default 1.0)
    primary        yes or no (default yes); exactly one primary job per employee
    job_start      YYYY-MM-DD (default: hire_date for a person's first jobs; the day
                   of the import for a new job of someone who already has jobs)
    job_end        YYYY-MM-DD, optional

What an import does to a person in the file:
- a job is matched to a stored job of the person on the same unit with the same
  role (the one with the same job_start if given, else the open one); it is
  updated, or started when there is none;
- a stored open job that the file no longer lists is ended (never deleted): on
  the day before the person's new job starts (a transfer), else today;
- status terminated ends all the person's open jobs today (or on job_end).
Persons absent from the file are not touched: a file may hold part of the roster.

This module reads and checks the rows; `importing_persons_plan` works out and writes the changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from bedside.people.models import JobRole, PersonStatus, Unit
from bedside.rosters.importing_files import (
    Codes,
    RowError,
    Table,
    parse_date,
    parse_fte,
    parse_yes_no,
    text,
)

REQUIRED = ("employee_id", "first_name", "last_name", "hire_date", "unit_code", "job_role_code")
OPTIONAL = ("email", "status", "fte", "primary", "job_start", "job_end")
PROGRESS_EVERY = 500
# (column, required, what it holds): shown on the upload page.
COLUMN_HELP = (
    ("employee_id", True, "The person's employee id; how a person is matched between imports (any case)."),
    ("first_name", True, ""),
    ("last_name", True, ""),
    ("email", False, "Stored lower-case; unique. Empty: a new person has none, a known person keeps theirs."),
    ("hire_date", True, "YYYY-MM-DD, e.g. 2026-11-25."),
    ("status", False, "active, leave or terminated (default active). terminated ends every open job."),
    ("unit_code", True, "A unit's code in Bedside."),
    ("job_role_code", True, "A job role's code in Bedside, e.g. RN."),
    ("fte", False, "Above 0 and at most 1, e.g. 0.9 (default 1.0)."),
    ("primary", False, "yes or no (default yes); exactly one primary job per employee."),
    ("job_start", False, "YYYY-MM-DD; default hire_date, or the import day for a new job of a known person."),
    ("job_end", False, "YYYY-MM-DD; empty while the job lasts."),
)
PERSON_FIELDS = ("first_name", "last_name", "email", "hire_date", "status")
STATUSES = {s.value for s in PersonStatus}
EMPLOYEE_ID = re.compile(
    r"^[!-~]+$"
)  # as Person.employee_id's validator: ASCII, so any database folds its case


@dataclass
class JobLine:
    line: int
    unit_id: int
    role_id: int
    fte: Decimal
    primary: bool
    job_start: dt.date | None  # None when the file leaves it empty
    job_end: dt.date | None


@dataclass
class PersonEntry:
    employee_id: str
    line: int
    first_name: str
    last_name: str
    email: str | None
    hire_date: dt.date
    status: str
    jobs: list[JobLine] = field(default_factory=list)


def _person_part(v: dict, problems: list[str]) -> tuple[Any, ...] | None:
    employee_id = text(v.get("employee_id", ""))
    first_name = text(v.get("first_name", ""))
    last_name = text(v.get("last_name", ""))
    if not employee_id:
        problems.append("employee_id is empty; every row needs the person's employee id.")
    elif len(employee_id) > 40:
        problems.append(f"employee_id “{employee_id[:50]}” is longer than 40 characters.")
    elif not EMPLOYEE_ID.match(employee_id):
        problems.append(
            f"employee_id “{employee_id}” may hold letters A-Z, digits and punctuation only (no spaces or accents)."
        )
    for column, value in (("first_name", first_name), ("last_name", last_name)):
        if not value:
            problems.append(f"{column} is empty.")
        elif len(value) > 100:
            problems.append(f"{column} is longer than 100 characters.")
    email = text(v.get("email", "")).lower() or None
    if email is not None:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"email “{email}” is not an e-mail address.")
            email = None
    hire_raw = v.get("hire_date", "")
    hire_date = None
    if hire_raw == "":
        problems.append("hire_date is empty.")
    else:
        try:
            hire_date = parse_date(hire_raw, "hire_date")
        except ValueError as exc:
            problems.append(str(exc))
    status = text(v.get("status", "")).lower() or PersonStatus.ACTIVE.value
    if status not in STATUSES:
        problems.append(f"status “{text(v.get('status', ''))}” must be active, leave or terminated.")
    if problems:
        return None
    return employee_id, first_name, last_name, email, hire_date, status


def _job_part(v: dict, line: int, units: Codes, roles: Codes, problems: list[str]) -> JobLine | None:
    unit_code = text(v.get("unit_code", ""))
    role_code = text(v.get("job_role_code", ""))
    unit_id = units.get(unit_code) if unit_code else None
    role_id = roles.get(role_code) if role_code else None
    if not unit_code:
        problems.append("unit_code is empty.")
    elif unit_id is None:
        problems.append(f"unit_code “{unit_code}” is not a unit in Bedside.")
    if not role_code:
        problems.append("job_role_code is empty.")
    elif role_id is None:
        problems.append(f"job_role_code “{role_code}” is not a job role in Bedside.")
    values: dict[str, Any] = {"fte": Decimal("1.00"), "primary": True, "job_start": None, "job_end": None}
    for column, parse in (
        ("fte", parse_fte),
        ("primary", parse_yes_no),
        ("job_start", parse_date),
        ("job_end", parse_date),
    ):
        raw = v.get(column, "")
        if raw != "":
            try:
                values[column] = parse(raw, column)
            except ValueError as exc:
                problems.append(str(exc))
    start, end = values["job_start"], values["job_end"]
    if start and end and end < start:
        problems.append(f"job_end {end} is before job_start {start}.")
    if problems:
        return None
    return JobLine(line=line, unit_id=unit_id, role_id=role_id, **values)


def check_rows(
    table: Table, *, progress: Callable[[int, int], None] | None = None
) -> tuple[list[PersonEntry], list[RowError], set[str]]:
    """Check every row on its own and against the other rows of the file.

    Returns the persons whose rows are all good, every problem found, and the
    employee ids with a bad row (so the caller can leave them out of further checks).
    """
    units = Codes(Unit.objects.values_list("code", "pk"))
    roles = Codes(JobRole.objects.values_list("code", "pk"))
    errors: list[RowError] = []
    entries: dict[str, PersonEntry] = {}
    # An employee with a row that could not be read is not checked as a whole (e.g. for a primary job).
    bad: set[str] = {text(v.get("employee_id", "")).lower() for _, v in table.set_aside} - {""}
    job_lines: dict[tuple[str, int, int], int] = {}
    email_owner: dict[str, tuple[str, int]] = {}
    total = len(table.rows)
    for done, (line, v) in enumerate(table.rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
        problems: list[str] = []
        person = _person_part(v, problems)
        job = _job_part(v, line, units, roles, problems)
        employee_id = text(v.get("employee_id", ""))
        key = employee_id.lower()  # employee ids ignore case; the first spelling names the person
        if person is not None:
            employee_id, first_name, last_name, email, hire_date, status = person
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = PersonEntry(employee_id, line, *person[1:])
            else:
                for column, value in zip(PERSON_FIELDS, person[1:], strict=True):
                    stored = getattr(entry, column)
                    if value != stored:
                        problems.append(
                            f"employee {employee_id}: {column} “{value or ''}” differs from “{stored or ''}” "
                            f"on line {entry.line}; every row of one employee must give the same person details."
                        )
            if email is not None:
                owner = email_owner.setdefault(email, (employee_id, line))
                if owner[0].lower() != key:
                    problems.append(
                        f"email {email} is also given on line {owner[1]} for employee {owner[0]}."
                    )
        if job is not None and employee_id:
            first = job_lines.setdefault((key, job.unit_id, job.role_id), line)
            if first != line:
                problems.append(
                    f"employee {employee_id} already has a row for this unit and job role on line {first} "
                    "(duplicate employee id and job)."
                )
        if problems:
            errors.extend(RowError(line, p) for p in problems)
            if employee_id:
                bad.add(key)
        elif person is not None and job is not None:
            entries[key].jobs.append(job)
    for key, entry in entries.items():
        if key in bad:
            continue
        primaries = [j.line for j in entry.jobs if j.primary]
        if len(primaries) > 1:
            lines = ", ".join(str(n) for n in primaries)
            errors.append(
                RowError(
                    primaries[1],
                    f"employee {entry.employee_id} has more than one primary job (lines {lines}); "
                    "mark exactly one row primary=yes.",
                )
            )
            bad.add(key)
        elif not primaries:
            errors.append(
                RowError(
                    entry.line,
                    f"employee {entry.employee_id} has no primary job; mark exactly one row primary=yes.",
                )
            )
            bad.add(key)
    good = [e for key, e in entries.items() if key not in bad]
    return good, errors, bad
