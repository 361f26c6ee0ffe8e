"""Staff of the demo hospital: names, roles, units, FTE, hire dates, second jobs. Planned, then written.

Nurses, patient care associates, respiratory therapists and pharmacists are spread
over units by what the units' minimum staffing needs; physicians, students and
office staff by the kinds of unit they work on.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from faker import Faker

from bedside.demo.logins import DEMO_LOGINS
from bedside.demo.organisation import JOB_ROLES, SitePlan, UnitPlan
from bedside.demo.staffing import SHIFT_ROLES, heads_needed, site_beds, unit_minimums, windows_of

STAFF_DOMAIN = "commonwealthhealth.test"
LEARNER_DOMAIN = "learners.example.org"

# Relative weight of a unit kind for roles placed by kind (then scaled by the unit's size).
KIND_WEIGHTS: dict[str, dict[str, float]] = {
    "ATT": {"icu": 3, "step_down": 1, "med_surg": 2, "oncology": 2, "ed": 4, "or": 5, "labor": 2,
            "nicu": 2, "peds": 2, "psych": 1.5, "ambulatory": 3, "pacu": 0.5},
    "RES": {"icu": 3, "med_surg": 3, "ed": 3, "or": 2, "labor": 1, "nicu": 1, "peds": 2, "psych": 1,
            "ambulatory": 1, "oncology": 1, "step_down": 1},
    "FEL": {"icu": 3, "step_down": 1, "oncology": 2, "nicu": 2, "ed": 0.5, "ambulatory": 1},
    "NP": {"icu": 1, "step_down": 1, "med_surg": 1.5, "oncology": 1, "ed": 1, "nicu": 2,
           "ambulatory": 3, "psych": 1},
    "PA": {"or": 3, "ed": 3, "med_surg": 1, "icu": 1, "ambulatory": 1},
    "STU": {"med_surg": 2, "peds": 1, "ed": 1, "icu": 0.5, "labor": 1, "ambulatory": 1},
    "RSCH": {"ambulatory": 1, "oncology": 2, "icu": 0.5},
    "ADMIN": {"icu": 0.2, "step_down": 0.2, "med_surg": 0.2, "oncology": 0.2, "ed": 0.3,
              "or": 0.3, "labor": 0.2, "nicu": 0.2, "peds": 0.2, "psych": 0.2, "ambulatory": 0.5},
    "PHARM": {"ambulatory": 0.1, "oncology": 0.1},
}  # fmt: skip
# Office staff and researchers mostly sit in their own units (kind, department).
HOME_UNITS = {"ADMIN": ("admin", "Administration"), "RSCH": ("admin", "Medicine")}
FLOAT_SHARE = 0.08  # of a site's nurses
EDUCATOR_SHARE = 0.01  # of a site's nurses, in nursing education
FTE_CHOICES = ((1.0, 0.60), (0.9, 0.25), (0.6, 0.15))


@dataclass(slots=True)
class PersonPlan:
    index: int
    first_name: str
    last_name: str
    email: str
    employee_id: str | None
    hire_date: dt.date | None
    status: str
    role: str
    unit: str | None  # unit code of the primary job; None for external learners
    fte: float = 1.0
    line: int = -1  # preferred shift window (index into the unit's pattern); -1 rotates
    works_shifts: bool = False
    second_unit: str | None = None
    demo: bool = False


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into whole parts proportional to `weights` (largest remainder)."""
    mass = sum(weights)
    if total <= 0 or mass <= 0:
        return [0] * len(weights)
    exact = [total * w / mass for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _unit_weights(site: SitePlan, role: str) -> list[float]:
    critical, inpatient = site_beds(site.units)
    rn_total = sum(heads_needed(unit_minimums(u, critical_beds=critical, inpatient_beds=inpatient), "RN")
                   for u in site.units)  # fmt: skip
    weights = []
    for u in site.units:
        need = heads_needed(unit_minimums(u, critical_beds=critical, inpatient_beds=inpatient), role)
        if role == "RN" and u.kind == "float":
            need = rn_total * FLOAT_SHARE
        elif role == "RN" and u.kind == "admin" and u.department == "Nursing":
            need = rn_total * EDUCATOR_SHARE
        elif role == "PHARM":
            need = need * 6 + KIND_WEIGHTS["PHARM"].get(u.kind, 0) * (1 + u.beds / 20)
        elif (u.kind, u.department) == HOME_UNITS.get(role):
            need = 60.0
        elif role in KIND_WEIGHTS and u.kind != "admin":
            need = KIND_WEIGHTS[role].get(u.kind, 0) * (1 + u.beds / 20)
        weights.append(need)
    return weights


class NameMaker:
    """Names from a seeded Faker, unique e-mail addresses."""

    def __init__(self, fake: Faker, rng: random.Random):
        self.rng = rng
        self.first = [fake.first_name() for _ in range(1200)]
        self.last = [fake.last_name() for _ in range(2400)]
        self.taken: dict[str, int] = {}

    def email(self, first: str, last: str, domain: str) -> str:
        base = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
        n = self.taken.get(base, 0) + 1
        self.taken[base] = n
        return f"{base}@{domain}" if n == 1 else f"{base}{n}@{domain}"

    def pick(self) -> tuple[str, str]:
        return self.rng.choice(self.first), self.rng.choice(self.last)


def _hire_date(rng: random.Random, role: str, today: dt.date) -> dt.date:
    if role in ("RES", "FEL"):  # training years start on 1 July
        start = dt.date(today.year if today.month >= 7 else today.year - 1, 7, 1)
        return start.replace(year=start.year - rng.randrange(3 if role == "RES" else 2))
    if role == "STU":
        return today - dt.timedelta(days=rng.randrange(20, 300))
    if rng.random() < 0.015:  # new hires still in orientation
        return today - dt.timedelta(days=rng.randrange(1, 30))
    return today - dt.timedelta(days=int(15 * 365 * rng.random() ** 1.6) + 30)


def _fte(rng: random.Random, role: str) -> float:
    if role in ("ATT", "RES", "FEL"):
        return 1.0
    if role == "STU":
        return 0.6
    roll = rng.random()
    for fte, share in FTE_CHOICES:
        if roll < share:
            return fte
        roll -= share
    return 1.0


def plan_people(
    sites: list[SitePlan], staff: int, rng: random.Random, fake: Faker, today: dt.date
) -> list[PersonPlan]:
    """Every person of the demo: the demo sign-ins first, then staff by role, site and unit."""
    names = NameMaker(fake, rng)
    units: dict[str, UnitPlan] = {u.code: u for s in sites for u in s.units}
    counts = dict(zip([c for c, *_ in JOB_ROLES], apportion(staff, [r[3] for r in JOB_ROLES]), strict=True))
    people: list[PersonPlan] = []
    for login in DEMO_LOGINS:
        people.append(
            PersonPlan(len(people), login.first_name, login.last_name, login.email, f"E{100001 + len(people)}",
                       today - dt.timedelta(days=6 * 365 + 40), "active", login.role, login.unit,
                       works_shifts=login.works_shifts, line=0, demo=True)
        )  # fmt: skip
        names.email(login.first_name, login.last_name, STAFF_DOMAIN)
        counts[login.role] -= 1
    placements: list[tuple[str, str | None]] = []
    for role, count in counts.items():
        if role == "EXT":
            placements += [(role, None)] * count
            continue
        for site, site_count in zip(sites, apportion(count, [s.weight for s in sites]), strict=True):
            weights = _unit_weights(site, role)
            for unit, n in zip(site.units, apportion(site_count, weights), strict=True):
                placements += [(role, unit.code)] * n
    rng.shuffle(placements)
    for role, unit_code in placements:
        people.append(_plan_person(len(people), role, unit_code and units[unit_code], names, rng, today))
    _plan_second_jobs(people, sites, rng)
    return people


def _plan_person(index: int, role: str, unit: UnitPlan | None, names: NameMaker,
                 rng: random.Random, today: dt.date) -> PersonPlan:  # fmt: skip
    first, last = names.pick()
    if unit is None:  # an external learner: no job, no employee id
        return PersonPlan(index, first, last, names.email(first, last, LEARNER_DOMAIN), None, None,
                          "active", role, None)  # fmt: skip
    hired = _hire_date(rng, role, today)
    status = "leave" if rng.random() < 0.012 and (today - hired).days > 90 else "active"
    windows = windows_of(unit.kind)
    works = role in SHIFT_ROLES and (bool(windows) or (role == "RN" and unit.kind == "float"))
    line = -1
    if works and len(windows) > 1 and rng.random() > 0.1:
        line = rng.randrange(len(windows))
    return PersonPlan(index, first, last, names.email(first, last, STAFF_DOMAIN), f"E{100001 + index}",
                      hired, status, role, unit.code, _fte(rng, role), line, works)  # fmt: skip


def _plan_second_jobs(people: list[PersonPlan], sites: list[SitePlan], rng: random.Random) -> None:
    """Some nurses also pick up float-pool shifts; some physicians also see clinic patients."""
    site_of = {u.code: s for s in sites for u in s.units}
    for p in people:
        if p.unit is None or p.demo:
            continue
        site = site_of[p.unit]
        if p.role == "RN" and p.works_shifts and not p.unit.endswith("-FLOAT") and rng.random() < 0.05:
            p.second_unit = f"{site.code}-FLOAT"
        elif p.role in ("ATT", "NP") and rng.random() < 0.05:
            clinics = [u.code for u in site.units if u.kind == "ambulatory" and u.code != p.unit]
            p.second_unit = rng.choice(clinics) if clinics else None
