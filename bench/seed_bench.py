"""Seed the bench-size hospital: 80,000 staff, 28 days of shifts, about 5 million ledger records.

Uses the demo seed's generators in bench mode (COPY, requirements planned in Python,
past records up to the target). Loading is done as a bulk load: secondary indexes are
built after the data and foreign-key triggers are off for this session (the generators
keep the references whole). Baseline: a raw SQL INSERT ... SELECT of as many ledger
rows into an unindexed copy of the table, timed in the same run.

    .venv/bin/python bench/seed_bench.py
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import common

TABLES = ("people_person", "people_job", "people_shift", "assignments_assignment", "records_record",
          "audit_auditentry")  # fmt: skip


@contextmanager
def bulk_load(cursor, timings: dict[str, float]) -> Iterator[None]:
    """Drop secondary indexes of the big tables, load, then build them again in one pass each."""
    cursor.execute("SET session_replication_role = replica")
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SET synchronous_commit = off")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [list(TABLES)],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = origin")
        started = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        timings["indexes"] = time.perf_counter() - started


def baseline_insert(cursor, rows: int) -> float:
    """Seconds for PostgreSQL alone to write as many ledger rows, generated server-side."""
    cursor.execute("CREATE TABLE bench_baseline (LIKE records_record INCLUDING DEFAULTS)")
    started = time.perf_counter()
    cursor.execute(
        "INSERT INTO bench_baseline (id, person_id, item_id, verb, at, valid_until, evidence, source_kind,"
        " source_ref, recorded_by_id, recorded_at, credit_type, correction_reason)"
        " SELECT gen_random_uuid(), 1 + n %% 80000, 1 + n %% 30, 'acknowledged',"
        " now() - (n %% 4000) * interval '1 day', now() + interval '1 year', 'Attested in Bedside',"
        " 'person', '', 1 + n %% 80000, now(), '', '' FROM generate_series(1, %s) AS n",
        [rows],
    )
    seconds = time.perf_counter() - started
    cursor.execute("DROP TABLE bench_baseline")
    return seconds


def main() -> dict:
    common.recreate_database()
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bedside.demo.seed import seed_hospital

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.perf_counter() - started
    print(f"Seeding {common.STAFF} staff, {common.DAYS} days, about {common.RECORDS:,} records...")
    started = time.perf_counter()
    with connection.cursor() as cursor, bulk_load(cursor, timings):
        report = seed_hospital(
            staff=common.STAFF,
            days=common.DAYS,
            seed=common.SEED,
            now=timezone.now(),
            records_target=common.RECORDS,
            progress=lambda step, seconds: print(f"  {step}: {seconds:.1f} s", flush=True),
        )
    print(f"  indexes: {timings['indexes']:.1f} s", flush=True)
    vacuum_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    timings["vacuum"] = time.perf_counter() - vacuum_started
    print(f"  vacuum and analyze: {timings['vacuum']:.1f} s", flush=True)
    total = time.perf_counter() - started
    counts = report.counts
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM records_record")
        records = cursor.fetchone()[0]
        baseline = baseline_insert(cursor, records)
    figures = {
        "seed_total_s": common.figure(total, "s", 180),
        "seed_data_s": common.figure(report.seconds, "s", None),
        "index_build_s": common.figure(timings["indexes"], "s", None),
        "vacuum_analyze_s": common.figure(timings["vacuum"], "s", None),
        "baseline_raw_sql_insert_records_s": common.figure(baseline, "s", None),
        "persons": common.figure(counts.get("people.person", 0), "rows", None, "higher"),
        "shifts": common.figure(counts.get("rosters.shift", 0), "rows", None, "higher"),
        "requirements": common.figure(counts.get("assignments.assignment", 0), "rows", None, "higher"),
        "records": common.figure(records, "rows", None, "higher"),
        "staffing_windows_met_pct": common.figure(
            100 * report.coverage[0] / max(report.coverage[1], 1), "%", None, "higher"
        ),
    }
    common.write_result("seed", figures)
    return figures


if __name__ == "__main__":
    main()
