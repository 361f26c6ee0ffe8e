"""Commonwealth Health: sites, departments, units and job roles, planned then written.

Two hospitals for the demo (Harbor General about 65% of staff, Riverside the rest, an
hour behind in Central time so per-site time zones show);
larger staff counts add hospitals, and each hospital grows floors until its nurses
are about what its minimum staffing needs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bedside.demo.staffing import heads_needed, site_beds, unit_minimums
from bedside.people.models import Department, JobRole, Site, System, Unit, UnitTag

SYSTEM_NAME = "Commonwealth Health"
TIME_ZONE = "America/New_York"
SITE_TIME_ZONES = {"RMC": "America/Chicago"}  # every other site keeps the system's zone
FLOAT_TAG = "float pool"
COVID_TAG = "COVID cohort"

# code, name, clinical, share of staff
JOB_ROLES = (
    ("RN", "Registered nurse", True, 0.45),
    ("PCA", "Patient care associate", True, 0.15),
    ("RES", "Resident physician", True, 0.08),
    ("ATT", "Attending physician", True, 0.08),
    ("RT", "Respiratory therapist", True, 0.04),
    ("PHARM", "Pharmacist", True, 0.03),
    ("NP", "Nurse practitioner", True, 0.035),
    ("PA", "Physician assistant", True, 0.02),
    ("FEL", "Fellow", True, 0.02),
    ("ADMIN", "Administrative staff", False, 0.055),
    ("RSCH", "Researcher", False, 0.015),
    ("STU", "Student", True, 0.02),
    ("EXT", "External learner", False, 0.005),
)


@dataclass
class UnitPlan:
    code: str
    name: str
    kind: str
    department: str
    beds: int = 0
    tags: tuple[str, ...] = ()

    @property
    def site(self) -> str:
        """The code of the unit's site: unit codes are "<site>-<unit>" (HG-MICU)."""
        return self.code.split("-", 1)[0]


@dataclass
class SitePlan:
    code: str
    name: str
    weight: float
    units: list[UnitPlan] = field(default_factory=list)
    staff: int = 0
    time_zone: str = TIME_ZONE


def _u(code: str, name: str, kind: str, department: str, beds: int = 0, tags: tuple[str, ...] = ()):
    return (code, name, kind, department, beds, tags)


HARBOR = (
    _u("MICU", "Medical ICU", "icu", "Critical Care", 20),
    _u("SICU", "Surgical ICU", "icu", "Critical Care", 16),
    _u("CICU", "Cardiac ICU", "icu", "Critical Care", 12),
    _u("NSICU", "Neuroscience ICU", "icu", "Critical Care", 14),
    _u("SDU", "Cardiac Step-Down 8 East", "step_down", "Critical Care", 24),
    _u("7N", "Medicine 7 North", "med_surg", "Medicine", 36),
    _u("7S", "Medicine 7 South", "med_surg", "Medicine", 34),
    _u("8N", "Cardiology 8 North", "med_surg", "Medicine", 32),
    _u("ONC", "Oncology 9 East", "oncology", "Medicine", 28),
    _u("BH", "Behavioral Health 3 West", "psych", "Medicine", 20),
    _u("IMC", "Internal Medicine Clinic", "ambulatory", "Medicine"),
    _u("CARDC", "Cardiology Clinic", "ambulatory", "Medicine"),
    _u("6W", "Surgery 6 West", "med_surg", "Surgery", 36),
    _u("6E", "Orthopedics 6 East", "med_surg", "Surgery", 32),
    _u("OR", "Main Operating Rooms", "or", "Surgery", 24),
    _u("PACU", "Post-Anesthesia Care Unit", "pacu", "Surgery", 24),
    _u("ED", "Emergency Department", "ed", "Emergency Medicine", 50),
    _u("LD", "Labor & Delivery", "labor", "Women & Children", 18),
    _u("NICU", "Neonatal ICU", "nicu", "Women & Children", 40),
    _u("PEDS", "Pediatrics 5 West", "peds", "Women & Children", 24),
    _u("FLOAT", "Nursing Float Pool", "float", "Nursing", 0, (FLOAT_TAG,)),
    _u("NED", "Nursing Education & Practice", "admin", "Nursing"),
    _u("RT", "Respiratory Therapy", "respiratory", "Respiratory Care"),
    _u("PHARM", "Inpatient Pharmacy", "pharmacy", "Pharmacy"),
    _u("ADM", "Hospital Administration", "admin", "Administration"),
    _u("CRO", "Clinical Research Office", "admin", "Medicine"),
)

