"""Writes of assignments: create in bulk, apply rules, re-apply on roster changes, complete.

Rule application is set-based: one query for the audience, one for what exists,
bulk inserts, bulk audit. Re-running it changes nothing (one row per person,
item and cycle, enforced by the database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bedside.assignments.cycles import (
    add_months,
    current_window,
    end_of_day,
    first_due,
    system_tz,
    valid_until,
)
from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason, Recurrence
from bedside.assignments.requirements import WITHDRAWN, Planned, chunks, insert_requirements
from bedside.audit.services import audit, audit_bulk
from bedside.people.models import Audience, Person, PersonStatus
from bedside.records.kinds import get_kind
from bedside.records.models import ItemVersion, LearningItem, Record, SourceKind
from bedside.records.services import record_add


@transaction.atomic
def assignments_create(
    *,
    audience: Audience,
    item: LearningItem,
    due: dt.date,
    source: str,
    source_ref: str = "",
    actor: Person | None = None,
    cycle: str = "once",
    on: dt.date | None = None,
) -> int:
    """Require `item` of every member of `audience` by `due`; safe to re-run or resume after a crash.

    For library publishing and campaign launches: one requirement per person and
    cycle, however often it is called.
    """
    now = timezone.now()
    ids = list(audience.members(on=on).values_list("pk", flat=True))
    due_at = end_of_day(due)
    planned = [Planned(pid, cycle, due_at) for pid in ids]
    return insert_requirements(
        item=item,
        planned=planned,
        rule=None,
        source_kind=source,
        source_ref=source_ref,
        actor=actor,
        grace_days=0,
        now=now,
    )


def _member_rows(
    rule: AssignmentRule, on: dt.date, person_ids: Sequence[int] | None
) -> list[tuple[int, dt.date]]:
    members = rule.audience.members(on=on)
    if person_ids is None:
        return list(members.values_list("pk", "hire_date"))
    rows: list[tuple[int, dt.date]] = []
    for chunk in chunks(list(person_ids)):
        rows.extend(members.filter(pk__in=chunk).values_list("pk", "hire_date"))
    return rows


@transaction.atomic
def rule_apply(
    *,
    rule: AssignmentRule,
    on: dt.date | None = None,
    actor: Person | None = None,
    person_ids: Sequence[int] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Create every requirement the rule asks for on date `on` that does not exist; returns the count.

    `now` (default: the clock) dates the new requirements and decides which completions enter renewal.
    """
    if not rule.active:
        return 0
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    members = _member_rows(rule, on, person_ids)
    common = dict(
        rule=rule,
        source_kind=SourceKind.RULE,
        source_ref=f"rule:{rule.pk}",
        actor=actor,
        grace_days=rule.grace_days,
        now=now,
    )

    if rule.recurrence == Recurrence.WINDOW:
        window = current_window(rule, on)
        due_at = end_of_day(window.closes)
        planned = [Planned(pid, window.cycle, due_at) for pid, _ in members]
        opens = dt.datetime.combine(window.opens, dt.time(), tzinfo=system_tz())
        return insert_requirements(item=rule.item, planned=planned, satisfied_since=opens, **common)

    if rule.recurrence == Recurrence.NONE:
        planned = [
            Planned(pid, "once", end_of_day(first_due(rule, on=on, hire_date=hired)))
            for pid, hired in members
        ]
        return insert_requirements(item=rule.item, planned=planned, satisfied_since=None, **common)

    # Every N months: a first cycle for those who never had one, and the next cycle
    # for those whose completion enters its renewal window.
    member_ids = [pid for pid, _ in members]
    current_cycle: dict[int, tuple[str, str]] = {}
    renewals: list[Planned] = []
    horizon = now + dt.timedelta(days=rule.renewal_window_days)
    for chunk in chunks(member_ids):
        rows_now = Assignment.objects.filter(item=rule.item, person_id__in=chunk, current=True)
        current_cycle.update(
            (pid, (cycle, reason))
            for pid, cycle, reason in rows_now.values_list("person_id", "cycle", "closed_reason")
        )
        # Expiry is kept on the requirement; older rows only on their record.
        due_for_renewal = rows_now.filter(closed_reason=ClosedReason.COMPLETED).filter(
            Q(covered_until__lte=horizon) | Q(covered_until__isnull=True, record__valid_until__lte=horizon)
        )
        for pid, cycle, covered, valid in due_for_renewal.values_list(
            "person_id", "cycle", "covered_until", "record__valid_until"
        ):
            expires = covered or valid
            number = int(cycle) + 1 if cycle.isdigit() else 2
            renewals.append(Planned(pid, str(number), expires, covered_until=expires))
    first = []
    for pid, hired in members:
        cycle, reason = current_cycle.get(pid, ("1", ""))
        if pid not in current_cycle or reason in WITHDRAWN:  # never assigned, or back in the audience
            first.append(Planned(pid, cycle, end_of_day(first_due(rule, on=on, hire_date=hired))))
    since = add_months(now, -rule.interval_months)
    created = insert_requirements(item=rule.item, planned=first, satisfied_since=since, **common)
    created += insert_requirements(item=rule.item, planned=renewals, **common)
    return created


def rules_apply_all(*, on: dt.date | None = None, actor: Person | None = None) -> int:
    """Apply every active rule (the scheduler's daily pass: new windows, renewals, start dates)."""
    total = 0
    for rule in AssignmentRule.objects.filter(active=True).select_related("item", "audience").order_by("pk"):
        total += rule_apply(rule=rule, on=on, actor=actor)
    return total


