"""Roster import: persons with their jobs, or shifts, from a CSV (UTF-8) or XLSX file.

All or nothing per file: every row is checked first and, if any row is bad,
nothing is stored and every bad row is reported with its line number and why.
Imports are idempotent: the same file twice changes nothing the second time.
After a successful import the roster-change hooks (`bedside.people.hooks`) are
called for every person who is new or whose jobs or status changed, so that
assignments follow hires, transfers and leavers.

The columns of each kind are described in `importing_persons` and
`importing_shifts` (and on the upload page). A file's kind is worked out from
its columns when not given: `start` and `end` make a shifts file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.people import hooks
from bedside.people.models import Job, Person
from bedside.rosters import importing_minimums, importing_persons, importing_persons_plan, importing_shifts
from bedside.rosters.importing_files import FileProblem, RowError, Table, read_table
from bedside.rosters.models import ImportKind, ImportPhase, ImportStatus, RosterImport, Shift

log = logging.getLogger(__name__)

# progress(phase, done, total): "reading" (done = rows read so far, total 0), "checking" (rows checked of
# all), "saving" (only when storing; never in a dry run).
Progress = Callable[[str, int, int], None]
STATISTICS_AFTER_ROWS = 1000

COLUMNS = {
    ImportKind.PERSONS: (importing_persons.REQUIRED, importing_persons.OPTIONAL),
    ImportKind.SHIFTS: (importing_shifts.REQUIRED, importing_shifts.OPTIONAL),
    ImportKind.MINIMUMS: (importing_minimums.REQUIRED, importing_minimums.OPTIONAL),
}
COUNT_LABELS = {
    "persons_created": "Persons added",
    "persons_updated": "Persons updated",
    "persons_unchanged": "Persons unchanged",
    "jobs_started": "Jobs started",
    "jobs_updated": "Jobs updated",
    "jobs_ended": "Jobs ended",
    "shifts_created": "Shifts added",
    "shifts_updated": "Shifts updated",
    "shifts_unchanged": "Shifts unchanged",
    "shifts_cancelled": "Shifts cancelled (no longer in the schedule)",
    "minimums_created": "Staffing minimums added",
    "minimums_updated": "Staffing minimums updated",
    "minimums_unchanged": "Staffing minimums unchanged",
}


@dataclass
class ImportResult:
    ok: bool
    kind: str = ""
    dry_run: bool = False
    rows: int = 0
    errors: list[dict] = field(default_factory=list)  # {"line": int | None, "message": str}
    counts: dict[str, int] = field(default_factory=dict)
    changed_person_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "counts": self.counts,
            "changed_persons": len(self.changed_person_ids),
            "warnings": self.warnings,
        }


def infer_kind(columns: list[str]) -> str | None:
    names = set(columns)
    if "minimum" in names:
        return ImportKind.MINIMUMS.value
    if {"start", "end"} & names:
        return ImportKind.SHIFTS.value
    if {"first_name", "last_name", "hire_date"} & names:
        return ImportKind.PERSONS.value
    return None


def _failed(errors: list[RowError], **kwargs) -> ImportResult:
    ordered = sorted(errors, key=lambda e: (e.line is not None, e.line or 0))
    return ImportResult(ok=False, errors=[e.as_dict() for e in ordered], **kwargs)


def roster_import(
    *,
    path_or_file: str | Path | IO[bytes],
    kind: str | None = None,
    dry_run: bool = False,
    actor: Person | None = None,
    progress: Progress | None = None,
    name: str = "",
) -> ImportResult:
    """Import one roster file, all or nothing; with `dry_run`, report what would change and write nothing.

    `kind` is "persons" or "shifts" (worked out from the columns when None);
    `progress(phase, done, total)` is called as the file is read, every 500 rows while rows are
    checked, and once before anything is saved (see `Progress`).
    """
    report = progress or (lambda phase, done, total: None)
    report(ImportPhase.READING, 0, 0)
    try:
        table = read_table(path_or_file, name=name, rows_read=lambda n: report(ImportPhase.READING, n, 0))
    except FileProblem as problem:
        return _failed([problem.error], kind=kind or "", dry_run=dry_run)
    kind = kind or infer_kind(table.columns)
    rows = table.size
    if kind not in COLUMNS:
        message = (
            "Cannot tell whether this is a persons, a shifts or a staffing minimums file from its columns. "
            f"A persons file needs {', '.join(importing_persons.REQUIRED)}; a shifts file needs "
            f"{', '.join(importing_shifts.REQUIRED)}; a minimums file needs "
            f"{', '.join(importing_minimums.REQUIRED)}."
        )
        return _failed([RowError(1, message)], dry_run=dry_run, rows=rows)
    required, _ = COLUMNS[kind]
    missing = [c for c in required if c not in table.columns]
    if missing:
        plural = "columns" if len(missing) > 1 else "column"
        message = f"The file has no {', '.join(missing)} {plural}; a {kind} file needs {', '.join(required)}."
        return _failed([RowError(1, message)], kind=kind, dry_run=dry_run, rows=rows)
    common = {"kind": kind, "dry_run": dry_run, "rows": rows}
    report(ImportPhase.CHECKING, 0, rows)
    if kind == ImportKind.PERSONS:
        result = _import_persons(table, actor=actor, report=report, common=common)
    elif kind == ImportKind.MINIMUMS:
        result = _import_minimums(table, actor=actor, report=report, common=common)
    else:
        result = _import_shifts(table, actor=actor, report=report, common=common)
    if result.ok and not dry_run:
        _notify(result)
    return result


def _checked(report: Progress, rows: int) -> Callable[[int, int], None]:
    """The check's progress(done, total) as the checking phase over every row of the file."""
    return lambda done, _total: report(ImportPhase.CHECKING, min(done, rows), rows)


