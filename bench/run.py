"""Run every bench: seed the bench-size hospital afresh, then Today, compliance and rule application,
then a first roster import of 50,000 people on SQLite and PostgreSQL (its own fresh databases),
then the library: search speed over 50,000 resources and quality on 200 questions (both databases),
and anonymous public-portal throughput under gunicorn; the session planner (generated scenarios) and a
campaign launched to 20,000 people (its own fresh database), then the live dialogue's delivery to 1,000 viewers,
and continuing-education credit (check-ins, claims and certificates, the PARS month export).

    .venv/bin/python bench/run.py            # everything, on a freshly seeded bench database
    .venv/bin/python bench/run.py --reuse    # keep an already seeded bench database
    .venv/bin/python bench/run.py today      # only the named benches (seeding if needed)

Needs a PostgreSQL server (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432); results
go to bench/results/<name>.json. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import time

import campaign_launch
import common
import compliance
import credits
import drills_fitting
import drills_queue
import drills_workload
import events_live
import fsrs_optimizers
import learning
import library_public
import library_quality
import library_search
import planner
import roster_import
import rule_apply
import seed_bench
import today

BENCHES = {
    "seed": seed_bench,
    "today": today,
    "compliance": compliance,
    "rule_apply": rule_apply,
    "roster_import": roster_import,
    # Drills: no hospital seed needed (drills_queue builds its own database).
    "drills_workload": drills_workload,
    "drills_fitting": drills_fitting,
    "fsrs_optimizers": fsrs_optimizers,
    "drills_queue": drills_queue,
    "learning": learning,
    "planner": planner,
    "campaign_launch": campaign_launch,
    "library_search": library_search,
    "library_quality": library_quality,
    "library_public": library_public,
    # Live delivery to 1,000 viewers of one event (its own database and servers).
    "events_live": events_live,
    # Check-ins, claims with certificates, and the PARS month export (its own database).
    "credits": credits,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help=f"benches to run: {', '.join(BENCHES)} (default: all)")
    parser.add_argument("--reuse", action="store_true", help="reuse a seeded bench database")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHES)
    if unknown:
        parser.error(f"no bench named {', '.join(sorted(unknown))}")
    names = args.names or list(BENCHES)
    if "seed" in names and args.reuse:
        names.remove("seed")
    started = time.perf_counter()
    for name in names:
        BENCHES[name].main()
    print(f"\nAll benches done in {time.perf_counter() - started:.0f} s; results in {common.RESULTS}")


if __name__ == "__main__":
    main()
