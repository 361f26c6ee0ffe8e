"""Continuing-education credit on PostgreSQL: check-ins for one grand rounds, claims with their
certificate PDFs, and the CME office's PARS month export.

1. 1,000 people check in to one grand rounds inside its window with the room's rotating code
   (`credits.services.checkin`: window, code, one check-in each, the ledger's attended record, the
   audit line), one transaction each, as the phones would. Baseline, in the same run: a plain
   single-row INSERT (one transaction each) into a copy of the attendance table with its indexes.
2. 200 of them evaluate and claim (`claim`: one ledger record each), and 50 certificates are
   rendered as PDF (WeasyPrint, with the verification QR), as the certificate download does (the
   process's first rendering, which loads Pango and the fonts, is reported apart).
3. The PARS month export: 200 activities of a month, each with 500 learners who attended and claimed
   (100,000 claims, loaded by COPY), written as the activity XML and the learner-completion CSV.

    .venv/bin/python bench/credits.py
    BENCH_CREDITS_CHECKINS=300 BENCH_CREDITS_ACTIVITIES=50 .venv/bin/python bench/credits.py

Its own fresh database (`bedside_bench_credits` on BENCH_PG_URL). The issue sets no target; the
figures compare each write with its baseline and show what a month's export costs.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

import common

CHECKINS = int(os.environ.get("BENCH_CREDITS_CHECKINS", "1000"))
CLAIMS = int(os.environ.get("BENCH_CREDITS_CLAIMS", "200"))
CERTIFICATES = int(os.environ.get("BENCH_CREDITS_CERTIFICATES", "50"))
ACTIVITIES = int(os.environ.get("BENCH_CREDITS_ACTIVITIES", "200"))
LEARNERS = int(os.environ.get("BENCH_CREDITS_LEARNERS", "500"))
DATABASE = "bedside_bench_credits"
MONTH = dt.date(2026, 10, 1)
ROUNDS_AT = dt.datetime(2026, 11, 12, 13, 0, tzinfo=dt.UTC)  # Thursday 08:00 in New York


def _people(site, count: int):
    from bedside.core.bulkcopy import copy_objects
    from bedside.people.models import Department, Job, JobRole, Person, Unit

    department = Department.objects.create(site=site, name="Medicine")
    unit = Unit.objects.create(department=department, site=site, code="MED", name="Medicine", kind="ward")
    role = JobRole.objects.create(code="MD", name="Physician")
    made = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    people = [
        Person(email=f"md{n}@bench.test", employee_id=f"M{n:06d}", first_name=f"First{n}",
               last_name=f"Last{n}", created_at=made, password="!")
        for n in range(count)
    ]  # fmt: skip
    copy_objects(people)
    copy_objects(
        [Job(person_id=p.pk, unit=unit, job_role=role, start_date=dt.date(2020, 1, 1)) for p in people]
    )
    return people


def _activity(title: str, starts_at: dt.datetime, site, **fields):
    from bedside.credits.services import activity_create

    return activity_create(
        actor=None, title=title, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1),
        provider_name="Bench Medical Center", offers={"ama_pra_1": Decimal("1.00"), "ancc": Decimal("1.00")},
        site=site, objectives="Recognise sepsis early\nStart the bundle within the hour", now=starts_at, **fields,
    )  # fmt: skip


def _checkins(activity, people) -> tuple[list[float], list[float]]:
    """Milliseconds per check-in, and per baseline single-row insert (same people, same moments)."""
    from django.db import connection, transaction

    from bedside.credits import services
    from bedside.credits.models import Attendance

    code = services.rotating_code(activity)
    opens = activity.checkin_opens_at
    checkins = []
    for n, person in enumerate(people):
        at = opens + dt.timedelta(seconds=n * 5)  # 1,000 phones over the 75-minute window
        token = code.short_code(at)
        checkins.append(
            common.timed(
                lambda p=person, t=token, at=at, n=n: services.checkin(
                    activity=activity,
                    person=p,
                    code=t,
                    device=f"device-{n % 900}",
                    ip=f"10.1.{n % 250}.7",
                    now=at,
                )
            )
        )
    table = Attendance._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_attendance")
        cursor.execute(f"CREATE TABLE bench_attendance (LIKE {table} INCLUDING ALL)")
    sql = (
        "INSERT INTO bench_attendance (activity_id, person_id, method, checked_in_at, minutes_present, "
        "presence_source, device_id, ip_hash, created_at, updated_at) "
        "VALUES (%s, %s, 'code', %s, 0, '', %s, '', %s, %s)"
    )

    def insert(person, at):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [activity.pk, person.pk, at, "device", at, at])

    baseline = [
        common.timed(lambda p=p, at=opens + dt.timedelta(seconds=n * 5): insert(p, at))
        for n, p in enumerate(people)
    ]
    assert Attendance.objects.filter(activity=activity).count() == len(people)
    return checkins, baseline


def _claims(activity, people) -> tuple[list[float], list[float], float]:
    from bedside.credits import services
    from bedside.credits.certificates import certificate_pdf
    from bedside.credits.models import Claim

    after = activity.ends_at + dt.timedelta(minutes=10)
    claims, pdfs, made = [], [], []
    for person in people:
        services.evaluation_submit(
            activity=activity, person=person, objectives_met="yes", free_of_bias=True, practice_change="yes",
            now=after,
        )  # fmt: skip
        claims.append(
            common.timed(
                lambda p=person: made.append(
                    services.claim(activity=activity, person=p, credit_type="ama_pra_1", now=after)
                )
            )
        )
    rows = list(
        Claim.objects.filter(pk__in=[c.pk for c in made[: CERTIFICATES + 1]]).select_related(
            "activity__site", "person"
        )
    )
    first = common.timed(lambda: certificate_pdf(rows[0]))  # the process's first loads Pango and the fonts
    for claim in rows[1:]:
        pdfs.append(common.timed(lambda c=claim: certificate_pdf(c)))
    return claims, pdfs, first


def _month_of_claims(site, people) -> list:
    """ACTIVITIES activities in MONTH, each with LEARNERS attendances and claims (records by COPY)."""
    from bedside.core.bulkcopy import copy_objects
    from bedside.credits.models import Attendance, Claim
    from bedside.records.models import Record

    activities = []
    for n in range(ACTIVITIES):
        starts = dt.datetime(MONTH.year, MONTH.month, 1 + n % 28, 13, 0, tzinfo=dt.UTC) + dt.timedelta(
            minutes=n // 28
        )
        activities.append(
            _activity(f"Grand rounds {n}", starts, site, accreditor_activity_id=f"PARS-{n:05d}")
        )
    for activity in activities:
        learners = people[:LEARNERS]
        at = activity.ends_at + dt.timedelta(minutes=15)
        attended = [
            Record(person_id=p.pk, item_id=activity.item_id, verb="attended", at=at, evidence=activity.title,
                   source_ref=f"activity:{activity.pk}", recorded_at=at)
            for p in learners
        ]  # fmt: skip
        claimed = [
            Record(person_id=p.pk, item_id=activity.item_id, verb="claimed", at=at, credit_amount=Decimal("1.00"),
                   credit_type="ama_pra_1", evidence=activity.title, source_ref=f"activity:{activity.pk}",
                   recorded_at=at)
            for p in learners
        ]  # fmt: skip
        copy_objects(attended + claimed)
        copy_objects(
            [
                Attendance(activity_id=activity.pk, person_id=p.pk, method="code", checked_in_at=activity.starts_at,
                           record_id=r.pk, created_at=at, updated_at=at)
                for p, r in zip(learners, attended, strict=True)
            ]
        )  # fmt: skip
        copy_objects(
            [
                Claim(activity_id=activity.pk, person_id=p.pk, credit_type="ama_pra_1", amount=Decimal("1.00"),
                      minutes_attended=60, claimed_at=at, record_id=r.pk, code=f"b{activity.pk}-{p.pk}")
                for p, r in zip(learners, claimed, strict=True)
            ]
        )  # fmt: skip
    return activities


def _export() -> tuple[float, float, int, int]:
    """The office's two PARS files for MONTH, as its pages make them: seconds each, and their sizes."""
    from bedside.credits import exports
    from bedside.credits.models import Activity, Claim
    from bedside.people.timezones import system_tz

    start, end = exports.month_bounds(MONTH, system_tz())
    rows = Activity.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")
    began = time.perf_counter()
    xml = exports.activities_xml(rows, created=end)
    xml_seconds = time.perf_counter() - began
    claims = Claim.objects.filter(activity__in=rows, claimed_at__gte=start, claimed_at__lt=end)
    began = time.perf_counter()
    response = exports.learners_csv(claims, name="pars-learners")
    body = b"".join(response) if response.streaming else response.content
    csv_seconds = time.perf_counter() - began
    return xml_seconds, csv_seconds, len(xml), body.count(b"\n") - 1


