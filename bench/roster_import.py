"""A first roster import of 50,000 people into a hospital with 18 training rules, on SQLite and PostgreSQL.

The import stores persons and jobs, then the roster-change hook re-applies every rule
to the new people: about 750,000 requirements with their audit lines. Targets for the
whole import (rules included): under 60 s on SQLite, under 30 s on PostgreSQL. Each
database is fresh (a temporary SQLite file; `bedside_bench_roster` on BENCH_PG_URL) and
measured in its own process, so settings and connections never mix.

Baseline, timed in the same run on the same database: the same requirement rows written
again as plain tuples (COPY on PostgreSQL, one executemany on SQLite) into the same table,
with its indexes, constraints and foreign-key checks, for as many fresh items, in a
transaction that is rolled back. It is the floor for writing those rows; the load of a
shared machine moves both figures alike.

    .venv/bin/python bench/roster_import.py            # both databases
    .venv/bin/python bench/roster_import.py sqlite     # one of them
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import common

PEOPLE = int(os.environ.get("BENCH_ROSTER_PEOPLE", "50000"))
PG_DATABASE = "bedside_bench_roster"
TARGETS = {"sqlite": 60, "postgresql": 30}
ROLES = (("RN", 0.5), ("RT", 0.1), ("MD", 0.15), ("PCA", 0.15), ("PT", 0.1))
KINDS = ("icu", "med_surg", "ed", "or", "peds", "oncology")
# (title, audience: roles or None for everyone, recurrence terms)
RULES = [
    *[(f"All-staff policy {n}", None, {}) for n in range(1, 7)],
    *[
        (f"Yearly refresher {n}", None, {"recurrence": "interval", "interval_months": 12})
        for n in range(1, 4)
    ],
    *[
        (
            f"Annual attestation {n}",
            None,
            {
                "recurrence": "window",
                "window_start_month": 1,
                "window_start_day": 1,
                "window_end_month": 3,
                "window_end_day": 31,
            },
        )
        for n in range(1, 4)
    ],  # fmt: skip
    *[(f"Nursing competency {n}", ["RN"], {"due_from": "hire", "due_days": 90}) for n in range(1, 5)],
    *[(f"Medical staff rule {n}", ["MD"], {}) for n in range(1, 3)],
]


def _organisation() -> list[str]:
    from bedside.people.models import Department, JobRole, Site, System, Unit

    system = System.objects.create(name="Bench Health")
    codes = []
    for s, zone in enumerate(("America/New_York", "America/Los_Angeles")):
        site = Site.objects.create(system=system, code=f"B{s}", name=f"Bench site {s}", time_zone=zone)
        department = Department.objects.create(site=site, name="Nursing")
        for u in range(25):
            code = f"B{s}U{u:02d}"
            Unit.objects.create(
                department=department, site=site, code=code, name=code, kind=KINDS[u % len(KINDS)]
            )
            codes.append(code)
    for code, _ in ROLES:
        JobRole.objects.create(code=code, name=code)
    return codes


def _rules() -> None:
    from bedside.assignments.models import AssignmentRule
    from bedside.attestations.services import attestation_create
    from bedside.people.models import JobRole
    from bedside.people.services import audience_create

    for title, roles, terms in RULES:
        item = attestation_create(title=title, statement="I have read it.").item
        audience = audience_create(
            name=title, actor=None, job_roles=JobRole.objects.filter(code__in=roles) if roles else ()
        )
        AssignmentRule.objects.create(name=title, audience=audience, item=item, **terms)


def _roster(path: Path, units: list[str]) -> None:
    rng = random.Random(common.SEED)
    roles = [code for code, _ in ROLES]
    weights = [w for _, w in ROLES]
    today = dt.date.today()
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["employee_id", "first_name", "last_name", "hire_date", "unit_code", "job_role_code"])
        for n in range(PEOPLE):
            hired = today - dt.timedelta(days=rng.randrange(0, 20 * 365))
            role = rng.choices(roles, weights)[0]
            out.writerow([f"E{n:06d}", f"First{n}", f"Last{n}", hired.isoformat(), rng.choice(units), role])


def _baseline() -> float:
    """Seconds to write the import's requirement rows again as plain tuples (see the module's doc)."""
    from django.db import connection, transaction

    from bedside.assignments.models import Assignment
    from bedside.assignments.requirements import ASSIGNMENT_COLUMNS
    from bedside.core.bulkcopy import copy_rows, sqlite_insert_rows
    from bedside.records.models import LearningItem

    with transaction.atomic():
        rows = list(Assignment.objects.values_list(*ASSIGNMENT_COLUMNS))
        fresh = {
            item_id: LearningItem.objects.create(kind="attestation", title=f"Baseline {item_id}").pk
            for item_id in {row[1] for row in rows}
        }
        rows = [(row[0], fresh[row[1]], *row[2:]) for row in rows]
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            copy_rows(Assignment, ASSIGNMENT_COLUMNS, rows)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks
        else:
            sqlite_insert_rows(Assignment, ASSIGNMENT_COLUMNS, rows)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def measure(vendor: str) -> dict:
    """In this process: set up a fresh database of `vendor`, import the roster, return the figures."""
    common.setup_child()

    from bedside.assignments.models import Assignment
    from bedside.audit.models import AuditEntry
    from bedside.people import hooks
    from bedside.rosters.importing import roster_import

    units = _organisation()
    _rules()
    reapply_seconds: list[float] = []
    callbacks = list(hooks._callbacks)

    def timed(callback):
        def run(**kwargs):
            started = time.perf_counter()
            result = callback(**kwargs)
            reapply_seconds.append(time.perf_counter() - started)
            return result

        return run

    hooks._callbacks[:] = [timed(c) for c in callbacks]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        _roster(path, units)
        started = time.perf_counter()
        result = roster_import(path_or_file=str(path), kind="persons")
        total = time.perf_counter() - started
    assert result.ok and not result.warnings, (result.errors[:3], result.warnings)
    requirements = Assignment.objects.count()
    baseline = _baseline()
    return {
        f"{vendor}_import_total_s": common.figure(total, "s", TARGETS[vendor]),
        f"{vendor}_rule_application_s": common.figure(sum(reapply_seconds), "s", None),
        f"{vendor}_import_without_rules_s": common.figure(total - sum(reapply_seconds), "s", None),
        f"{vendor}_baseline_write_requirements_s": common.figure(baseline, "s", None),
        f"{vendor}_requirements": common.figure(requirements, "rows", None, better="higher"),
        f"{vendor}_audit_lines": common.figure(AuditEntry.objects.count(), "rows", None, better="higher"),
    }


def main(vendors: list[str] | None = None) -> dict:
    return common.on_each_database("roster_import", __file__, PG_DATABASE, vendors)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        main(sys.argv[1:] or None)