def _import_persons(table: Table, *, actor: Person | None, report: Progress, common: dict) -> ImportResult:
    today = timezone.localdate()
    rows = common["rows"]
    entries, errors, _ = importing_persons.check_rows(table, progress=_checked(report, rows))
    report(ImportPhase.CHECKING, rows, rows)
    errors = table.errors + errors
    if errors:
        # Name every bad row at once, including conflicts with what is stored.
        _, more = importing_persons_plan.plan(entries, today=today, errors_only=True)
        return _failed(errors + more, **common)
    if common["dry_run"]:
        planned, errors = importing_persons_plan.plan(entries, today=today)
        return _failed(errors, **common) if errors else ImportResult(ok=True, counts=planned.counts, **common)
    try:
        with transaction.atomic():
            planned, errors = importing_persons_plan.plan(entries, today=today)
            if errors:
                return _failed(errors, **common)
            report(ImportPhase.SAVING, rows, rows)
            changed = importing_persons_plan.apply(planned, actor=actor)
    except IntegrityError as exc:
        return _conflict(exc, common)
    result = ImportResult(ok=True, counts=planned.counts, changed_person_ids=sorted(changed), **common)
    _refresh_statistics(result, (Person, Job))
    return result


def _import_shifts(table: Table, *, actor: Person | None, report: Progress, common: dict) -> ImportResult:
    rows = common["rows"]
    lines, errors = importing_shifts.check_rows(table, progress=_checked(report, rows))
    report(ImportPhase.CHECKING, rows, rows)
    errors = table.errors + errors
    if errors:
        return _failed(errors, **common)
    if common["dry_run"]:
        planned = importing_shifts.plan(lines)
        if planned.errors:
            return _failed(planned.errors, **common)
        return ImportResult(ok=True, counts=planned.counts, **common)
    try:
        with transaction.atomic():
            planned = importing_shifts.plan(lines)
            if planned.errors:
                return _failed(planned.errors, **common)
            report(ImportPhase.SAVING, rows, rows)
            importing_shifts.apply(planned, actor=actor)
    except IntegrityError as exc:
        return _conflict(exc, common)
    result = ImportResult(ok=True, counts=planned.counts, **common)
    _refresh_statistics(result, (Shift,))
    return result


