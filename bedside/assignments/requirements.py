"""Inserting requirements in bulk: one row per (person, item, cycle), created or reopened, audited.

The machinery under the services: plan who needs which cycle by when, skip what
exists, reopen what was withdrawn, close at once what an earlier completion covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bedside.assignments.cycles import add_months
from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason, Recurrence
from bedside.audit.services import audit_bulk
from bedside.core.bulkcopy import copy_new_rows, copy_supported
from bedside.people.models import Person
from bedside.records.kinds import get_kind
from bedside.records.models import LearningItem, Record
from bedside.records.queries import current_records

CHUNK = 5000


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class Planned:
    person_id: int
    cycle: str
    due_at: dt.datetime
    covered_until: dt.datetime | None = None


def _latest_completions(
    item: LearningItem, person_ids: Sequence[int], since: dt.datetime | None
) -> dict[int, Record]:
    """Each person's latest current completing record of the item since `since` (any time if None)."""
    verbs = list(get_kind(item.kind).completing_verbs)
    found: dict[int, Record] = {}
    for chunk in chunks(list(person_ids)):
        rows = current_records().filter(item=item, person_id__in=chunk, verb__in=verbs)
        if since is not None:
            rows = rows.filter(at__gte=since)
        for record in rows.order_by("person_id", "-at").only("pk", "person_id", "at", "valid_until"):
            found.setdefault(record.person_id, record)
    return found


ASSIGNMENT_COLUMNS = ("person_id", "item_id", "cycle", "rule_id", "source_kind", "source_ref", "assigned_at",
                      "due_at", "overdue_at", "covered_until", "closed_at", "closed_reason", "record_id", "current")  # fmt: skip


def _insert_new(
    rows: list[tuple], *, item: LearningItem, cycles: list[str], now: dt.datetime
) -> list[tuple[int, int, str]]:
    """Insert assignment rows (ASSIGNMENT_COLUMNS) skipping any that exist; (pk, person, cycle) of the new.

    On PostgreSQL through COPY: the ORM's per-value work made 30,000 rows take seconds.
    """
    if copy_supported():
        return sorted(
            copy_new_rows(Assignment, ASSIGNMENT_COLUMNS, rows, returning=("id", "person_id", "cycle"))
        )
    Assignment.objects.bulk_create(
        [Assignment(**dict(zip(ASSIGNMENT_COLUMNS, row, strict=True))) for row in rows],
        batch_size=2000,
        ignore_conflicts=True,
    )
    created: list[tuple[int, int, str]] = []
    for chunk in chunks([row[0] for row in rows]):
        created.extend(
            Assignment.objects.filter(item=item, cycle__in=cycles, person_id__in=chunk, assigned_at=now)
            .values_list("pk", "person_id", "cycle")
            .order_by("pk")
        )
    return created


