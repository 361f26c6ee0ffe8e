"""Shift patterns and minimum staffing per unit kind, from real nurse-to-patient ratios.

ICU nurses 1:2, step-down 1:3, medical-surgical floors 1:5, oncology and paediatrics 1:4,
labour 1:2, the ED about 1:4 by day. Minimums are per wall-clock window, Monday = 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

TWELVE_HOUR = ((7, 19), (19, 7))
EIGHT_HOUR = ((7, 15), (15, 23), (23, 7))
CLINIC_DAY = ((7, 15),)

TWELVE_HOUR_KINDS = frozenset(
    {"icu", "step_down", "med_surg", "oncology", "peds", "nicu", "labor", "ed", "pacu", "respiratory"}
)
EIGHT_HOUR_KINDS = frozenset({"psych", "or", "pharmacy"})
CLINIC_KINDS = frozenset({"ambulatory"})
INPATIENT_KINDS = frozenset({"icu", "step_down", "med_surg", "oncology", "peds", "nicu", "labor", "psych"})
CRITICAL_KINDS = frozenset({"icu", "step_down", "nicu"})

# Roles that work scheduled shifts; everyone else (physicians, admin, students) has none here.
SHIFT_ROLES = ("RN", "PCA", "RT", "PHARM")
AVERAGE_FTE = 0.915  # 60% at 1.0, 25% at 0.9, 15% at 0.6
WEEKEND = (5, 6)


class UnitLike(Protocol):
    kind: str
    beds: int


@dataclass(frozen=True)
class MinimumPlan:
    role: str
    weekday: int
    start: int  # local hour
    end: int  # local hour; not after start means the next morning
    minimum: int

    @property
    def hours(self) -> int:
        return (self.end - self.start) % 24 or 24


def windows_of(kind: str) -> tuple[tuple[int, int], ...]:
    """The shift windows a unit of this kind works (empty: no scheduled shifts)."""
    if kind in TWELVE_HOUR_KINDS:
        return TWELVE_HOUR
    if kind in EIGHT_HOUR_KINDS:
        return EIGHT_HOUR
    if kind in CLINIC_KINDS:
        return CLINIC_DAY
    return ()


def _per(count: int, ratio: float) -> int:
    return max(1, math.ceil(count / ratio))


def _needs(unit: UnitLike, weekday: int, critical_beds: int, inpatient_beds: int) -> dict[str, list[int]]:
    """Minimum staff per window of the unit's pattern, by job role code."""
    b, kind = unit.beds, unit.kind
    weekend = weekday in WEEKEND
    if kind == "icu":
        return {"RN": [_per(b, 2), _per(b, 2)], "PCA": [_per(b, 10), _per(b, 12)]}
    if kind == "step_down":
        return {"RN": [_per(b, 3), _per(b, 3)], "PCA": [_per(b, 8), _per(b, 10)]}
    if kind == "med_surg":
        return {"RN": [_per(b, 5), _per(b, 5)], "PCA": [_per(b, 10), _per(b, 12)]}
    if kind in ("oncology", "peds"):
        return {"RN": [_per(b, 4), _per(b, 4)], "PCA": [_per(b, 10), _per(b, 14)]}
    if kind == "nicu":
        return {"RN": [_per(b, 3), _per(b, 3)]}
    if kind == "labor":
        return {"RN": [_per(b, 2), _per(b, 2)], "PCA": [2, 1]}
    if kind == "ed":
        return {"RN": [_per(b, 4), _per(b, 5)], "PCA": [_per(b, 10), _per(b, 12)]}
    if kind == "pacu":
        return {"RN": [_per(b, 3), _per(b, 8)]}
    if kind == "psych":
        return {"RN": [_per(b, 6), _per(b, 6), _per(b, 8)], "PCA": [_per(b, 5), _per(b, 5), _per(b, 8)]}
    if kind == "or":  # b = operating rooms: a circulating nurse per running room
        return {"RN": [_per(b, 4), 2, 2] if weekend else [b, _per(b, 3), 2]}
    if kind == "ambulatory":
        return {} if weekend else {"RN": [2], "PCA": [2]}
    if kind == "respiratory":
        return {"RT": [_per(critical_beds, 10), _per(critical_beds, 12)]}
    if kind == "pharmacy":
        return {"PHARM": [_per(inpatient_beds, 60), _per(inpatient_beds, 90), _per(inpatient_beds, 150)]}
    return {}


def site_beds(units: Sequence[UnitLike]) -> tuple[int, int]:
    """(critical care beds, inpatient beds) of a site: what its RTs and pharmacists cover."""
    critical = sum(u.beds for u in units if u.kind in CRITICAL_KINDS)
    inpatient = sum(u.beds for u in units if u.kind in INPATIENT_KINDS)
    return critical, inpatient


def unit_minimums(unit: UnitLike, *, critical_beds: int, inpatient_beds: int) -> list[MinimumPlan]:
    """Every minimum-staffing window of the unit over a week."""
    windows = windows_of(unit.kind)
    rows = []
    for weekday in range(7):
        for role, counts in _needs(unit, weekday, critical_beds, inpatient_beds).items():
            for (start, end), count in zip(windows, counts, strict=True):
                rows.append(MinimumPlan(role, weekday, start, end, count))
    return rows


def weekly_hours(minimums: Sequence[MinimumPlan], role: str) -> int:
    return sum(m.minimum * m.hours for m in minimums if m.role == role)


def heads_needed(minimums: Sequence[MinimumPlan], role: str) -> float:
    """Head count that covers the role's minimums at the usual FTE mix (36 h or 40 h a week per FTE)."""
    hours = weekly_hours(minimums, role)
    per_fte = 36 if any(m.hours == 12 for m in minimums if m.role == role) else 40
    return hours / (per_fte * AVERAGE_FTE)
