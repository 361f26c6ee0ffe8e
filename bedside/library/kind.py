"""The library's item kind: a person's status on a resource is their acknowledgment of its current version."""

from __future__ import annotations

import datetime as dt

from bedside.library.models import VersionStatus
from bedside.people.models import Person
from bedside.records.kinds import ItemStatus, Progress
from bedside.records.models import LearningItem, Verb
from bedside.records.queries import current_records


def resource_status(item: LearningItem, person: Person, *, now: dt.datetime) -> ItemStatus:
    """Done when the person acknowledged the version published now; an older acknowledgment is a
    changed resource to read again (not started, with the version they read in `detail`)."""
    current = (
        item.versions.filter(library_version__status=VersionStatus.PUBLISHED)
        .values_list("pk", flat=True)
        .first()
    )
    rows = list(
        current_records()
        .filter(person=person, item=item, verb=Verb.ACKNOWLEDGED)
        .select_related("version")
        .order_by("-at", "pk")
    )
    for record in rows:
        if current is not None and record.version_id == current:
            return ItemStatus(Progress.DONE, at=record.at)
    if rows and rows[0].version is not None:
        return ItemStatus(
            Progress.NOT_STARTED,
            detail=f"You acknowledged version {rows[0].version.label}; it has changed since.",
        )
    return ItemStatus(Progress.NOT_STARTED)
