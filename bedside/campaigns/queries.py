"""Reads of campaigns: progress by unit, role and item, people not started, progress over time."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from bedside.assignments.models import Assignment, ClosedReason
from bedside.assignments.queries import satisfied_q
from bedside.campaigns.models import Campaign, CampaignMember, ReadinessRule
from bedside.people.models import JobRole, Person, Unit
from bedside.people.timezones import local_date, system_tz
from bedside.records.models import Record


@dataclass
class Tally:
    key: object
    label: str
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def open(self) -> int:
        return self.total - self.done


@dataclass
class Progress:
    campaign: Campaign
    people: int = 0
    people_done: int = 0
    pairs: int = 0
    pairs_done: int = 0
    by_unit: list[Tally] = field(default_factory=list)
    by_role: list[Tally] = field(default_factory=list)
    by_item: list[Tally] = field(default_factory=list)
    not_started: list[Person] = field(default_factory=list)
    not_started_count: int = 0
    done_on: dict[dt.date, int] = field(default_factory=dict)  # pairs completed on each local day
    # person id -> {item id: completed at or None}, for exports and digests
    status: dict[int, dict[int, dt.datetime | None]] = field(default_factory=dict)
    members: list[tuple[int, int | None, int | None]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return int(100 * self.pairs_done / self.pairs) if self.pairs else 0


NOT_STARTED_SHOWN = 200


def members_of(campaign: Campaign, units: QuerySet[Unit] | None) -> QuerySet[CampaignMember]:
    """The campaign's members, narrowed to the units given (None: all)."""
    rows = CampaignMember.objects.filter(campaign=campaign)
    return rows if units is None else rows.filter(unit__in=units)


def campaign_progress(campaign: Campaign, *, units: QuerySet[Unit] | None = None) -> Progress:
    """Where the campaign stands for its members on the units given (None: all), in a handful of queries.

    Done means the person's current requirement of the item is closed as completed; started means
    any record of a bundle item since the campaign began.
    """
    result = Progress(campaign=campaign)
    items = {ci.item_id: ci.item.title for ci in campaign.items.select_related("item")}
    members = list(members_of(campaign, units).values_list("person_id", "unit_id", "job_role_id"))
    result.members = members
    result.people = len(members)
    if not members or not items:
        return result
    member_ids = members_of(campaign, units).values("person_id")
    status: dict[int, dict[int, dt.datetime | None]] = {p: dict.fromkeys(items) for p, _, _ in members}
    completed = Assignment.objects.filter(
        current=True, item_id__in=list(items), person_id__in=member_ids, closed_reason=ClosedReason.COMPLETED
    ).values_list("person_id", "item_id", "closed_at")
    tz = system_tz()
    done_on: dict[dt.date, int] = defaultdict(int)
    for person_id, item_id, closed_at in completed.iterator(chunk_size=5000):
        status[person_id][item_id] = closed_at
        done_on[local_date(tz, closed_at)] += 1
    begun = dt.datetime.combine(campaign.starts_on, dt.time(), tzinfo=tz)
    started = set(
        Record.objects.filter(person_id__in=member_ids, item_id__in=list(items), at__gte=begun)
        .values_list("person_id", flat=True)
        .distinct()
    )
    units_named = dict(Unit.objects.filter(pk__in={u for _, u, _ in members if u}).values_list("pk", "name"))
    roles_named = dict(
        JobRole.objects.filter(pk__in={r for _, _, r in members if r}).values_list("pk", "name")
    )
    by_unit: dict = {}
    by_role: dict = {}
    by_item = {pk: Tally(pk, title) for pk, title in items.items()}
    not_started: list[int] = []
    for person_id, unit_id, role_id in members:
        done = [i for i, at in status[person_id].items() if at is not None]
        unit = by_unit.setdefault(unit_id, Tally(unit_id, units_named.get(unit_id, "No unit")))
        role = by_role.setdefault(role_id, Tally(role_id, roles_named.get(role_id, "No role")))
        for tally in (unit, role):
            tally.total += len(items)
            tally.done += len(done)
        for item_id in items:
            by_item[item_id].total += 1
        for item_id in done:
            by_item[item_id].done += 1
        if len(done) == len(items):
            result.people_done += 1
        if not done and person_id not in started:
            not_started.append(person_id)
    result.pairs = len(members) * len(items)
    result.pairs_done = sum(t.done for t in by_item.values())
    lowest_first = lambda t: (t.percent, t.label)  # noqa: E731
    result.by_unit = sorted(by_unit.values(), key=lowest_first)
    result.by_role = sorted(by_role.values(), key=lowest_first)
    result.by_item = sorted(by_item.values(), key=lowest_first)
    result.not_started_count = len(not_started)
    result.not_started = list(
        Person.objects.filter(pk__in=not_started[:NOT_STARTED_SHOWN]).order_by(
            "last_name", "first_name", "pk"
        )
    )
    result.done_on = dict(done_on)
    result.status = status
    return result


