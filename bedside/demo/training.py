"""Required training of the demo hospital: attestations, the audiences they are for, and the rules.

Annual all-staff items, role-specific ones and unit-specific ones, with every kind
of recurrence: once (from hire), every 12 or 24 months, and yearly calendar windows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bedside.assignments.models import AssignmentRule, DueFrom, Recurrence
from bedside.assignments.services import rule_apply
from bedside.attestations.services import attestation_create
from bedside.demo.organisation import COVID_TAG, FLOAT_TAG, Organisation
from bedside.people.models import Audience
from bedside.records.models import LearningItem

CLINICAL = ("RN", "PCA", "ATT", "RES", "FEL", "NP", "PA", "RT", "PHARM", "STU")
PRESCRIBERS = ("ATT", "RES", "FEL", "NP", "PA")


@dataclass(frozen=True)
class AudienceSpec:
    name: str
    roles: tuple[str, ...] = ()
    unit_kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()  # site codes; a site's own policies reach only its staff


AUDIENCES = {
    "all": AudienceSpec("All staff"),
    "clinical": AudienceSpec("Clinical staff", roles=CLINICAL),
    "rn": AudienceSpec("Registered nurses", roles=("RN",)),
    "icu_rn": AudienceSpec("Critical care nurses", roles=("RN",), unit_kinds=("icu",)),
    "gme": AudienceSpec("Residents and fellows", roles=("RES", "FEL")),
    "prescribers": AudienceSpec("Prescribers", roles=PRESCRIBERS),
    "pharm": AudienceSpec("Pharmacists", roles=("PHARM",)),
    "rt": AudienceSpec("Respiratory therapists", roles=("RT",)),
    "pca": AudienceSpec("Patient care associates", roles=("PCA",)),
    "float": AudienceSpec("Float pool staff", tags=(FLOAT_TAG,)),
    "covid": AudienceSpec("COVID cohort unit staff", tags=(COVID_TAG,)),
    "ed": AudienceSpec("Emergency department clinicians", roles=CLINICAL, unit_kinds=("ed",)),
    # Site policies: Harbor General's educators own (and see, edit and pause) these rules.
    "hg_clinical": AudienceSpec("Harbor General clinical staff", roles=CLINICAL, sites=("HG",)),
    "hg_icu_rn": AudienceSpec(
        "Harbor General critical care nurses", roles=("RN",), unit_kinds=("icu",), sites=("HG",)
    ),
}


@dataclass(frozen=True)
class ItemSpec:
    title: str
    audience: str
    recurrence: str = Recurrence.NONE
    months: int | None = None  # interval recurrence
    window: tuple[int, int, int, int] | None = None  # start month, day, end month, day
    minutes: int = 3
    grace_days: int = 0
    statement: str = ""

    @property
    def due_from(self) -> str:
        return DueFrom.HIRE if self.recurrence == Recurrence.NONE else DueFrom.ASSIGNED


def _every(months: int) -> dict:
    return {"recurrence": Recurrence.INTERVAL, "months": months}


def _window(start_month: int, start_day: int, end_month: int, end_day: int) -> dict:
    return {"recurrence": Recurrence.WINDOW, "window": (start_month, start_day, end_month, end_day)}


CATALOGUE = (
    ItemSpec("Hand hygiene", "all", **_every(12), minutes=4),
    ItemSpec("Fire and life safety", "all", **_window(1, 1, 3, 31), minutes=6, grace_days=14),
    ItemSpec("HIPAA privacy and security", "all", **_every(12), minutes=8),
    ItemSpec("Workplace violence prevention", "all", **_every(12), minutes=6),
    ItemSpec("Infection control and standard precautions", "all", **_every(12), minutes=5),
    ItemSpec("Code of conduct", "all", minutes=5,
             statement="I have read the code of conduct and will follow it."),
    ItemSpec("Emergency preparedness", "all", **_every(24), minutes=5),
    ItemSpec("Cybersecurity awareness", "all", **_every(12), minutes=4),
    ItemSpec("Harassment prevention", "all", **_every(24), minutes=6),
    ItemSpec("Seasonal influenza vaccination", "clinical", **_window(9, 1, 12, 15), minutes=2,
             statement="I have received this season's influenza vaccine or filed an approved exemption."),
    ItemSpec("Patient identification with two identifiers", "clinical", minutes=3),
    ItemSpec("High-alert medication independent double check", "rn", **_window(1, 1, 3, 31), minutes=6),
    ItemSpec("Restraint and seclusion policy", "rn", **_every(12), minutes=5, grace_days=7),
    ItemSpec("Blood transfusion administration", "rn", **_every(24), minutes=7),
    ItemSpec("Fall prevention", "rn", **_every(12), minutes=4),
    ItemSpec("Pressure injury prevention", "rn", minutes=5),
    ItemSpec("Continuous renal replacement therapy (CRRT)", "icu_rn", **_every(12), minutes=10),
    ItemSpec("Sedation and analgesia protocol", "icu_rn", minutes=6),
    ItemSpec("Duty hours attestation", "gme", **_every(12), minutes=2,
             statement="I will log my duty hours truthfully and stay within the 80-hour weekly limit."),
    ItemSpec("Resident supervision policy", "gme", minutes=5),
    ItemSpec("Safe opioid prescribing", "prescribers", **_every(24), minutes=8),
    ItemSpec("Sterile compounding (USP 797)", "pharm", **_every(12), minutes=10),
    ItemSpec("Controlled substance diversion prevention", "pharm", **_every(12), minutes=5),
    ItemSpec("Ventilator alarm management", "rt", **_every(12), minutes=5),
    ItemSpec("Medical gas safety", "rt", minutes=4),
    ItemSpec("Safe patient handling and mobility", "pca", **_every(12), minutes=5),
    ItemSpec("Vital signs and early warning escalation", "pca", minutes=4),
    ItemSpec("Float pool orientation", "float", minutes=8,
             statement="I have completed the float pool orientation and know how to reach each unit's charge nurse."),
    ItemSpec("PPE donning and doffing", "covid", **_every(12), minutes=4),
    ItemSpec("Sepsis recognition and bundle", "ed", minutes=6),
    ItemSpec("Harbor General rapid response and code blue activation", "hg_clinical", **_every(12), minutes=4,
             statement="I know how to call the rapid response team and a code blue at Harbor General."),
    ItemSpec("Harbor General ICU early mobility protocol", "hg_icu_rn", minutes=5),
)  # fmt: skip


def in_sentence(title: str) -> str:
    """A title inside a sentence: first word lower-cased unless it is an acronym ("HIPAA", "PPE")."""
    first, _, rest = title.partition(" ")
    if first.isupper() or any(c.isupper() for c in first[1:]) or rest[:1].isupper():
        return title  # an acronym, or a name ("Harbor General ...")
    return f"{first.lower()} {rest}".rstrip()


def statement_for(spec: ItemSpec) -> str:
    """What people attest to, without "policy policy" and with acronyms as written."""
    if spec.statement:
        return spec.statement
    subject = in_sentence(spec.title)
    if not subject.lower().endswith("policy"):
        subject += " policy"
    return f"I have read the {subject} and will follow it."


def create_training(org: Organisation, now: dt.datetime) -> list[tuple[ItemSpec, AssignmentRule]]:
    """Create the attestations, audiences and rules (dated `now`); returns (spec, rule) pairs in catalogue order."""
    audiences: dict[str, Audience] = {}
    for key, spec in AUDIENCES.items():
        audience = audiences[key] = Audience.objects.create(name=spec.name, unit_kinds=list(spec.unit_kinds))
        audience.job_roles.set([org.roles[code] for code in spec.roles])
        audience.unit_tags.set([org.tags[name] for name in spec.tags])
        audience.sites.set([org.sites[code] for code in spec.sites])
    pairs = []
    for spec in CATALOGUE:
        attestation = attestation_create(
            title=spec.title, statement=statement_for(spec), minutes=spec.minutes
        )
        window = dict(zip(("window_start_month", "window_start_day", "window_end_month", "window_end_day"),
                          spec.window or (None,) * 4, strict=True))  # fmt: skip
        rule = AssignmentRule.objects.create(
            name=f"{spec.title} ({in_sentence(audiences[spec.audience].name)})",
            audience=audiences[spec.audience],
            item=attestation.item,
            due_days=30,
            due_from=spec.due_from,
            recurrence=spec.recurrence,
            interval_months=spec.months,
            grace_days=spec.grace_days,
            created_at=now,
            **window,
        )
        pairs.append((spec, rule))
    LearningItem.objects.filter(pk__in=[rule.item_id for _, rule in pairs]).update(created_at=now)
    return pairs


def apply_rules(pairs: list[tuple[ItemSpec, AssignmentRule]], today: dt.date, now: dt.datetime) -> int:
    """Apply every rule through the real service, as the daily scheduler would at `now`."""
    return sum(rule_apply(rule=rule, on=today, now=now) for _, rule in pairs)
