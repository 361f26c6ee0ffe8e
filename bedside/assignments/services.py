"""Writes of assignments: create in bulk, apply rules, re-apply on roster changes.

Rule application is set-based: one query for the audience, one for what exists,
bulk inserts, bulk audit. Re-running it changes nothing (one row per person,
item and cycle key, and one current row per person and item, enforced by the database).

Two rules (or a rule and a campaign) asking for one item make one requirement:
the first one made stays current and the earliest due date wins (see `requirements`).
Completing closes requirements through the ledger: see `closing`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bedside.assignments.cycles import (
    CYCLE_COLUMNS,
    Cycle,
    add_months,
    current_window,
    end_of_day,
    first_due,
    window_due,
)
from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason, CycleKind, Recurrence
from bedside.assignments.requirements import WITHDRAWN, Inserted, Planned, chunks, insert_requirements
from bedside.audit.services import audit_bulk
from bedside.people.models import Audience, Person, PersonStatus
from bedside.people.timezones import zones_of
from bedside.records.models import LearningItem, SourceKind

Zones = dict[int, zoneinfo.ZoneInfo]
Members = list[tuple[int, dt.date | None]]


class _DueDates:
    """end_of_day per (date, zone), memoised: a rule over 50,000 people has a handful of distinct dues."""

    def __init__(self, zones: Zones) -> None:
        self.zones = zones
        self.memo: dict[tuple[dt.date, zoneinfo.ZoneInfo], dt.datetime] = {}

    def __call__(self, day: dt.date, person_id: int) -> dt.datetime:
        tz = self.zones[person_id]
        found = self.memo.get((day, tz))
        if found is None:
            found = self.memo[(day, tz)] = end_of_day(day, tz)
        return found


@transaction.atomic
def assignments_create(
    *,
    audience: Audience,
    item: LearningItem,
    due: dt.date,
    cycle: Cycle,
    source: str,
    source_ref: str = "",
    actor: Person | None = None,
    on: dt.date | None = None,
    completed_since: dt.datetime | None = None,
) -> Inserted:
    """Require `item` of every member of `audience` by the end of `due` (each in their zone), in `cycle`.

    For library publishing and campaign launches: one requirement per person and
    cycle key, however often it is called. A completion since `completed_since` (any
    time if None) that is still valid closes the new requirement at once. A person
    whose current requirement of the item is still open keeps it (counted in
    `already_required`), with the earlier of the two due dates.
    """
    now = timezone.now()
    ids = list(audience.members(on=on).values_list("pk", flat=True))
    due_at = _DueDates(zones_of(ids, on=on))
    planned = [Planned(pid, cycle, due_at(due, pid)) for pid in ids]
    return insert_requirements(
        item=item,
        planned=planned,
        rule=None,
        source_kind=source,
        source_ref=source_ref,
        actor=actor,
        grace_days=0,
        satisfied_since=completed_since,
        now=now,
    )


def _member_rows(rule: AssignmentRule, on: dt.date, person_ids: Sequence[int] | None) -> Members:
    members = rule.audience.members(on=on)
    if person_ids is None:
        return list(members.values_list("pk", "hire_date"))
    wanted = set(person_ids)
    if len(wanted) > 20_000:  # one pass over the audience beats dozens of IN (...) chunks
        return [(pid, hired) for pid, hired in members.values_list("pk", "hire_date") if pid in wanted]
    rows: Members = []
    for chunk in chunks(sorted(wanted)):
        rows.extend(members.filter(pk__in=chunk).values_list("pk", "hire_date"))
    return rows


@transaction.atomic
def rule_apply(
    *,
    rule: AssignmentRule,
    on: dt.date | None = None,
    actor: Person | None = None,
    person_ids: Sequence[int] | None = None,
) -> int:
    """Create every requirement the rule asks for on date `on` that does not exist; returns the count.

    A member whose current requirement of the item comes from another rule keeps it,
    due at the earlier of the two dates (the earliest due wins).
    """
    if not rule.active:
        return 0
    on = on or timezone.localdate()
    members = _member_rows(rule, on, person_ids)
    return _apply(rule, members, on=on, actor=actor, zones=zones_of([pid for pid, _ in members], on=on))


def _apply(rule: AssignmentRule, members: Members, *, on: dt.date, actor: Person | None, zones: Zones) -> int:
    now = timezone.now()
    due_at = _DueDates(zones)
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
        planned = [
            Planned(pid, window.cycle, due_at(window_due(rule, window, hire_date=hired), pid))
            for pid, hired in members
        ]
        # Completions since the window opened count: its earliest local midnight among these people.
        opens = min(
            (dt.datetime.combine(window.opens, dt.time(), tzinfo=tz) for tz in set(zones.values())),
            default=dt.datetime.combine(window.opens, dt.time(), tzinfo=dt.UTC),
        )
        return insert_requirements(item=rule.item, planned=planned, satisfied_since=opens, **common).created

    if rule.recurrence == Recurrence.NONE:
        planned = [
            Planned(pid, Cycle.once(), due_at(first_due(rule, on=on, hire_date=hired), pid))
            for pid, hired in members
        ]
        return insert_requirements(item=rule.item, planned=planned, satisfied_since=None, **common).created

    first, renewals = _interval_plan(rule, members, on=on, now=now, due_at=due_at)
    since = add_months(now, -rule.interval_months)
    created = insert_requirements(item=rule.item, planned=first, satisfied_since=since, **common).created
    created += insert_requirements(item=rule.item, planned=renewals, **common).created
    return created


def _interval_plan(
    rule: AssignmentRule, members: Members, *, on, now, due_at
) -> tuple[list[Planned], list[Planned]]:
    """Every N months: a first cycle for those who never had one, and the next cycle
    for those whose completion enters its renewal window."""
    current: dict[int, tuple[Cycle, str]] = {}
    renewals: list[Planned] = []
    horizon = now + dt.timedelta(days=rule.renewal_window_days)
    other_kind: dict[int, dt.datetime] = {}
    for chunk in chunks([pid for pid, _ in members]):
        rows_now = Assignment.objects.filter(item=rule.item, person_id__in=chunk, current=True)
        for pid, *key, reason in rows_now.values_list("person_id", *CYCLE_COLUMNS, "closed_reason"):
            current[pid] = (Cycle.from_columns(*key), reason)
        # Expiry is kept on the requirement; older rows only on their record.
        due_for_renewal = rows_now.filter(closed_reason=ClosedReason.COMPLETED).filter(
            Q(covered_until__lte=horizon) | Q(covered_until__isnull=True, record__valid_until__lte=horizon)
        )
        for pid, kind, number, covered, valid in due_for_renewal.values_list(
            "person_id", "cycle_kind", "cycle_number", "covered_until", "record__valid_until"
        ):
            expires = covered or valid
            if kind == CycleKind.INTERVAL:
                renewals.append(Planned(pid, Cycle.interval(number + 1), expires, covered_until=expires))
            else:
                other_kind[pid] = expires
    # Renewal after a cycle of another kind (a campaign, another rule): the next interval number.
    for chunk in chunks(sorted(other_kind)):
        last: dict[int, int] = {}
        for pid, number in Assignment.objects.filter(
            item=rule.item, person_id__in=chunk, cycle_kind=CycleKind.INTERVAL
        ).values_list("person_id", "cycle_number"):
            last[pid] = max(last.get(pid, 0), number)
        for pid in chunk:
            expires = other_kind[pid]
            renewals.append(
                Planned(pid, Cycle.interval(last.get(pid, 0) + 1), expires, covered_until=expires)
            )
    first = []
    for pid, hired in members:
        cycle, reason = current.get(pid, (Cycle.interval(1), ""))
        from_elsewhere = reason == ClosedReason.OPEN and cycle.kind != CycleKind.INTERVAL
        if pid not in current or reason in WITHDRAWN or from_elsewhere:
            # never assigned, back in the audience, or open from another source (the earliest due wins)
            if cycle.kind != CycleKind.INTERVAL:
                cycle = Cycle.interval(1)
            first.append(Planned(pid, cycle, due_at(first_due(rule, on=on, hire_date=hired), pid)))
    return first, renewals


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
    Set-based at roster scale: each rule's audience is read once for all the persons.
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
    closed_terminated = close_requirements(terminated_open, ClosedReason.TERMINATED, actor, now)
    staying = sorted(set(person_ids) - set(terminated))
    rules = list(AssignmentRule.objects.filter(active=True).select_related("item", "audience").order_by("pk"))
    members_of = {rule.pk: _member_rows(rule, on, staying) for rule in rules}
    required: set[tuple[int, int]] = set()
    for rule in rules:
        required.update((pid, rule.item_id) for pid, _ in members_of[rule.pk])
    open_by_rule = []
    for chunk in chunks(staying):
        open_by_rule.extend(
            Assignment.objects.filter(
                person_id__in=chunk, closed_at__isnull=True, source_kind=SourceKind.RULE
            ).values_list("pk", "person_id", "item_id")
        )
    unrequired = [pk for pk, pid, item_id in open_by_rule if (pid, item_id) not in required]
    closed_unrequired = close_requirements(unrequired, ClosedReason.NO_LONGER_REQUIRED, actor, now)
    zones = zones_of(staying, on=on)
    created = sum(_apply(rule, members_of[rule.pk], on=on, actor=actor, zones=zones) for rule in rules)
    return {
        "created": created,
        "closed_no_longer_required": closed_unrequired,
        "closed_terminated": closed_terminated,
    }


def close_requirements(
    ids: Sequence[int], reason: str, actor: Person | None, now: dt.datetime, *, changes: dict | None = None
) -> int:
    """Close open requirements by id, in bulk, with one audit line for each one this call closed.

    Guarded by `closed_at IS NULL`: a requirement closed meanwhile (a completion) keeps its reason.
    """
    closed: list[int] = []
    for chunk in chunks(list(ids)):
        still_open = list(
            Assignment.objects.filter(pk__in=chunk, closed_at__isnull=True).values_list("pk", flat=True)
        )
        Assignment.objects.filter(pk__in=still_open, closed_at__isnull=True).update(
            closed_at=now, closed_reason=reason
        )
        closed.extend(still_open)
    audit_bulk(
        actor=actor,
        action=f"assignment.close.{reason}",
        model=Assignment,
        targets=((pk, {"reason": reason, **(changes or {})}) for pk in closed),
    )
    return len(closed)
