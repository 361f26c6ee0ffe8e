"""Compliance: the share of required (person, item) pairs satisfied now, by unit and job role.

A person counts on the unit of their current primary job. One grouped query per
page; statuses come from dates at read time (see assignments.queries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bedside.assignments.models import Assignment
from bedside.assignments.queries import overdue_q, required, satisfied_q, with_status
from bedside.people.models import JobRole, Person, Unit
from bedside.records.models import LearningItem


class _Counts:
    """Done, due and overdue out of a total, as rows of compliance tables show them."""

    total: int
    satisfied: int
    overdue: int

    @property
    def due(self) -> int:
        return self.total - self.satisfied - self.overdue

    @property
    def percent(self) -> float:
        return round(100 * self.satisfied / self.total, 1) if self.total else 100.0


@dataclass
class ComplianceRow(_Counts):
    unit: Unit | None
    job_role: JobRole | None
    total: int
    satisfied: int
    overdue: int


def _on_primary_job(rows: QuerySet[Assignment], today: dt.date, unit_q: Q | None) -> QuerySet[Assignment]:
    # All job conditions in one filter() call so they apply to the same joined job row.
    conditions = Q(person__jobs__primary=True, person__jobs__start_date__lte=today) & (
        Q(person__jobs__end_date__isnull=True) | Q(person__jobs__end_date__gte=today)
    )
    if unit_q is not None:
        conditions &= unit_q
    return rows.filter(conditions)


def _scope_q(units: QuerySet[Unit] | None, site_id: int | None, unit_id: int | None) -> Q | None:
    q = None
    if units is not None:
        q = Q(person__jobs__unit__in=units.values("pk"))
    if site_id is not None:
        q = (q or Q()) & Q(person__jobs__unit__site_id=site_id)
    if unit_id is not None:
        q = (q or Q()) & Q(person__jobs__unit_id=unit_id)
    return q


def compliance_by_unit_role(
    *,
    units: QuerySet[Unit] | None,
    site_id: int | None = None,
    unit_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[ComplianceRow]:
    """Counts per (unit, job role) within the units given (None: the whole system)."""
    now = now or timezone.now()
    rows = (
        _on_primary_job(required(), timezone.localdate(now), _scope_q(units, site_id, unit_id))
        .values("person__jobs__unit_id", "person__jobs__job_role_id")
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=satisfied_q(now)),
            overdue=Count("pk", filter=overdue_q(now)),
        )
        .order_by("person__jobs__unit_id", "person__jobs__job_role_id")
    )
    rows = list(rows)
    unit_map = Unit.objects.select_related("site").in_bulk({r["person__jobs__unit_id"] for r in rows})
    role_map = JobRole.objects.in_bulk({r["person__jobs__job_role_id"] for r in rows})
    result = [
        ComplianceRow(
            unit=unit_map.get(r["person__jobs__unit_id"]),
            job_role=role_map.get(r["person__jobs__job_role_id"]),
            total=r["total"],
            satisfied=r["satisfied"],
            overdue=r["overdue"],
        )
        for r in rows
    ]
    return sorted(
        result, key=lambda r: (r.unit.name if r.unit else "", r.job_role.name if r.job_role else "")
    )


def roll_up(rows: list[ComplianceRow], by: str) -> list[ComplianceRow]:
    """Sum rows by 'unit' or 'job_role'."""
    groups: dict = {}
    for row in rows:
        key = getattr(row, by)
        acc = groups.setdefault(
            key.pk if key else None,
            ComplianceRow(
                unit=row.unit if by == "unit" else None,
                job_role=row.job_role if by == "job_role" else None,
                total=0,
                satisfied=0,
                overdue=0,
            ),
        )
        acc.total += row.total
        acc.satisfied += row.satisfied
        acc.overdue += row.overdue
    return sorted(groups.values(), key=lambda r: getattr(r, by).name if getattr(r, by) else "")


def total(rows: list[ComplianceRow]) -> ComplianceRow:
    return ComplianceRow(
        unit=None,
        job_role=None,
        total=sum(r.total for r in rows),
        satisfied=sum(r.satisfied for r in rows),
        overdue=sum(r.overdue for r in rows),
    )


@dataclass
class ItemRow(_Counts):
    item: LearningItem
    total: int
    satisfied: int
    overdue: int


def compliance_by_item(
    *,
    units: QuerySet[Unit] | None,
    site_id: int | None = None,
    unit_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[ItemRow]:
    """Counts per training item within the scope, furthest behind first, in two queries."""
    now = now or timezone.now()
    rows = list(
        _on_primary_job(required(), timezone.localdate(now), _scope_q(units, site_id, unit_id))
        .values("item_id")
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=satisfied_q(now)),
            overdue=Count("pk", filter=overdue_q(now)),
        )
        .order_by("item_id")
    )
    items = LearningItem.objects.only("pk", "title", "kind").in_bulk([r["item_id"] for r in rows])
    result = [ItemRow(items[r["item_id"]], r["total"], r["satisfied"], r["overdue"]) for r in rows]
    return sorted(result, key=lambda r: (r.percent, -r.overdue, r.item.title))


@dataclass
class Compliance:
    """A page's counts from one grouped query: by (unit, job role), by item, and by person if asked."""

    rows: list[ComplianceRow]
    items: list[ItemRow]
    people: list[PersonSummary] | None = None


