"""Seed an empty database with the demo hospital: organisation, staff, shifts, training, sign-ins.

Deterministic for a seed and a clock: every date comes from the `now` passed in, never
the wall clock. Everything is written in bulk inside one transaction; rules go through the
real `rule_apply`, and the audit trail says "seed".
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from bedside.assignments.cycles import system_tz
from bedside.assignments.models import Recurrence
from bedside.assignments.services import rule_apply
from bedside.audit.context import origin
from bedside.audit.services import audit_bulk
from bedside.demo.bulk import RowWriter
from bedside.demo.campaigns import seed_campaign
from bedside.demo.completion import Spread, complete_requirements
from bedside.demo.drills import cite_library, seed_drills
from bedside.demo.history import plan_requirements
from bedside.demo.learning import seed_learning, seed_learning_extras
from bedside.demo.logins import DEMO_DOMAIN, DEMO_LOGINS, DEMO_PASSWORD
from bedside.demo.organisation import Organisation, create_organisation, plan_sites
from bedside.demo.people import PersonPlan, plan_people
from bedside.demo.shifts import Roster, coverage
from bedside.demo.training import apply_rules, create_training
from bedside.people.models import Grant, Job, Person, Site
from bedside.records.models import LearningItem
from bedside.rosters.models import Shift, StaffingMinimum

# The demo nurse's own mix on Today: a couple overdue, one due soon, some due, the rest done.
NURSE_MIX = {
    "Restraint and seclusion policy": "overdue",
    "Continuous renal replacement therapy (CRRT)": "overdue",
    "Hand hygiene": "soon",
    "Fall prevention": "due",
    "Seasonal influenza vaccination": "due",
}


NOT_EMPTY = "The database already holds people or an organisation; the seed only fills an empty one."


class DatabaseNotEmpty(Exception):
    pass


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    steps: list[tuple[str, float]] = field(default_factory=list)
    coverage: tuple[int, int] = (0, 0)

    @property
    def seconds(self) -> float:
        return sum(s for _, s in self.steps)


def database_is_empty() -> bool:
    return not (Person.objects.exists() or Site.objects.exists() or LearningItem.objects.exists())


def seed_hospital(
    *,
    staff: int = 3000,
    days: int = 28,
    seed: int = 1,
    now: dt.datetime,
    progress: Callable[[str, float], None] | None = None,
    records_target: int = 0,
) -> SeedReport:
    """Write the whole demo hospital into an empty database; raises DatabaseNotEmpty otherwise.

    `records_target` switches to bench mode: requirements are planned in Python rather
    than by rule_apply, and past records fill the ledger up to that many rows.
    """
    if not database_is_empty():
        raise DatabaseNotEmpty(NOT_EMPTY)
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    today = now.astimezone(system_tz()).date()
    report = SeedReport()
    writer = RowWriter()

    @contextmanager
    def step(name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        report.steps.append((name, time.perf_counter() - started))
        if progress:
            progress(name, report.steps[-1][1])

    with origin(source="seed"), transaction.atomic():
        with step("organisation"):
            site_plans = plan_sites(staff)
            org = create_organisation(site_plans)
        with step("people"):
            people = plan_people(site_plans, staff, rng, fake, today)
            first_id = writer.next_id(Person)
            write_people(writer, org, people, first_id, now, today)
        with step("shifts"):
            roster = Roster(site_plans, people, days, today, rng)
            write_shifts(writer, org, roster, first_id)
            report.coverage = coverage(roster)
            writer.finish()
        with step("rules"):
            pairs = create_training(org, now)
            spread = Spread(rng, list(org.units), today, now)
            if records_target:
                units = {u.code: u for site in site_plans for u in site.units}
                counts = plan_requirements(pairs=pairs, people=people, units=units, first_person_id=first_id,
                                           spread=spread, writer=writer, records_target=records_target)  # fmt: skip
                report.counts.update(counts)
            else:
                apply_rules(pairs, today, now)
        if not records_target:
            with step("completions"):
                _complete(pairs, people, first_id, spread, writer, report, today, now)
        with step("sign-ins"):
            write_grants(org, people, first_id)
            finish_logins()
        writer.finish()
        if not records_target:
            with step("drills"):
                report.counts.update(seed_drills(now=now, today=today, rng=rng))
            with step("courses"):
                report.counts.update(seed_learning(org, now=now))
            with step("campaign"):
                report.counts.update(seed_campaign(org, today=today, now=now, seed=seed))
            with step("library"):
                report.counts.update(_library(rng, today, now))
            with step("courses from the library"):
                report.counts.update(seed_learning_extras(org, now=now))
            with step("credits"):
                from bedside.demo.credits import seed_credits

                report.counts.update(seed_credits(now=now, rng=rng))
            with step("events"):
                from bedside.demo.events import seed_events

                report.counts.update(seed_events(now=now, rng=rng))
            with step("recordings"):
                from bedside.demo.recordings import seed_recordings

                report.counts.update(seed_recordings(now=now, rng=rng))
            with step("drill citations"):
                report.counts.update(cite_library())
    report.counts.update(writer.counts)
    return report


def _library(rng: random.Random, today: dt.date, now: dt.datetime) -> dict[str, int]:
    """The care library, curated by the demo librarian and reviewed by the demo educator."""
    from bedside.demo.library import seed_library
    from bedside.people.models import active_jobs

    curator = Person.objects.get(email=f"librarian@{DEMO_DOMAIN}")
    reviewer = Person.objects.get(email=f"educator@{DEMO_DOMAIN}")
    nurse_ids = active_jobs(today).filter(unit__kind="icu", job_role__code="RN").values("person_id")
    icu_nurses = list(Person.objects.filter(pk__in=nurse_ids, status="active").order_by("pk"))
    return seed_library(
        now=now, today=today, rng=rng, curator=curator, reviewer=reviewer, icu_nurses=icu_nurses
    )


def _complete(pairs, people, first_id, spread, writer, report, today, now) -> None:
    """Outcomes for what rule_apply created, then the daily pass that opens renewals."""
    by_id = {first_id + p.index: p for p in people}
    rules = {rule.pk: rule for _, rule in pairs}
    forced = {(first_id, rule.item_id): NURSE_MIX.get(spec.title, "done") for spec, rule in pairs}
    report.counts.update(
        complete_requirements(rules=rules, people=by_id, spread=spread, writer=writer, forced=forced)
    )
    report.counts["renewals"] = sum(
        rule_apply(rule=rule, on=today, now=now)
        for spec, rule in pairs
        if spec.recurrence == Recurrence.INTERVAL
    )


def write_people(
    writer: RowWriter,
    org: Organisation,
    people: list[PersonPlan],
    first_id: int,
    now: dt.datetime,
    today: dt.date,
) -> None:
    """Persons (one shared password hash: hashing is slow on purpose) and their jobs."""
    password = make_password(DEMO_PASSWORD)
    writer.insert(
        Person,
        ("id", "password", "is_superuser", "email", "employee_id", "first_name", "last_name", "hire_date",
         "status", "is_staff", "is_active", "created_at"),
        ((first_id + p.index, password, False, p.email, p.employee_id, p.first_name, p.last_name, p.hire_date,
          p.status, False, True, now) for p in people),
    )  # fmt: skip
    jobs = []
    for p in people:
        if p.unit is None:
            continue
        role = org.roles[p.role].pk
        jobs.append((first_id + p.index, org.units[p.unit].pk, role, Decimal(str(p.fte)), True, p.hire_date))
        if p.second_unit:
            since = p.hire_date + (today - p.hire_date) // 2
            jobs.append((first_id + p.index, org.units[p.second_unit].pk, role, Decimal("0.2"), False, since))
    first_job = writer.next_id(Job)
    writer.insert(
        Job,
        ("id", "person_id", "unit_id", "job_role_id", "fte", "primary", "start_date"),
        ((first_job + i, *row) for i, row in enumerate(jobs)),
    )


def write_shifts(writer: RowWriter, org: Organisation, roster: Roster, first_id: int) -> None:
    """The units' staffing minimums and the planned shifts."""
    minimums = [
        (org.units[code].pk, org.roles[m.role].pk, m.weekday, dt.time(m.start), dt.time(m.end), m.minimum)
        for code, rows in roster.minimums.items()
        for m in rows
    ]
    first = writer.next_id(StaffingMinimum)
    writer.insert(
        StaffingMinimum,
        ("id", "unit_id", "job_role_id", "weekday", "start_time", "end_time", "minimum"),
        ((first + i, *row) for i, row in enumerate(minimums)),
    )
    first = writer.next_id(Shift)
    writer.insert(
        Shift,
        ("id", "person_id", "unit_id", "job_role_id", "start", "end", "status", "night"),
        (
            (first + i, first_id + s.person, org.units[s.unit].pk, org.roles[s.role].pk, s.start, s.end,
             "scheduled", s.night)
            for i, s in enumerate(roster.plan())
        ),
    )  # fmt: skip