COMMUNITY = (
    _u("ICU", "Medical-Surgical ICU", "icu", "Critical Care", 16),
    _u("SDU", "Step-Down Unit", "step_down", "Critical Care", 20),
    _u("3N", "Medicine 3 North", "med_surg", "Medicine", 34),
    _u("3S", "Medicine 3 South", "med_surg", "Medicine", 32),
    _u("4W", "Medicine 4 West", "med_surg", "Medicine", 32, (COVID_TAG,)),
    _u("FMC", "Family Medicine Clinic", "ambulatory", "Medicine"),
    _u("2E", "Surgery 2 East", "med_surg", "Surgery", 32),
    _u("OR", "Operating Rooms", "or", "Surgery", 10),
    _u("PACU", "Post-Anesthesia Care Unit", "pacu", "Surgery", 12),
    _u("ED", "Emergency Department", "ed", "Emergency Medicine", 32),
    _u("LD", "Birthing Center", "labor", "Women & Children", 12),
    _u("FLOAT", "Nursing Float Pool", "float", "Nursing", 0, (FLOAT_TAG,)),
    _u("RT", "Respiratory Therapy", "respiratory", "Respiratory Care"),
    _u("PHARM", "Pharmacy", "pharmacy", "Pharmacy"),
    _u("ADM", "Administration", "admin", "Administration"),
)

SITES = (
    ("HG", "Harbor General Hospital", 2.0, HARBOR),
    ("RMC", "Riverside Medical Center", 1.1, COMMUNITY),
    ("NMC", "Northshore Medical Center", 1.0, COMMUNITY),
    ("LCH", "Lakeside Community Hospital", 1.0, COMMUNITY),
    ("HCH", "Hillcrest Hospital", 1.0, COMMUNITY),
    ("BMC", "Bayview Medical Center", 1.0, COMMUNITY),
    ("SVH", "Summit Valley Hospital", 1.0, COMMUNITY),
    ("WBH", "Westbrook Hospital", 1.0, COMMUNITY),
    ("CPH", "Cedar Point Hospital", 1.0, COMMUNITY),
    ("MMC", "Maplewood Medical Center", 1.0, COMMUNITY),
    ("FHH", "Fairhaven Hospital", 1.0, COMMUNITY),
    ("KBH", "Kingsbridge Hospital", 1.0, COMMUNITY),
)

# What a growing hospital adds, in turn: mostly floors, some critical care and clinics.
GROWTH = (
    ("med_surg", "Medicine", 34),
    ("med_surg", "Surgery", 32),
    ("icu", "Critical Care", 16),
    ("med_surg", "Medicine", 36),
    ("step_down", "Critical Care", 24),
    ("ambulatory", "Medicine", 0),
    ("oncology", "Medicine", 28),
    ("med_surg", "Surgery", 30),
    ("peds", "Women & Children", 20),
    ("ambulatory", "Surgery", 0),
)
GROWTH_NAMES = {
    "med_surg": "{dept} {where}",
    "icu": "{dept} ICU {where}",
    "step_down": "Step-Down {where}",
    "oncology": "Oncology {where}",
    "peds": "Pediatrics {where}",
    "ambulatory": "{dept} Clinic {where}",
}
WINGS = ("North", "South", "East", "West")
BUILDINGS = (("", ""), ("W", "West Tower "), ("E", "East Tower "), ("P", "Pavilion "), ("A", "Annex "))
RN_SLACK = 1.15  # staff above the bare minimum, so minimums hold on most shifts