def main() -> None:
    common.DATABASE = DATABASE
    common.recreate_database(DATABASE)  # by name: the default argument is the shared bench database
    common.setup_django()
    from django.core.management import call_command

    from bedside.people.models import Site, System

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    system = System.objects.create(name="Bench Health")
    site = Site.objects.create(system=system, code="B0", name="Bench site", time_zone="America/New_York")
    people = _people(site, max(CHECKINS, LEARNERS))
    rounds = _activity("Medicine Grand Rounds: sepsis", ROUNDS_AT, site)
    print(f"{len(people):,} physicians and one grand rounds, built in {time.perf_counter() - began:.1f} s")

    checkins, baseline = _checkins(rounds, people[:CHECKINS])
    print(f"check-in: p95 {common.p95(checkins):.1f} ms, p50 {common.p50(checkins):.1f} ms ({CHECKINS:,}); "
          f"baseline single-row insert p95 {common.p95(baseline):.2f} ms")  # fmt: skip
    claims, pdfs, first_pdf = _claims(rounds, people[:CLAIMS])
    print(f"claim: p95 {common.p95(claims):.1f} ms ({CLAIMS}); certificate PDF p95 {common.p95(pdfs):.0f} ms "
          f"({len(pdfs)}; the process's first {first_pdf:.0f} ms)")  # fmt: skip

    began = time.perf_counter()
    _month_of_claims(site, people)
    print(f"{ACTIVITIES} activities x {LEARNERS} learners ({ACTIVITIES * LEARNERS:,} claims) loaded in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip
    xml_seconds, csv_seconds, xml_bytes, csv_rows = _export()
    assert csv_rows == ACTIVITIES * LEARNERS, csv_rows
    print(f"PARS activity XML: {xml_seconds:.2f} s ({xml_bytes / 1024:,.0f} KB); learner CSV: {csv_seconds:.2f} s "
          f"({csv_rows:,} rows)")  # fmt: skip

    figures = {
        "checkin_p95": common.figure(common.p95(checkins), "ms", None),
        "checkin_p50": common.figure(common.p50(checkins), "ms", None),
        "baseline_single_row_insert_p95": common.figure(common.p95(baseline), "ms", None),
        "checkin_over_insert_p95": common.figure(common.p95(checkins) / common.p95(baseline), "x", None),
        "checkins": common.figure(CHECKINS, "people", None, "higher"),
        "claim_p95": common.figure(common.p95(claims), "ms", None),
        "claim_p50": common.figure(common.p50(claims), "ms", None),
        "certificate_pdf_p95": common.figure(common.p95(pdfs), "ms", None),
        "certificate_pdf_p50": common.figure(common.p50(pdfs), "ms", None),
        "certificate_pdf_first_in_process": common.figure(first_pdf, "ms", None),
        "pars_activities_xml_seconds": common.figure(xml_seconds, "s", None),
        "pars_learners_csv_seconds": common.figure(csv_seconds, "s", None),
        "pars_activities": common.figure(ACTIVITIES, "activities", None, "higher"),
        "pars_learner_rows": common.figure(csv_rows, "rows", None, "higher"),
    }
    common.write_result("credits", figures)


if __name__ == "__main__":
    main()