def write_grants(org: Organisation, people: list[PersonPlan], first_id: int) -> None:
    """The demo sign-ins' grants, a manager for every other unit, teach grants for nurse educators."""
    grants: list[Grant] = []

    def grant(plan: PersonPlan, capability: str, scope_kind: str, scope_id: int | None) -> None:
        target = {} if scope_kind == "system" else {f"{scope_kind}_id": scope_id}
        grants.append(Grant(person_id=first_id + plan.index, capability=capability, scope_kind=scope_kind,
                            **target))  # fmt: skip

    by_email = {p.email: p for p in people if p.demo}
    for login in DEMO_LOGINS:
        for capability, scope_kind, code in login.grants:
            scope = {"site": org.sites, "unit": org.units}.get(scope_kind, {}).get(code)
            grant(by_email[login.email], capability, scope_kind, scope and scope.pk)
    managed = {code for login in DEMO_LOGINS for cap, _, code in login.grants if cap == "manage"}
    senior: dict[str, PersonPlan] = {}
    for p in people:
        if p.unit and not p.demo and p.status == "active" and p.role == _manager_role(org, p.unit):
            best = senior.get(p.unit)
            if best is None or p.hire_date < best.hire_date:
                senior[p.unit] = p
    for code, p in sorted(senior.items()):
        unit = org.units[code]
        if code not in managed:
            grant(p, "manage", "unit", unit.pk)
        if unit.kind == "admin" and unit.department.name == "Nursing":
            grant(p, "teach", "site", unit.site_id)
    Grant.objects.bulk_create(grants)
    audit_bulk(
        actor=None,
        action="grant.create",
        model=Grant,
        targets=(
            (
                g.pk,
                {"person": g.person_id, "capability": g.capability, "scope": f"{g.scope_kind}:{g.scope_id}"},
            )
            for g in Grant.objects.order_by("pk")
        ),
    )


def _manager_role(org: Organisation, code: str) -> str:
    unit = org.units[code]
    if unit.kind == "admin" and unit.department.name != "Nursing":
        return "ADMIN"
    return {"pharmacy": "PHARM", "respiratory": "RT"}.get(unit.kind, "RN")


def finish_logins() -> None:
    """The demo sign-ins get their own password hash and, for the administrator, the admin site."""
    for login in DEMO_LOGINS:
        person = Person.objects.get(email=login.email)
        person.set_password(DEMO_PASSWORD)
        person.is_staff = person.is_superuser = login.superuser
        person.save(update_fields=["password", "is_staff", "is_superuser"])