def _import_minimums(table: Table, *, actor: Person | None, report: Progress, common: dict) -> ImportResult:
    rows = common["rows"]
    lines, errors = importing_minimums.check_rows(
        table, progress=_checked(report, rows), today=timezone.localdate()
    )
    report(ImportPhase.CHECKING, rows, rows)
    errors = table.errors + errors
    if errors:
        return _failed(errors, **common)
    if common["dry_run"]:
        return ImportResult(ok=True, counts=importing_minimums.plan(lines).counts, **common)
    try:
        with transaction.atomic():
            planned = importing_minimums.plan(lines)
            report(ImportPhase.SAVING, rows, rows)
            importing_minimums.apply(planned, actor=actor)
    except IntegrityError as exc:
        return _conflict(exc, common)
    return ImportResult(ok=True, counts=planned.counts, **common)


def _conflict(exc: Exception, common: dict) -> ImportResult:
    log.warning("roster import conflict", exc_info=exc)
    message = (
        "Nothing was stored: the roster changed in Bedside while this file was being imported "
        f"({exc}). Run the import again."
    )
    return _failed([RowError(None, message)], **common)


def _refresh_statistics(result: ImportResult, models: tuple) -> None:
    """After a large load, refresh the planner's statistics of the tables it filled.

    Without them SQLite picks poor plans for the re-application that follows (audience
    membership scanned a whole unit's jobs per person: minutes instead of a second).
    """
    written = sum(v for k, v in result.counts.items() if not k.endswith("_unchanged"))
    if written < STATISTICS_AFTER_ROWS or connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _notify(result: ImportResult) -> None:
    """Tell the apps above (assignments) whose roster changed; the import itself is already stored."""
    if not result.changed_person_ids:
        return
    try:
        hooks.roster_changed(result.changed_person_ids)
    except Exception as exc:  # the import is committed; a failing listener must not report it as failed
        log.exception("roster-change hook failed after import")
        result.warnings.append(
            f"The roster was stored, but re-applying training assignments failed ({exc}); "
            "the nightly rule run will create missing ones."
        )


@transaction.atomic
def roster_import_queue(*, upload: File, kind: str, dry_run: bool, actor: Person) -> RosterImport:
    """Store an uploaded roster file and queue its import, which starts once this is committed.

    Only an administrator may: the roster decides everyone's jobs, and so their access.
    """
    from bedside.people import access
    from bedside.rosters.tasks import run_roster_import  # tasks import this module

    access.require(access.is_admin(actor), "Only administrators can import the roster.")

    job = RosterImport.objects.create(
        kind=kind,
        file_name=Path(upload.name or "roster").name[:255],
        file=upload,
        dry_run=dry_run,
        uploaded_by=actor,
    )
    audit(
        actor=actor,
        action="roster.import.queue",
        target=job,
        changes={"file_name": job.file_name, "kind": kind, "dry_run": dry_run},
    )
    transaction.on_commit(lambda: run_roster_import.enqueue(job.pk))
    return job


def record_progress(rows, *, phase: str, done: int, total: int) -> None:
    """Where a running import is, for its page to poll (committed at once: the job runs outside a transaction)."""
    rows.update(phase=phase, rows_done=done, rows_total=total)


def roster_import_run(*, roster_import_id: int) -> dict:
    """Run a queued RosterImport (the background job), recording progress, errors and counts on the row.

    A row already started or finished is left alone, so a job delivered twice runs once.
    """
    claimed = RosterImport.objects.filter(pk=roster_import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return {"skipped": True}
    job = RosterImport.objects.select_related("uploaded_by").get(pk=roster_import_id)
    rows = RosterImport.objects.filter(pk=roster_import_id)

    def progress(phase: str, done: int, total: int) -> None:
        record_progress(rows, phase=phase, done=done, total=total)

    try:
        with job.file.open("rb") as handle:
            result = roster_import(
                path_or_file=handle,
                kind=job.kind or None,
                dry_run=job.dry_run,
                actor=job.uploaded_by,
                progress=progress,
                name=job.file_name,
            )
    except Exception as exc:
        rows.update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            errors=[{"line": None, "message": f"The import stopped unexpectedly: {exc}"}],
        )
        raise
    rows.update(
        status=ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED,
        kind=result.kind or job.kind,
        finished_at=timezone.now(),
        rows_total=result.rows,
        rows_done=result.rows,
        errors=result.errors,
        summary=result.summary(),
    )
    return {"ok": result.ok, "counts": result.counts, "errors": len(result.errors)}
