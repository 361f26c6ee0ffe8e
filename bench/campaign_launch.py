"""Launching a campaign of several items to 20,000 people through its background job, on PostgreSQL.

The launch job (`campaigns.services.campaign_launch_run`) snapshots the members with their unit and role,
then requires each item through the assignments engine with the campaign's cycle key (one step per item,
progress on the row, audited). Baseline, in the same run: a plain COPY of the very requirement rows it
made into a copy of the requirements table with the same indexes (no members, no audit, no checks). Then
the reads that the live progress page repeats every 15 seconds at that size: progress and readiness.
A second launch (the job re-run after an interruption) shows the cost of idempotence: nothing is made twice.

    .venv/bin/python bench/campaign_launch.py
    BENCH_CAMPAIGN_PEOPLE=5000 BENCH_CAMPAIGN_ITEMS=3 .venv/bin/python bench/campaign_launch.py

Its own fresh database (`bedside_bench_campaign` on BENCH_PG_URL). The issue sets no target for the
launch; it asks for a background job with a progress bar that is idempotent, which this measures.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import common

PEOPLE = int(os.environ.get("BENCH_CAMPAIGN_PEOPLE", "20000"))
ITEMS = int(os.environ.get("BENCH_CAMPAIGN_ITEMS", "5"))
UNITS = 40
DATABASE = "bedside_bench_campaign"
TODAY = dt.date(2026, 11, 30)


def _hospital():
    from bedside.core.bulkcopy import copy_objects
    from bedside.people.models import Department, Job, JobRole, Person, Site, System, Unit

    system = System.objects.create(name="Bench Health")
    site = Site.objects.create(system=system, code="B0", name="Bench site", time_zone="America/New_York")
    department = Department.objects.create(site=site, name="Nursing")
    units = [
        Unit.objects.create(
            department=department, site=site, code=f"U{u:02d}", name=f"Unit {u:02d}", kind="icu"
        )
        for u in range(UNITS)
    ]
    rn = JobRole.objects.create(code="RN", name="Registered nurse")
    pca = JobRole.objects.create(code="PCA", name="Care assistant")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    people = [
        Person(email=f"p{n}@bench.test", employee_id=f"E{n:06d}", first_name=f"First{n}", last_name=f"Last{n}",
               created_at=now, password="!")
        for n in range(PEOPLE)
    ]  # fmt: skip
    copy_objects(people)
    jobs = [
        Job(
            person_id=p.pk,
            unit=units[n % UNITS],
            job_role=rn if n % 10 else pca,
            start_date=dt.date(2020, 1, 1),
        )
        for n, p in enumerate(people)
    ]
    copy_objects(jobs)
    educator = Person.objects.create(email="educator@bench.test", first_name="Eda", last_name="Educator")
    return units, rn, pca, educator


def _campaign(units, roles, owner):
    from bedside.attestations.services import attestation_create
    from bedside.campaigns.models import Campaign, LaunchStatus
    from bedside.campaigns.services import campaign_create, readiness_rule_create

    items = [
        attestation_create(title=f"Surge item {n}", statement="I have done it.", minutes=10).item
        for n in range(ITEMS)
    ]
    campaign = campaign_create(
        name="Bench surge",
        reason="Benchmark",
        priority="surge",
        items=items,
        starts_on=TODAY,
        deadline=TODAY + dt.timedelta(days=10),
        units=units,
        job_roles=roles,
        actor=None,
        owner=owner,
        today=TODAY,
    )
    readiness_rule_create(campaign=campaign, name="ICU float", items=items[:2], actor=None)
    readiness_rule_create(campaign=campaign, name="Whole bundle", actor=None)
    Campaign.objects.filter(pk=campaign.pk).update(status=LaunchStatus.QUEUED)
    return campaign, items


def _copy_baseline(campaign) -> tuple[float, int]:
    """COPY the launch's requirement rows into a copy of the table with the same indexes; seconds, rows."""
    from django.db import connection, transaction

    from bedside.assignments.models import Assignment
    from bedside.core.bulkcopy import _copy, _names

    columns = [f.attname for f in Assignment._meta.concrete_fields if not f.primary_key]
    rows = list(Assignment.objects.filter(source_ref=campaign.ref).values_list(*columns))
    table = Assignment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_baseline")
        cursor.execute(f"CREATE TABLE bench_baseline (LIKE {table} INCLUDING ALL)")
    began = time.perf_counter()
    with transaction.atomic():
        copied = _copy(
            connection, f"COPY bench_baseline ({_names(connection, Assignment, columns)}) FROM STDIN",
            Assignment, columns, rows,
        )  # fmt: skip
    return time.perf_counter() - began, copied


def main() -> None:
    common.DATABASE = DATABASE
    common.recreate_database()
    common.setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from bedside.campaigns.models import Campaign
    from bedside.campaigns.queries import campaign_progress, readiness
    from bedside.campaigns.services import campaign_launch_run
    from bedside.campaigns.tasks import launch_campaign

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    units, rn, pca, educator = _hospital()
    campaign, items = _campaign(units, [rn, pca], educator)
    print(f"{PEOPLE:,} people on {UNITS} units and a campaign of {ITEMS} items, built in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip

    # The background job, as the worker runs it (the task's body, in this process).
    began = time.perf_counter()
    result = launch_campaign.call(campaign.pk)
    launch = time.perf_counter() - began
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.status == "launched" and campaign.created_requirements == PEOPLE * ITEMS, result
    per_second = campaign.created_requirements / launch
    print(f"launch: {launch:.1f} s for {campaign.people:,} people, {campaign.created_requirements:,} requirements "
          f"({per_second:,.0f} a second)")  # fmt: skip

    copy_seconds, copied = _copy_baseline(campaign)
    print(f"baseline: plain COPY of the same {copied:,} requirement rows: {copy_seconds:.1f} s")

    Campaign.objects.filter(pk=campaign.pk).update(status="queued")
    began = time.perf_counter()
    again = campaign_launch_run(campaign_id=campaign.pk)
    relaunch = time.perf_counter() - began
    assert again["created"] == 0, again
    print(f"launch again (idempotent, nothing made): {relaunch:.1f} s")

    now = timezone.now()
    began = time.perf_counter()
    progress = campaign_progress(campaign)
    progress_seconds = time.perf_counter() - began
    began = time.perf_counter()
    ready = readiness(campaign, now=now)
    readiness_seconds = time.perf_counter() - began
    assert progress.people == PEOPLE and [r.people for r in ready] == [PEOPLE, PEOPLE]
    print(f"progress of {progress.people:,} people: {progress_seconds:.2f} s; readiness (2 rules): "
          f"{readiness_seconds:.2f} s")  # fmt: skip

    figures = {
        "launch_seconds": common.figure(launch, "s", None),
        "launch_requirements_per_second": common.figure(per_second, "rows/s", None, "higher"),
        "baseline_copy_seconds": common.figure(copy_seconds, "s", None),
        "launch_over_copy": common.figure(launch / copy_seconds, "x", None),
        "relaunch_seconds": common.figure(relaunch, "s", None),
        "progress_read_seconds": common.figure(progress_seconds, "s", None),
        "readiness_read_seconds": common.figure(readiness_seconds, "s", None),
        "people": common.figure(PEOPLE, "people", None, "higher"),
        "requirements": common.figure(campaign.created_requirements, "rows", None, "higher"),
    }
    common.write_result("campaign_launch", figures)


if __name__ == "__main__":
    main()