def compliance(
    *,
    units: QuerySet[Unit] | None,
    site_id: int | None = None,
    unit_id: int | None = None,
    by_person: bool = False,
    now: dt.datetime | None = None,
) -> Compliance:
    """`compliance_by_unit_role`, `compliance_by_item` (and for one unit `unit_people`) in one pass.

    The rows in scope are read once, grouped by (unit, job role, item) and by person when
    `by_person`, and summed here: a second grouped scan of a site's or the system's
    requirements costs more than adding up the groups (a few per unit, role and item).
    """
    now = now or timezone.now()
    keys = ["person__jobs__unit_id", "person__jobs__job_role_id", "item_id"]
    if by_person:
        keys += ["person_id", "person__first_name", "person__last_name"]
    groups = (
        _on_primary_job(required(), timezone.localdate(now), _scope_q(units, site_id, unit_id))
        .values(*keys)
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=satisfied_q(now)),
            overdue=Count("pk", filter=overdue_q(now)),
        )
        .order_by()
        .values_list(*keys, "total", "satisfied", "overdue")
    )
    by_unit_role: dict[tuple, list[int]] = {}
    by_item: dict[int, list[int]] = {}
    by_person_id: dict[int, list] = {}
    for row in groups:
        unit, role, item = row[:3]
        counts = row[-3:]
        for table, key in ((by_unit_role, (unit, role)), (by_item, item)):
            acc = table.get(key)
            if acc is None:
                table[key] = list(counts)
            else:
                acc[0] += counts[0]
                acc[1] += counts[1]
                acc[2] += counts[2]
        if by_person:
            acc = by_person_id.get(row[3])
            if acc is None:
                by_person_id[row[3]] = [row[4], row[5], *counts]
            else:
                acc[2] += counts[0]
                acc[3] += counts[1]
                acc[4] += counts[2]
    unit_map = Unit.objects.select_related("site").in_bulk({u for u, _ in by_unit_role})
    role_map = JobRole.objects.in_bulk({r for _, r in by_unit_role})
    rows = sorted(
        (ComplianceRow(unit_map.get(u), role_map.get(r), *counts) for (u, r), counts in by_unit_role.items()),
        key=lambda r: (r.unit.name if r.unit else "", r.job_role.name if r.job_role else ""),
    )
    titles = LearningItem.objects.only("pk", "title", "kind").in_bulk(list(by_item))
    items = sorted(
        (ItemRow(titles[i], *counts) for i, counts in by_item.items()),
        key=lambda r: (r.percent, -r.overdue, r.item.title),
    )
    people = None
    if by_person:
        people = sorted(
            (
                PersonSummary(Person(pk=pk, first_name=first, last_name=last), total, satisfied, overdue)
                for pk, (first, last, total, satisfied, overdue) in by_person_id.items()
            ),
            key=lambda s: (-s.overdue, -s.due, s.person.last_name, s.person.first_name, s.person.pk),
        )
    return Compliance(rows, items, people)


def unit_detail(unit: Unit, now: dt.datetime | None = None) -> QuerySet[Assignment]:
    """Every current requirement of the unit's staff, with status, person and item in one query."""
    now = now or timezone.now()
    rows = _on_primary_job(required(), timezone.localdate(now), Q(person__jobs__unit_id=unit.pk))
    return (
        with_status(rows, now)
        .select_related("person", "item")
        .order_by("person__last_name", "person__first_name", "person_id", "due_at", "pk")
    )


@dataclass
class PersonSummary:
    person: object
    total: int = 0
    satisfied: int = 0
    overdue: int = 0

    @property
    def due(self) -> int:
        return self.total - self.satisfied - self.overdue

    @property
    def percent(self) -> float:
        return round(100 * self.satisfied / self.total, 1) if self.total else 100.0


def unit_people(unit: Unit, now: dt.datetime | None = None) -> list[PersonSummary]:
    """Counts per person of the unit, most behind first, in one grouped query (persons carry only names).

    Counting in the database keeps a 500-person unit's page fast: no row per requirement
    crosses into Python.
    """
    now = now or timezone.now()
    rows = (
        _on_primary_job(required(), timezone.localdate(now), Q(person__jobs__unit_id=unit.pk))
        .values("person_id", "person__first_name", "person__last_name")
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=satisfied_q(now)),
            overdue=Count("pk", filter=overdue_q(now)),
        )
        .order_by()
    )
    summaries = [
        PersonSummary(
            person=Person(
                pk=r["person_id"], first_name=r["person__first_name"], last_name=r["person__last_name"]
            ),
            total=r["total"],
            satisfied=r["satisfied"],
            overdue=r["overdue"],
        )
        for r in rows
    ]
    return sorted(
        summaries, key=lambda s: (-s.overdue, -s.due, s.person.last_name, s.person.first_name, s.person.pk)
    )
