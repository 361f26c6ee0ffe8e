"""Library imports as background jobs: queue an uploaded ZIP, run it, record progress and the outcome."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.library.importing import library_import
from bedside.library.models import ImportStatus, LibraryImport
from bedside.library.services import CURATE, require_curator
from bedside.people import access
from bedside.people.models import Person, Site

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # the ZIP as uploaded; what it unpacks to is checked in importing_zip


@transaction.atomic
def library_import_queue(*, upload: File, actor: Person, site: Site | None = None) -> LibraryImport:
    """Store an uploaded ZIP and queue its import into `site`'s library (None: the whole system's),
    which starts once this is committed. The actor curates that library."""
    from bedside.library.tasks import run_library_import  # tasks import this module

    require_curator(actor, site=site)
    job = LibraryImport.objects.create(
        file_name=Path(upload.name or "library.zip").name[:255], file=upload, uploaded_by=actor, site=site
    )
    audit(
        actor=actor,
        action="library.import.queue",
        target=job,
        changes={"file_name": job.file_name, "site": site.pk if site else None},
    )
    transaction.on_commit(lambda: run_library_import.enqueue(job.pk))
    return job


def library_import_run(*, import_id: int) -> dict:
    """Run a queued import (the background job), recording progress, errors and what it made.

    A row already started or finished is left alone, so a job delivered twice runs once.
    """
    claimed = LibraryImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return {"skipped": True}
    job = LibraryImport.objects.select_related("uploaded_by", "site").get(pk=import_id)
    rows = LibraryImport.objects.filter(pk=import_id)

    def progress(phase: str, done: int, total: int) -> None:
        rows.update(phase=phase, done=done, total=total)

    try:
        with job.file.open("rb") as handle:
            result = library_import(
                handle=handle, actor=job.uploaded_by, source=job.file_name, site=job.site, progress=progress
            )
    except Exception as exc:
        rows.update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            errors=[{"where": "The import", "message": f"The import stopped unexpectedly: {exc}"}],
        )
        raise
    rows.update(
        status=ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED,
        finished_at=timezone.now(),
        done=result.rows,
        total=result.rows,
        errors=result.errors,
        summary=result.summary(),
    )
    audit(
        actor=job.uploaded_by,
        action="library.import.finish",
        target=job,
        changes={"ok": result.ok, "resources": len(result.created), "problems": len(result.errors)},
    )
    return {"ok": result.ok, "created": len(result.created), "errors": len(result.errors)}


def imports_visible(actor: Person):
    """The imports the actor may follow: those into a library they curate (every one system-wide)."""
    scope = access.scope_of(actor, CURATE)
    rows = LibraryImport.objects.select_related("uploaded_by", "site")
    if scope.admin or scope.everything:
        return rows
    return rows.filter(site_id__in=scope.sites)


def import_sites(actor: Person) -> tuple[list[Site], bool]:
    """The sites whose library the actor may import into, and whether the whole system's too."""
    scope = access.scope_of(actor, CURATE)
    if scope.admin or scope.everything:
        return list(Site.objects.order_by("name", "pk")), True
    return list(Site.objects.filter(pk__in=scope.sites).order_by("name", "pk")), False
