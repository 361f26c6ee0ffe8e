"""What a checked persons file changes, worked out against what is stored, then written in bulk.

The rules (matching jobs, ending jobs, terminations) are described in `importing_persons`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models.functions import Lower

from bedside.audit.services import audit_bulk
from bedside.core.bulkcopy import insert_objects
from bedside.people.models import Job, Person, PersonStatus
from bedside.rosters.importing_files import RowError, chunks, person_ids_ignoring_case, update_in_bulk
from bedside.rosters.importing_persons import PERSON_FIELDS, JobLine, PersonEntry


@dataclass
class PersonsPlan:
    new_persons: list[Person] = field(default_factory=list)
    person_updates: list[tuple[Person, dict]] = field(default_factory=list)
    new_jobs: list[tuple[Job, Person]] = field(default_factory=list)
    job_updates: list[tuple[Job, dict, str]] = field(default_factory=list)  # (job, changes, "update"|"end")
    changed_person_ids: set[int] = field(default_factory=set)
    unchanged_persons: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "persons_created": len(self.new_persons),
            "persons_updated": len(self.person_updates),
            "persons_unchanged": self.unchanged_persons,
            "jobs_started": len(self.new_jobs),
            "jobs_updated": sum(1 for _, _, action in self.job_updates if action == "update"),
            "jobs_ended": sum(1 for _, _, action in self.job_updates if action == "end"),
        }


def _pick(jobs: list[Job], line: JobLine, used: set[int], today: dt.date, terminated: bool) -> Job | None:
    """The stored job a file row describes: same unit and role; same start, else open, else (leavers) latest."""
    same = [
        j for j in jobs if j.pk not in used and j.unit_id == line.unit_id and j.job_role_id == line.role_id
    ]
    if not same:
        return None
    if line.job_start is not None:
        for j in same:
            if j.start_date == line.job_start:
                return j
    current = [j for j in same if j.end_date is None or j.end_date >= today]
    if current:
        return min(current, key=lambda j: (j.end_date is not None, -j.start_date.toordinal(), j.pk))
    if terminated:
        return max(same, key=lambda j: (j.start_date, j.pk))
    return None


def plan(
    entries: list[PersonEntry], *, today: dt.date, errors_only: bool = False
) -> tuple[PersonsPlan, list[RowError]]:
    """Work out every change the file asks for against what is stored; writes nothing.

    `errors_only` skips building the rows to write when only the problems are wanted.
    """
    result = PersonsPlan()
    errors: list[RowError] = []
    pks = person_ids_ignoring_case(e.employee_id for e in entries)
    existing: dict[str, Person] = {}  # by employee id in lower case: ids ignore case
    for chunk in chunks(sorted(pks.values())):
        for person in Person.objects.filter(pk__in=chunk).only("pk", "employee_id", *PERSON_FIELDS):
            existing[person.employee_id.lower()] = person
    jobs_of: dict[int, list[Job]] = defaultdict(list)
    pks = [p.pk for p in existing.values()]
    for chunk in chunks(pks):
        for job in Job.objects.filter(person_id__in=chunk).order_by("pk"):
            jobs_of[job.person_id].append(job)
    email_holder: dict[str, tuple[int, str | None]] = {}
    emails = sorted({e.email for e in entries if e.email})
    for chunk in chunks(emails):
        rows = (
            Person.objects.annotate(email_ci=Lower("email"))
            .filter(email_ci__in=chunk)
            .values_list("email_ci", "pk", "employee_id")
        )
        email_holder.update((email, (pk, eid)) for email, pk, eid in rows)

    for entry in entries:
        person = existing.get(entry.employee_id.lower())
        holder = email_holder.get(entry.email) if entry.email else None
        if holder is not None and (person is None or holder[0] != person.pk):
            who = f"employee id {holder[1]}" if holder[1] else "an account without an employee id"
            errors.append(
                RowError(entry.line, f"email {entry.email} already belongs to another person ({who}).")
            )
            continue
        terminated = entry.status == PersonStatus.TERMINATED
        if person is None:
            _plan_new_person(entry, today, terminated, result, errors, errors_only)
        else:
            _plan_known_person(entry, person, jobs_of[person.pk], today, terminated, result, errors)
    return result, errors


def _plan_new_person(
    entry: PersonEntry,
    today: dt.date,
    terminated: bool,
    result: PersonsPlan,
    errors: list[RowError],
    errors_only: bool,
) -> None:
    dates = []
    for line in entry.jobs:
        start = line.job_start or entry.hire_date
        end = line.job_end or (max(start, today) if terminated else None)
        if end is not None and end < start:
            errors.append(
                RowError(line.line, f"job_end {end} is before the job's start {start} (hire_date).")
            )
            return
        dates.append((start, end))
    if errors_only:
        return
    person = Person(
        employee_id=entry.employee_id,
        first_name=entry.first_name,
        last_name=entry.last_name,
        email=entry.email,
        hire_date=entry.hire_date,
        status=entry.status,
        # What make_password(None) makes, in one random draw: 50,000 of those are 4 s faster.
        password=UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20),
    )
    result.new_persons.append(person)
    for line, (start, end) in zip(entry.jobs, dates, strict=True):
        result.new_jobs.append((_new_job(line, start, end), person))


def _new_job(line, start: dt.date, end: dt.date | None, person: Person | None = None) -> Job:
    """A job from a file line; the person is set here or, for new persons, once they are saved."""
    return Job(
        person=person,
        unit_id=line.unit_id,
        job_role_id=line.role_id,
        fte=line.fte,
        primary=line.primary,
        start_date=start,
        end_date=end,
    )


def _plan_known_person(
    entry: PersonEntry,
    person: Person,
    jobs: list[Job],
    today: dt.date,
    terminated: bool,
    result: PersonsPlan,
    errors: list[RowError],
) -> None:
    changes: dict[str, tuple[Any, Any]] = {}
    for column in PERSON_FIELDS:
        new = getattr(entry, column)
        if column == "email" and new is None:
            continue  # an empty e-mail keeps the one a person has
        old = getattr(person, column)
        if new != old:
            changes[column] = (old, new)
    used: set[int] = set()
    new_jobs: list[Job] = []
    updates: list[tuple[Job, dict, str]] = []
    for line in entry.jobs:
        job = _pick(jobs, line, used, today, terminated)
        if job is None:
            default_start = entry.hire_date if (not jobs or terminated) else today
            start = line.job_start or default_start
            end = line.job_end or (max(start, today) if terminated else None)
            if end is not None and end < start:
                errors.append(RowError(line.line, f"job_end {end} is before the job's start {start}."))
                return
            new_jobs.append(_new_job(line, start, end, person=person))
            continue
        used.add(job.pk)
        start = line.job_start or job.start_date
        if line.job_end is not None:
            end = line.job_end
        elif terminated:
            end = job.end_date if job.end_date and job.end_date <= today else max(start, today)
        else:
            end = None
        if end is not None and end < start:
            errors.append(
                RowError(line.line, f"job_end {end} is before the job's start {start} stored in Bedside.")
            )
            return
        wanted = {"fte": line.fte, "primary": line.primary, "start_date": start, "end_date": end}
        diff = {k: (getattr(job, k), v) for k, v in wanted.items() if getattr(job, k) != v}
        if diff:
            action = "end" if job.end_date is None and end is not None else "update"
            updates.append((job, diff, action))
    first_new_start = min((j.start_date for j in new_jobs), default=None)
    for job in jobs:
        if job.pk in used:
            continue
        if terminated:
            if job.end_date is not None and job.end_date <= today:
                continue
            end = max(job.start_date, today)
        else:
            end = first_new_start - dt.timedelta(days=1) if first_new_start else today
            end = max(job.start_date, end)
            if job.end_date is not None and job.end_date <= end:
                continue  # already ends (or ended) by then
            # A job ending later than the file allows would leave two current primary jobs.
        updates.append((job, {"end_date": (job.end_date, end)}, "end"))

    if changes:
        result.person_updates.append((person, changes))
    result.new_jobs.extend((j, person) for j in new_jobs)
    result.job_updates.extend(updates)
    if new_jobs or updates or {"status", "hire_date"} & changes.keys():
        result.changed_person_ids.add(person.pk)
    if not (changes or new_jobs or updates):
        result.unchanged_persons += 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def _diff(changes: dict) -> dict:
    return {k: [_jsonable(old), _jsonable(new)] for k, (old, new) in changes.items()}


def _create(objs: list) -> None:
    """Tens of thousands of new rows: COPY on PostgreSQL, one executemany on SQLite (see insert_objects)."""
    insert_objects(objs)


def apply(plan_: PersonsPlan, *, actor: Person | None) -> set[int]:
    """Write the plan in bulk with its audit lines; returns the persons whose jobs or status changed."""
    _create(plan_.new_persons)
    update_in_bulk(Person, plan_.person_updates)
    new_jobs = []
    for job, person in plan_.new_jobs:
        job.person_id = person.pk  # new persons have their ids now
        new_jobs.append(job)
    _create(new_jobs)
    update_in_bulk(Job, [(job, changes) for job, changes, _ in plan_.job_updates])

    audit_bulk(
        actor=actor,
        action="roster.person.create",
        model=Person,
        targets=(
            (p.pk, {c: _jsonable(getattr(p, c)) for c in ("employee_id", *PERSON_FIELDS)})
            for p in plan_.new_persons
        ),
    )
    audit_bulk(
        actor=actor,
        action="roster.person.update",
        model=Person,
        targets=((p.pk, _diff(changes)) for p, changes in plan_.person_updates),
    )
    audit_bulk(
        actor=actor,
        action="roster.job.start",
        model=Job,
        targets=(
            (
                j.pk,
                {
                    "person": j.person_id,
                    "unit": j.unit_id,
                    "job_role": j.job_role_id,
                    "fte": str(j.fte),
                    "primary": j.primary,
                    "start_date": _jsonable(j.start_date),
                    "end_date": _jsonable(j.end_date),
                },
            )
            for j in new_jobs
        ),
    )
    for action in ("update", "end"):
        audit_bulk(
            actor=actor,
            action=f"roster.job.{action}",
            model=Job,
            targets=((j.pk, _diff(changes)) for j, changes, a in plan_.job_updates if a == action),
        )
    return plan_.changed_person_ids | {p.pk for p in plan_.new_persons}