@transaction.atomic
def roster_reapply(
    *, person_ids: Sequence[int], on: dt.date | None = None, actor: Person | None = None
) -> dict:
    """Bring the requirements of changed persons in line with the rules after a roster change.

    Leavers' open requirements close as 'terminated'; rule-made requirements no rule
    asks for any more close as 'no longer required' (never deleted); new ones are created.
    """
    on = on or timezone.localdate()
    now = timezone.now()
    person_ids = list(person_ids)
    terminated: list[int] = []
    for chunk in chunks(person_ids):
        terminated.extend(
            Person.objects.filter(pk__in=chunk, status=PersonStatus.TERMINATED).values_list("pk", flat=True)
        )
    terminated_open = []
    for chunk in chunks(terminated):
        terminated_open.extend(
            Assignment.objects.filter(person_id__in=chunk, closed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
    closed_terminated = _close(terminated_open, ClosedReason.TERMINATED, actor, now)
    staying = sorted(set(person_ids) - set(terminated))
    rules = list(AssignmentRule.objects.filter(active=True).select_related("item", "audience").order_by("pk"))
    required: set[tuple[int, int]] = set()
    for rule in rules:
        required.update((pid, rule.item_id) for pid, _ in _member_rows(rule, on, staying))
    open_by_rule = []
    for chunk in chunks(staying):
        open_by_rule.extend(
            Assignment.objects.filter(
                person_id__in=chunk, closed_at__isnull=True, source_kind=SourceKind.RULE
            ).values_list("pk", "person_id", "item_id")
        )
    unrequired = [pk for pk, pid, item_id in open_by_rule if (pid, item_id) not in required]
    closed_unrequired = _close(unrequired, ClosedReason.NO_LONGER_REQUIRED, actor, now)
    created = sum(rule_apply(rule=rule, on=on, actor=actor, person_ids=staying) for rule in rules)
    return {
        "created": created,
        "closed_no_longer_required": closed_unrequired,
        "closed_terminated": closed_terminated,
    }


def _close(ids: Sequence[int], reason: str, actor: Person | None, now: dt.datetime) -> int:
    """Close open requirements by id, in bulk, with their audit lines."""
    closed = 0
    for chunk in chunks(list(ids)):
        closed += Assignment.objects.filter(pk__in=chunk, closed_at__isnull=True).update(
            closed_at=now, closed_reason=reason
        )
    audit_bulk(
        actor=actor,
        action=f"assignment.close.{reason}",
        model=Assignment,
        targets=((pk, {"reason": reason}) for pk in ids),
    )
    return closed


def _satisfies(item: LearningItem, version: ItemVersion | None) -> bool:
    kind = get_kind(item.kind)
    if kind.any_version_satisfies or version is None:
        return True
    latest = item.versions.order_by("-published_at", "-pk").first()
    return latest is None or latest.pk == version.pk


@transaction.atomic
def learning_completed(
    *,
    person: Person,
    item: LearningItem,
    verb: str,
    by: Person | None,
    version: ItemVersion | None = None,
    at: dt.datetime | None = None,
    evidence: str = "",
    source_kind: str = SourceKind.PERSON,
    source_ref: str = "",
    score=None,
    credit_amount=None,
    credit_type: str = "",
) -> Record:
    """Write the ledger record for a completion and close the open requirement it satisfies.

    The conditional update makes a double submit harmless: only one closes it.
    """
    kind = get_kind(item.kind)
    at = at or timezone.now()
    open_row = (
        Assignment.objects.select_related("rule")
        .filter(person=person, item=item, current=True, closed_at__isnull=True)
        .order_by("due_at")
        .first()
    )
    completes = verb in kind.completing_verbs and _satisfies(item, version)
    expires = None
    if open_row is not None and completes:
        expires = valid_until(open_row.rule, completed_at=at, due_at=open_row.due_at)
    record = record_add(
        person=person,
        item=item,
        verb=verb,
        by=by,
        at=at,
        version=version,
        evidence=evidence,
        source_kind=source_kind,
        source_ref=source_ref,
        valid_until=expires,
        score=score,
        credit_amount=credit_amount,
        credit_type=credit_type,
    )
    if open_row is not None and completes:
        # The requirement keeps its own expiry, which renewal reads.
        expiry = {"covered_until": expires} if expires is not None else {}
        closed = Assignment.objects.filter(pk=open_row.pk, closed_at__isnull=True).update(
            closed_at=at, closed_reason=ClosedReason.COMPLETED, record=record, **expiry
        )
        if closed:
            audit(actor=by, action="assignment.complete", target=open_row, changes={"record": str(record.pk)})
    return record


def requirement_follow_correction(*, old: Record, new: Record) -> None:
    """A corrected record: the requirement it closed follows the correction, or opens again if voided."""
    rows = list(Assignment.objects.filter(record=old).select_related("item"))
    for row in rows:
        completes = new.verb in get_kind(row.item.kind).completing_verbs
        if completes:
            Assignment.objects.filter(pk=row.pk).update(record=new)
            audit(
                actor=new.recorded_by,
                action="assignment.record_corrected",
                target=row,
                changes={"record": str(new.pk)},
            )
        else:
            Assignment.objects.filter(pk=row.pk).update(
                closed_at=None, closed_reason=ClosedReason.OPEN, record=None
            )
            audit(
                actor=new.recorded_by,
                action="assignment.reopen",
                target=row,
                changes={"reason": f"record {old.pk} {new.verb}: {new.correction_reason}"},
            )
