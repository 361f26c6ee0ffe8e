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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

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
from bedside.assignments.models import (
    Assignment,
    AssignmentRule,
    ClosedReason,
    CycleKind,
    Recurrence,
    RunKind,
)
from bedside.assignments.requirements import (
    WITHDRAWN,
    Inserted,
    Planned,
    by_persons,
    chunks,
    insert_requirements,
)
from bedside.assignments.runs import Run
from bedside.audit.services import audit_bulk
from bedside.core.bulkcopy import relaxed_commit, temporary_ids
from bedside.people.models import Audience, Person, PersonStatus
from bedside.people.timezones import zones_of
from bedside.records.models import LearningItem, SourceKind

Zones = dict[int, zoneinfo.ZoneInfo]
Members = list[tuple[int, dt.date | None]]
MANY = 2000  # more persons than this are read through a temporary table, not IN (...) lists


class _DueDates:
    """Due instants, memoised: 50,000 new hires of one rule share a few thousand hire dates and zones."""

    def __init__(self, zones: Zones) -> None:
        self.zones = zones
        self.memo: dict[tuple[dt.date, zoneinfo.ZoneInfo], dt.datetime] = {}
        self.days: dict[tuple, dt.date] = {}
        self.firsts: dict[tuple, dt.datetime] = {}

    def __call__(self, day: dt.date, person_id: int) -> dt.datetime:
        tz = self.zones[person_id]
        found = self.memo.get((day, tz))
        if found is None:
            found = self.memo[(day, tz)] = end_of_day(day, tz)
        return found

    def first(self, rule: AssignmentRule, on: dt.date, hired: dt.date | None, person_id: int) -> dt.datetime:
        # One lookup per person in the common case (30,000 nurses share a few hire dates and zones).
        key = (on, hired, self.zones[person_id])
        found = self.firsts.get(key)
        if found is None:
            day = self.days.get((on, hired))
            if day is None:
                day = self.days[(on, hired)] = first_due(rule, on=on, hire_date=hired)
            found = self.firsts[key] = self(day, person_id)
        return found

    def window(self, rule: AssignmentRule, window, hired: dt.date | None, person_id: int) -> dt.datetime:
        day = self.days.get((window, hired))
        if day is None:
            day = self.days[(window, hired)] = window_due(rule, window, hire_date=hired)
        return self(day, person_id)


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
    now: dt.datetime | None = None,
) -> Inserted:
    """Require `item` of every member of `audience` by the end of `due` (each in their zone), in `cycle`.

    For library publishing and campaign launches: one requirement per person and
    cycle key, however often it is called. A completion since `completed_since` (any
    time if None) that is still valid closes the new requirement at once. A person
    whose current requirement of the item is still open keeps it (counted in
    `already_required`), with the earlier of the two due dates. `now` (default: the clock) stamps
    the new requirements, so a seed or a replay dates them as it means to.
    """
    now = now or timezone.now()
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


def _member_rows(
    rule: AssignmentRule, on: dt.date, person_ids: Sequence[int] | None, among: str | None = None
) -> Members:
    members = rule.audience.members(on=on)
    if person_ids is None:
        return list(members.values_list("pk", "hire_date"))
    wanted = set(person_ids)
    rows: Members = []
    for narrowed in by_persons(members, "pk", wanted, among):
        rows.extend((pid, hired) for pid, hired in narrowed.values_list("pk", "hire_date") if pid in wanted)
    return rows


