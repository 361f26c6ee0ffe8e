"""Uploaded roster files are personal data: kept for ROSTER_UPLOAD_RETENTION_DAYS, then deleted.

What became of each import (its row, errors and summary, and the audit trail)
stays; only the file goes, and the row says when (`file_deleted_at`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings

from bedside.audit.services import audit
from bedside.rosters.models import ImportStatus, RosterImport

log = logging.getLogger(__name__)


def roster_uploads_expire(*, now: dt.datetime, days: int | None = None) -> int:
    """Delete the files of imports finished more than `days` (default: the setting) ago; returns how many.

    Imports still queued or running keep their file. The file is deleted before the row
    is marked, so a failure in between leaves a row that the next run marks.
    """
    cutoff = now - dt.timedelta(days=days or settings.ROSTER_UPLOAD_RETENTION_DAYS)
    expired = (
        RosterImport.objects.filter(
            file_deleted_at=None,
            status__in=[ImportStatus.SUCCEEDED, ImportStatus.FAILED],
            finished_at__lt=cutoff,
        )
        .exclude(file="")
        .only("pk", "file", "file_name")
        .order_by("pk")
    )
    deleted = 0
    for job in expired.iterator(chunk_size=500):
        name = job.file.name
        job.file.storage.delete(name)  # a file already gone is no error
        marked = RosterImport.objects.filter(pk=job.pk, file_deleted_at=None).update(
            file="", file_deleted_at=now
        )
        if marked:
            audit(
                actor=None,
                action="roster.import.file_delete",
                target=job,
                changes={"file": name, "file_name": job.file_name, "reason": "retention period over"},
            )
            deleted += 1
    if deleted:
        log.info("deleted %d roster upload(s) older than the retention period", deleted)
    return deleted
