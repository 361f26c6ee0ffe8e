"""Reads for simulation drills: the drills a person runs or oversees, a drill's timeline against its
targets, a unit's open threats and its readiness over months."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from bedside.drills.models import DrillStatus, SafetyThreat, SimAction, SimDrill, ThreatStatus
from bedside.people import access
from bedside.people.models import Person, Unit


def drills_for(person: Person) -> QuerySet[SimDrill]:
    """Drills on the units the person oversees, and those they facilitate."""
    return access.scoped(person, access.OVERSIGHT, SimDrill, own=True).select_related(
        "scenario__item", "unit", "facilitator"
    )


@dataclass
class Step:
    key: str
    label: str
    target: int | None
    elapsed: int | None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.elapsed is None:
            return None
        return self.elapsed <= self.target


def timeline(drill: SimDrill) -> list[Step]:
    """Each key action of the scenario, in order, with its elapsed time if tapped."""
    done = dict(SimAction.objects.filter(drill=drill).values_list("key", "elapsed_seconds"))
    return [
        Step(a["key"], a["label"], a.get("target_seconds"), done.get(a["key"]))
        for a in drill.scenario.key_actions
    ]


def open_threats(unit: Unit) -> QuerySet[SafetyThreat]:
    return (
        SafetyThreat.objects.filter(unit=unit)
        .exclude(status=ThreatStatus.CLOSED)
        .select_related("owner", "drill__scenario__item")
        .order_by("due_on", "pk")
    )


def months_back(today: dt.date, n: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(n):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def readiness(unit: Unit, *, today: dt.date, months: int = 12, tz=None) -> dict:
    """Median seconds to each key action per month on the unit's finished drills (a chart's data)."""
    start = months_back(today, months)[0]
    drills = SimDrill.objects.filter(
        unit=unit, status=DrillStatus.FINISHED, started_at__date__gte=start - dt.timedelta(days=1)
    ).select_related("scenario")
    labels: dict[str, str] = {}
    targets: dict[str, int | None] = {}
    values: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    actions = SimAction.objects.filter(drill__in=drills).values_list("drill_id", "key", "elapsed_seconds")
    by_drill = {d.pk: d for d in drills}
    for drill in drills:
        for a in drill.scenario.key_actions:
            labels.setdefault(a["key"], a["label"])
            targets.setdefault(a["key"], a.get("target_seconds"))
    for drill_id, key, seconds in actions:
        started = by_drill[drill_id].started_at
        month = (started.astimezone(tz) if tz else started).date().replace(day=1)
        values[(key, month)].append(seconds)
    month_list = months_back(today, months)
    series = [
        {
            "key": key,
            "label": label,
            "target": targets.get(key),
            "values": [
                statistics.median(values[(key, m)]) if values.get((key, m)) else None for m in month_list
            ],
        }
        for key, label in labels.items()
        if any(values.get((key, m)) for m in month_list)
    ]
    return {
        "months": [m.strftime("%b %Y") for m in month_list],
        "series": series,
        "drills": drills.count(),
    }


def units_with_drills(person: Person) -> QuerySet[Unit]:
    return access.units_in_scope(person).filter(
        Q(pk__in=SimDrill.objects.values("unit_id")) | Q(pk__in=SafetyThreat.objects.values("unit_id"))
    )