def role_shares() -> dict[str, float]:
    return {code: share for code, _, _, share in JOB_ROLES}


def site_count(staff: int) -> int:
    return 2 if staff <= 16_000 else min(len(SITES), round(staff / 8_000))


def plan_sites(staff: int) -> list[SitePlan]:
    """The hospitals and their units for `staff` people, each site grown to its nurses."""
    sites = []
    chosen = SITES[: site_count(staff)]
    total_weight = sum(weight for _, _, weight, _ in chosen)
    rn_share = role_shares()["RN"]
    for code, name, weight, template in chosen:
        site = SitePlan(code, name, weight / total_weight, time_zone=SITE_TIME_ZONES.get(code, TIME_ZONE))
        site.units = [UnitPlan(f"{code}-{c}", n, k, d, b, t) for c, n, k, d, b, t in template]
        site.staff = round(staff * site.weight)
        _grow(site, rn_heads=site.staff * rn_share)
        sites.append(site)
    return sites


def rn_heads_needed(units: list[UnitPlan]) -> float:
    critical, inpatient = site_beds(units)
    return sum(
        heads_needed(unit_minimums(u, critical_beds=critical, inpatient_beds=inpatient), "RN") for u in units
    )


def _grow(site: SitePlan, rn_heads: float) -> None:
    taken = {u.code for u in site.units}
    places = (
        (f"{site.code}-{prefix}{floor}{wing[0]}", f"{building}{floor} {wing}")
        for prefix, building in BUILDINGS
        for floor in range(2, 16)
        for wing in WINGS
    )
    additions = itertools.cycle(GROWTH)
    need = rn_heads_needed(site.units)
    # Float nurses cover gaps, so the units need only most of the site's nurses.
    while need * RN_SLACK < rn_heads * 0.92:
        code, where = next(places)
        if code in taken:
            continue
        kind, dept, beds = next(additions)
        unit = UnitPlan(code, GROWTH_NAMES[kind].format(dept=dept, where=where), kind, dept, beds)
        site.units.append(unit)
        taken.add(code)
        need += rn_heads_needed([unit])  # a nurse's need does not depend on the site's other beds


@dataclass
class Organisation:
    system: System
    sites: dict[str, Site]
    units: dict[str, Unit]
    roles: dict[str, JobRole]
    tags: dict[str, UnitTag]
    departments: dict[tuple[str, str], Department]


def create_organisation(plans: list[SitePlan]) -> Organisation:
    """Write the planned system, sites, departments, units, tags and job roles (a few hundred rows)."""
    system = System.objects.create(name=SYSTEM_NAME)
    roles = {
        code: JobRole.objects.create(code=code, name=name, clinical=clinical)
        for code, name, clinical, _ in JOB_ROLES
    }
    tags = {name: UnitTag.objects.create(name=name) for name in (FLOAT_TAG, COVID_TAG)}
    sites: dict[str, Site] = {}
    departments: dict[tuple[str, str], Department] = {}
    unit_rows: list[Unit] = []
    for plan in plans:
        site = sites[plan.code] = Site.objects.create(
            system=system, code=plan.code, name=plan.name, time_zone=plan.time_zone
        )
        for name in sorted({u.department for u in plan.units}):
            departments[(plan.code, name)] = Department.objects.create(site=site, name=name)
        for u in plan.units:
            unit_rows.append(
                Unit(
                    department=departments[(plan.code, u.department)],
                    site=site,
                    code=u.code,
                    name=u.name,
                    kind=u.kind,
                    beds=u.beds,
                )
            )
    Unit.objects.bulk_create(unit_rows, batch_size=500)
    units = {u.code: u for u in Unit.objects.select_related("site", "department")}
    by_code = {u.code: u for plan in plans for u in plan.units}
    through = Unit.tags.through
    through.objects.bulk_create(
        [
            through(unit_id=units[code].pk, unittag_id=tags[tag].pk)
            for code, plan in by_code.items()
            for tag in plan.tags
        ]
    )
    return Organisation(system, sites, units, roles, tags, departments)