def timeline(progress: Progress, today: dt.date) -> dict:
    """The chart's series: share done by the end of each day from the start to the deadline, against a
    straight line from 0 at the start to 100% at the deadline (on track)."""
    campaign = progress.campaign
    days = (campaign.deadline - campaign.starts_on).days + 1
    labels, done, target = [], [], []
    running = sum(n for d, n in progress.done_on.items() if d < campaign.starts_on)
    for n in range(days):
        day = campaign.starts_on + dt.timedelta(days=n)
        running += progress.done_on.get(day, 0)
        labels.append(f"{day:%a} {day.day} {day:%b}")
        done.append(round(100 * running / progress.pairs, 1) if progress.pairs and day <= today else None)
        target.append(round(100 * (n + 1) / days, 1))
    return {"labels": labels, "done": done, "target": target}


@dataclass
class Cleared:
    key: object
    label: str
    cleared: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.cleared / self.total) if self.total else 0

    @property
    def waiting(self) -> int:
        return self.total - self.cleared


@dataclass
class Readiness:
    """Who a readiness rule clears: counts by unit and role, and the people on each side."""

    rule: ReadinessRule
    items: dict[int, str]  # the items the rule requires, id -> title
    people: int = 0
    cleared: int = 0
    by_unit: list[Cleared] = field(default_factory=list)
    by_role: list[Cleared] = field(default_factory=list)
    cleared_people: list[Person] = field(default_factory=list)
    waiting_people: list[tuple[Person, list[str]]] = field(default_factory=list)  # with what they miss
    # (person id, unit id, role id, ids of the rule's items still missing), for the export
    rows: list[tuple[int, int | None, int | None, list[int]]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return int(100 * self.cleared / self.people) if self.people else 0

    @property
    def waiting(self) -> int:
        return self.people - self.cleared

    @property
    def tables(self) -> list[tuple[list[Cleared], str]]:
        return [(self.by_unit, "Unit"), (self.by_role, "Job role")]


READINESS_SHOWN = 100


def readiness(
    campaign: Campaign,
    *,
    now: dt.datetime,
    units: QuerySet[Unit] | None = None,
    rules: list[ReadinessRule] | None = None,
    shown: int = READINESS_SHOWN,
) -> list[Readiness]:
    """For each readiness rule, its members (on the units given, None: all) and whether each is cleared:
    their current requirement of every item the rule names is complete, or covered by a completion still
    valid at `now`. Two queries for the requirements and people however many rules there are."""
    rules = (
        rules
        if rules is not None
        else list(campaign.readiness_rules.prefetch_related("items", "units", "job_roles"))
    )
    if not rules:
        return []
    bundle = {ci.item_id: ci.item.title for ci in campaign.items.select_related("item")}
    members = list(members_of(campaign, units).values_list("person_id", "unit_id", "job_role_id"))
    satisfied: set[tuple[int, int]] = set(
        Assignment.objects.filter(
            satisfied_q(now),
            current=True,
            item_id__in=list(bundle),
            person_id__in=members_of(campaign, units).values("person_id"),
        ).values_list("person_id", "item_id")
    )
    units_named = dict(Unit.objects.filter(pk__in={u for _, u, _ in members if u}).values_list("pk", "name"))
    roles_named = dict(
        JobRole.objects.filter(pk__in={r for _, _, r in members if r}).values_list("pk", "name")
    )
    found = []
    for rule in rules:
        wanted = [i.pk for i in rule.items.all() if i.pk in bundle] or list(bundle)
        rule_units = {u.pk for u in rule.units.all()}
        rule_roles = {r.pk for r in rule.job_roles.all()}
        result = Readiness(rule=rule, items={pk: bundle[pk] for pk in wanted})
        by_unit: dict = {}
        by_role: dict = {}
        for person_id, unit_id, role_id in members:
            if (rule_units and unit_id not in rule_units) or (rule_roles and role_id not in rule_roles):
                continue
            missing = [i for i in wanted if (person_id, i) not in satisfied]
            result.rows.append((person_id, unit_id, role_id, missing))
            if unit_id not in by_unit:
                by_unit[unit_id] = Cleared(unit_id, units_named.get(unit_id, "No unit"))
            if role_id not in by_role:
                by_role[role_id] = Cleared(role_id, roles_named.get(role_id, "No role"))
            for tally in (by_unit[unit_id], by_role[role_id]):
                tally.total += 1
                tally.cleared += not missing
        result.people = len(result.rows)
        result.cleared = sum(1 for *_, missing in result.rows if not missing)
        result.by_unit = sorted(by_unit.values(), key=lambda t: (t.percent, t.label))
        result.by_role = sorted(by_role.values(), key=lambda t: (t.percent, t.label))
        found.append(result)
    if not shown:
        return found
    members_named = Person.objects.filter(pk__in=members_of(campaign, units).values("person_id"))
    names = {
        pk: (last, first, pk)
        for pk, last, first in members_named.values_list("pk", "last_name", "first_name")
    }
    picks = []
    for result in found:
        cleared = heapq.nsmallest(shown, (p for p, *_, m in result.rows if not m), key=names.__getitem__)
        waiting = heapq.nsmallest(
            shown, ((p, m) for p, *_, m in result.rows if m), key=lambda pm: names[pm[0]]
        )
        picks.append((cleared, waiting))
    persons = Person.objects.in_bulk({p for c, w in picks for p in [*c, *(p for p, _ in w)]})
    for result, (cleared, waiting) in zip(found, picks, strict=True):
        result.cleared_people = [persons[p] for p in cleared]
        result.waiting_people = [(persons[p], [result.items[i] for i in m]) for p, m in waiting]
    return found
