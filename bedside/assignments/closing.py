"""The ledger closes requirements: whoever writes a completing record, its open requirement closes.

`records` announces new records and corrections (`bedside.records.hooks`); these
listeners, registered in AssignmentsConfig.ready(), close (or move, or reopen)
requirements set-based: one query for a whole batch, conditional updates guarded
by `closed_at IS NULL`, audit lines in bulk. A feature app, an import or an
integration only writes the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, DateTimeField, F, UUIDField, Value, When
from django.utils import timezone

from bedside.assignments.cycles import valid_until
from bedside.assignments.models import Assignment, ClosedReason, CycleKind
from bedside.assignments.requirements import chunks
from bedside.audit.services import audit_bulk
from bedside.people.timezones import zones_of
from bedside.records.kinds import ItemKind, get_kind
from bedside.records.models import ItemVersion, LearningItem, Record

UPDATE_BATCH = 500


def _completing(records: Sequence[Record], now: dt.datetime) -> dict[tuple[int, int], Record]:
    """The latest record per (person, item) that completes its item and is still valid now."""
    items = LearningItem.objects.in_bulk({r.item_id for r in records})
    kinds = {pk: _kind(item.kind) for pk, item in items.items()}
    pinned_kinds = {pk for pk, kind in kinds.items() if kind is not None and not kind.any_version_satisfies}
    latest_version: dict[int, int] = {}
    if pinned_kinds:
        for item_id, version_id in (
            ItemVersion.objects.filter(item_id__in=pinned_kinds)
            .order_by("item_id", "published_at", "pk")
            .values_list("item_id", "pk")
        ):
            latest_version[item_id] = version_id  # the last one per item wins
    found: dict[tuple[int, int], Record] = {}
    for record in records:
        kind = kinds[record.item_id]
        if kind is None or record.verb not in kind.completing_verbs:
            continue
        if record.valid_until is not None and record.valid_until <= now:
            continue  # an old certificate imported for the history closes nothing
        pinned = latest_version.get(record.item_id)
        if pinned is not None and record.version_id not in (None, pinned):
            continue  # an older version does not satisfy a kind that needs the latest
        key = (record.person_id, record.item_id)
        if key not in found or found[key].at < record.at:
            found[key] = record
    return found


def _kind(name: str) -> ItemKind | None:
    """An item of a kind no app registers (yet) completes nothing: the record is still kept."""
    try:
        return get_kind(name)
    except LookupError:
        return None


def requirements_close_for(*, records: Sequence[Record]) -> int:
    """Close the open current requirements these new records complete; returns how many closed.

    Called by `records` inside the writing transaction (hook `on_records_added`). The
    requirement keeps its own expiry (`covered_until`), which renewal reads: the record's
    `valid_until` when it has one, else what the rule's recurrence gives, in the person's zone.
    """
    now = timezone.now()
    completing = _completing(records, now)
    if not completing:
        return 0
    persons = sorted({pid for pid, _ in completing})
    items = sorted({item for _, item in completing})
    closing: list[tuple[Assignment, Record]] = []
    for chunk in chunks(persons):
        candidates = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("rule")
            .filter(person_id__in=chunk, item_id__in=items, current=True, closed_at__isnull=True)
            .order_by("pk")
        )
        for row in candidates:
            record = completing.get((row.person_id, row.item_id))
            if record is None:
                continue
            if row.cycle_kind == CycleKind.VERSION and record.version_id not in (None, row.cycle_version_id):
                continue  # a pinned version asks for that version
            closing.append((row, record))
    if not closing:
        return 0
    zones = zones_of([row.person_id for row, _ in closing])
    values = []
    for row, record in closing:
        expires = record.valid_until or valid_until(
            row.rule, completed_at=record.at, due_at=row.due_at, tz=zones[row.person_id]
        )
        values.append((row.pk, record, expires if expires is not None else row.covered_until))
    for batch in chunks(values, UPDATE_BATCH):
        ids = [pk for pk, _, _ in batch]
        Assignment.objects.filter(pk__in=ids, closed_at__isnull=True).update(
            closed_at=Case(
                *[When(pk=pk, then=Value(r.at)) for pk, r, _ in batch], output_field=DateTimeField()
            ),
            closed_reason=ClosedReason.COMPLETED,
            record_id=Case(*[When(pk=pk, then=Value(r.pk)) for pk, r, _ in batch], output_field=UUIDField()),
            covered_until=Case(
                *[When(pk=pk, then=Value(c)) for pk, _, c in batch],
                default=F("covered_until"),
                output_field=DateTimeField(),
            ),
        )
    by_recorder: dict[int | None, list] = {}
    for pk, record, _ in values:
        by_recorder.setdefault(record.recorded_by_id, []).append((pk, {"record": str(record.pk)}))
    for recorder, targets in by_recorder.items():
        audit_bulk(actor=_Actor(recorder), action="assignment.complete", model=Assignment, targets=targets)
    return len(values)


@dataclass(frozen=True)
class _Actor:
    pk: int | None


def requirement_follow_correction(*, old: Record, new: Record) -> None:
    """A corrected record: the requirement it closed follows the correction, or opens again if voided.

    A changed `valid_until` (or completion time) moves the requirement's coverage, and
    the renewal that coverage opened moves its due date with it.
    """
    rows = list(Assignment.objects.filter(record=old).select_related("item", "rule"))
    if not rows:
        return
    zones = zones_of([row.person_id for row in rows])
    moved, reopened = [], []
    for row in rows:
        if new.verb not in get_kind(row.item.kind).completing_verbs:
            Assignment.objects.filter(pk=row.pk, record=old).update(
                closed_at=None, closed_reason=ClosedReason.OPEN, record=None, covered_until=None
            )
            reopened.append((row.pk, {"reason": f"record {old.pk} {new.verb}: {new.correction_reason}"}))
            continue
        expires = new.valid_until or valid_until(
            row.rule, completed_at=new.at, due_at=row.due_at, tz=zones[row.person_id]
        )
        Assignment.objects.filter(pk=row.pk, record=old).update(
            record=new, closed_at=new.at, covered_until=expires
        )
        moved.append(
            (row.pk, {"record": str(new.pk), "covered_until": expires.isoformat() if expires else None})
        )
        if expires != row.covered_until and row.covered_until is not None:
            _move_renewal(row, old_expiry=row.covered_until, new_expiry=expires, actor=new.recorded_by)
    audit_bulk(actor=new.recorded_by, action="assignment.record_corrected", model=Assignment, targets=moved)
    audit_bulk(actor=new.recorded_by, action="assignment.reopen", model=Assignment, targets=reopened)


def _move_renewal(row: Assignment, *, old_expiry: dt.datetime, new_expiry: dt.datetime | None, actor) -> None:
    """The open renewal that the old expiry opened is now due at the new expiry."""
    if new_expiry is None:
        return
    renewal = (
        Assignment.objects.filter(
            person_id=row.person_id,
            item_id=row.item_id,
            current=True,
            closed_at__isnull=True,
            covered_until=old_expiry,
        )
        .exclude(pk=row.pk)
        .first()
    )
    if renewal is None:
        return
    grace = renewal.overdue_at - renewal.due_at
    Assignment.objects.filter(pk=renewal.pk, closed_at__isnull=True).update(
        covered_until=new_expiry, due_at=new_expiry, overdue_at=new_expiry + grace
    )
    audit_bulk(
        actor=actor,
        action="assignment.renewal_moved",
        model=Assignment,
        targets=[(renewal.pk, {"due_at": new_expiry.isoformat()})],
    )