def insert_requirements(
    *,
    item: LearningItem,
    planned: Sequence[Planned],
    rule: AssignmentRule | None,
    source_kind: str,
    source_ref: str,
    actor: Person | None,
    grace_days: int,
    satisfied_since: dt.datetime | None | bool = False,
    now: dt.datetime,
) -> int:
    """Insert the planned requirements that do not exist yet; returns how many were created.

    `satisfied_since`: False to skip the check; None or a date to close new rows at
    once when the person already holds a completion of the item since then.
    """
    if not planned:
        return 0
    existing: set[tuple[int, str]] = set()
    withdrawn: dict[tuple[int, str], int] = {}
    cycles = sorted({p.cycle for p in planned})
    for chunk in chunks([p.person_id for p in planned]):
        rows_now = Assignment.objects.filter(item=item, cycle__in=cycles, person_id__in=chunk)
        for pk, pid, cycle, reason in rows_now.values_list("pk", "person_id", "cycle", "closed_reason"):
            if reason in WITHDRAWN:
                withdrawn[(pid, cycle)] = pk
            else:
                existing.add((pid, cycle))
    todo = [p for p in planned if (p.person_id, p.cycle) not in existing]
    if not todo:
        return 0
    done_before = (
        {}
        if satisfied_since is False
        else _latest_completions(item, [p.person_id for p in todo], satisfied_since)
    )
    grace = dt.timedelta(days=grace_days)
    expiry = _expiry(rule)
    returning = [p for p in todo if (p.person_id, p.cycle) in withdrawn]
    todo = [p for p in todo if (p.person_id, p.cycle) not in withdrawn]
    reopened = _reopen(
        returning, withdrawn, done_before, expiry, grace, rule, source_kind, source_ref, actor, now
    )
    rows = []
    for p in todo:
        prior = done_before.get(p.person_id)
        rows.append(
            (
                p.person_id,
                item.pk,
                p.cycle,
                rule.pk if rule else None,
                source_kind,
                source_ref,
                now,
                p.due_at,
                p.due_at + grace,
                expiry(prior) if prior else p.covered_until,
                now if prior else None,
                ClosedReason.COMPLETED if prior else ClosedReason.OPEN,
                prior.pk if prior else None,
                True,
            )
        )
    created = _insert_new(rows, item=item, cycles=cycles, now=now) if rows else []
    # The newest cycle is the current one: earlier cycles step back, and any still open are superseded.
    for cycle in cycles:
        if not Assignment.objects.filter(item=item, current=True).exclude(cycle=cycle).exists():
            continue  # a first cycle: nothing to step back (the common case, skipped in one query)
        cycle_persons = [pid for (_, pid, c) in created if c == cycle]
        for chunk in chunks(cycle_persons):
            older = Assignment.objects.filter(item=item, person_id__in=chunk, current=True).exclude(
                cycle=cycle
            )
            still_open = list(older.filter(closed_at__isnull=True).values_list("pk", flat=True))
            Assignment.objects.filter(pk__in=still_open).update(
                closed_at=now, closed_reason=ClosedReason.SUPERSEDED
            )
            older.update(current=False)
            audit_bulk(
                actor=actor,
                action="assignment.close.superseded",
                model=Assignment,
                targets=((pk, {"reason": "superseded", "by_cycle": cycle}) for pk in still_open),
            )
    audit_bulk(
        actor=actor,
        action="assignment.create",
        model=Assignment,
        targets=(
            (pk, {"person": pid, "item": item.pk, "cycle": cycle, "source": source_kind, "ref": source_ref})
            for pk, pid, cycle in created
        ),
    )
    return len(created) + reopened


WITHDRAWN = (ClosedReason.NO_LONGER_REQUIRED, ClosedReason.TERMINATED)


def _expiry(rule: AssignmentRule | None):
    """How long a completion made before the requirement existed covers it (interval rules)."""

    def expires(record: Record) -> dt.datetime | None:
        if record.valid_until is not None:
            return record.valid_until
        if rule is not None and rule.recurrence == Recurrence.INTERVAL:
            return add_months(record.at, rule.interval_months)
        return None

    return expires


def _reopen(
    returning, withdrawn, done_before, expiry, grace, rule, source_kind, source_ref, actor, now
) -> int:
    """A person back in the audience (rehired, transferred back): their withdrawn requirement opens again."""
    if not returning:
        return 0
    rows = []
    for p in returning:
        prior = done_before.get(p.person_id)
        rows.append(
            Assignment(
                pk=withdrawn[(p.person_id, p.cycle)],
                rule=rule,
                source_kind=source_kind,
                source_ref=source_ref,
                assigned_at=now,
                due_at=p.due_at,
                overdue_at=p.due_at + grace,
                covered_until=expiry(prior) if prior else p.covered_until,
                closed_at=now if prior else None,
                closed_reason=ClosedReason.COMPLETED if prior else ClosedReason.OPEN,
                record=prior,
                current=True,
            )
        )
    fields = ["rule", "source_kind", "source_ref", "assigned_at", "due_at", "overdue_at", "covered_until",
              "closed_at", "closed_reason", "record", "current"]  # fmt: skip
    Assignment.objects.bulk_update(rows, fields, batch_size=2000)
    audit_bulk(
        actor=actor,
        action="assignment.reopen",
        model=Assignment,
        targets=((a.pk, {"reason": "back in the audience", "ref": source_ref}) for a in rows),
    )
    return len(rows)