@contextmanager
def _person_set(person_ids: Sequence[int] | None) -> Iterator[str | None]:
    """A temporary table of the persons when there are many (see bulkcopy.temporary_ids), else None."""
    if person_ids is None or len(person_ids) <= MANY:
        yield None
        return
    with temporary_ids(person_ids) as among:
        yield among


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

    A member whose current requirement of the item comes from another rule keeps it,
    due at the earlier of the two dates (the earliest due wins). `now` (default: the clock)
    dates the new requirements and decides which completions enter renewal. The call is one
    rule run: one 'rule.apply' audit line, and the new requirements carry the run (see `runs`).
    """
    if not rule.active:
        return 0
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    run = Run(kind=RunKind.RULE, actor=actor, now=now)
    with _person_set(person_ids) as among:
        members = _member_rows(rule, on, person_ids, among)
        zones = zones_of([pid for pid, _ in members], on=on, among=among)
        return _apply(rule, members, on=on, actor=actor, zones=zones, among=among, now=now, run=run)


def _apply(
    rule: AssignmentRule,
    members: Members,
    *,
    on: dt.date,
    actor: Person | None,
    zones: Zones,
    among: str | None,
    run: Run,
    now: dt.datetime | None = None,
) -> int:
    """Apply one rule to `members` within `run`; returns how many requirements it created or reopened."""
    results = _apply_rule(rule, members, on=on, actor=actor, zones=zones, among=among, run=run, now=now)
    run.audit_rule(rule, created=sum(r.new for r in results), covered=sum(r.covered for r in results))
    return sum(r.created for r in results)


def _apply_rule(
    rule: AssignmentRule,
    members: Members,
    *,
    on: dt.date,
    actor: Person | None,
    zones: Zones,
    among: str | None,
    run: Run,
    now: dt.datetime | None = None,
) -> list[Inserted]:
    now = now or timezone.now()
    due_at = _DueDates(zones)
    common = dict(
        rule=rule,
        source_kind=SourceKind.RULE,
        source_ref=f"rule:{rule.pk}",
        actor=actor,
        grace_days=rule.grace_days,
        now=now,
        among=among,
        run=run,
    )

    if rule.recurrence == Recurrence.WINDOW:
        window = current_window(rule, on)
        cycle = window.cycle
        planned = [Planned(pid, cycle, due_at.window(rule, window, hired, pid)) for pid, hired in members]
        # Completions since the window opened count: its earliest local midnight among these people.
        opens = min(
            (dt.datetime.combine(window.opens, dt.time(), tzinfo=tz) for tz in set(zones.values())),
            default=dt.datetime.combine(window.opens, dt.time(), tzinfo=dt.UTC),
        )
        return [insert_requirements(item=rule.item, planned=planned, satisfied_since=opens, **common)]

    if rule.recurrence == Recurrence.NONE:
        once = Cycle.once()
        planned = [Planned(pid, once, due_at.first(rule, on, hired, pid)) for pid, hired in members]
        return [insert_requirements(item=rule.item, planned=planned, satisfied_since=None, **common)]

    first, renewals = _interval_plan(rule, members, on=on, now=now, due_at=due_at, among=among)
    since = add_months(now, -rule.interval_months)
    return [
        insert_requirements(item=rule.item, planned=first, satisfied_since=since, **common),
        insert_requirements(item=rule.item, planned=renewals, **common),
    ]


def _interval_plan(
    rule: AssignmentRule, members: Members, *, on, now, due_at, among: str | None
) -> tuple[list[Planned], list[Planned]]:
    """Every N months: a first cycle for those who never had one, and the next cycle
    for those whose completion enters its renewal window."""
    current: dict[int, tuple[Cycle, str]] = {}
    renewals: list[Planned] = []
    horizon = now + dt.timedelta(days=rule.renewal_window_days)
    other_kind: dict[int, dt.datetime] = {}
    wanted = {pid for pid, _ in members}
    for rows_now in by_persons(
        Assignment.objects.filter(item=rule.item, current=True), "person_id", wanted, among
    ):
        for pid, *key, reason in rows_now.values_list("person_id", *CYCLE_COLUMNS, "closed_reason"):
            if pid in wanted:
                current[pid] = (Cycle.from_columns(*key), reason)
        # Expiry is kept on the requirement; older rows only on their record.
        due_for_renewal = rows_now.filter(closed_reason=ClosedReason.COMPLETED).filter(
            Q(covered_until__lte=horizon) | Q(covered_until__isnull=True, record__valid_until__lte=horizon)
        )
        for pid, kind, number, covered, valid in due_for_renewal.values_list(
            "person_id", "cycle_kind", "cycle_number", "covered_until", "record__valid_until"
        ):
            if pid not in wanted:
                continue
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
    number_one = Cycle.interval(1)
    for pid, hired in members:
        cycle, reason = current.get(pid, (number_one, ""))
        from_elsewhere = reason == ClosedReason.OPEN and cycle.kind != CycleKind.INTERVAL
        if pid not in current or reason in WITHDRAWN or from_elsewhere:
            # never assigned, back in the audience, or open from another source (the earliest due wins)
            if cycle.kind != CycleKind.INTERVAL:
                cycle = number_one
            first.append(Planned(pid, cycle, due_at.first(rule, on, hired, pid)))
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
    Set-based at roster scale: each rule's audience is read once for all the persons. The call is
    one rule run: one 'rule.apply' audit line per rule that created something (see `runs`).
    """
    on = on or timezone.localdate()
    now = timezone.now()
    person_ids = sorted(set(person_ids))
    if len(person_ids) > MANY:
        relaxed_commit()
    asked = set(person_ids)
    with _person_set(person_ids) as among:
        terminated: list[int] = []
        for rows in by_persons(
            Person.objects.filter(status=PersonStatus.TERMINATED), "pk", person_ids, among
        ):
            terminated.extend(pid for pid in rows.values_list("pk", flat=True) if pid in asked)
        terminated_open = []
        for chunk in chunks(terminated):
            terminated_open.extend(
                Assignment.objects.filter(person_id__in=chunk, closed_at__isnull=True).values_list(
                    "pk", flat=True
                )
            )
        closed_terminated = close_requirements(terminated_open, ClosedReason.TERMINATED, actor, now)
        staying = sorted(set(person_ids) - set(terminated))
        rules = list(
            AssignmentRule.objects.filter(active=True).select_related("item", "audience").order_by("pk")
        )
        # `among` holds the terminated too: every read below keeps only the staying.
        members_of = {rule.pk: _member_rows(rule, on, staying, among) for rule in rules}
        required: set[tuple[int, int]] = set()
        for rule in rules:
            required.update((pid, rule.item_id) for pid, _ in members_of[rule.pk])
        open_by_rule = []
        staying_set = set(staying)
        rule_made = Assignment.objects.filter(closed_at__isnull=True, source_kind=SourceKind.RULE)
        for rows in by_persons(rule_made, "person_id", staying, among):
            open_by_rule.extend(
                row for row in rows.values_list("pk", "person_id", "item_id") if row[1] in staying_set
            )
        unrequired = [pk for pk, pid, item_id in open_by_rule if (pid, item_id) not in required]
        closed_unrequired = close_requirements(unrequired, ClosedReason.NO_LONGER_REQUIRED, actor, now)
        zones = zones_of(staying, on=on, among=among)
        run = Run(kind=RunKind.ROSTER, actor=actor, now=now)
        created = sum(
            _apply(rule, members_of[rule.pk], on=on, actor=actor, zones=zones, among=among, run=run, now=now)
            for rule in rules
        )
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
