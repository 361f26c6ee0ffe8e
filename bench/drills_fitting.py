"""Nightly parameter fitting throughput: learners fitted per minute, and all 80,000 learners' time.

Two parts:

1. Compute only (no database): what fitting one learner costs in fsrs-rs-python (training items,
   fit, fitted and default log loss) at 400, 1,000 and 3,000 reviews, as wall and as this process's CPU
   time (on a shared machine the wall time says more about the neighbours than about the fit).
2. End to end on PostgreSQL (its own database, BENCH_DRILLS_FIT_DATABASE): LEARNERS_E2E learners of
   1,000 reviews each (2 million review logs by default), fitted by the nightly job's
   `fit_learners` (one ordered server-side stream of the logs, two spawned worker processes, batched
   upserts), against a baseline measured in the same run: the former job's per-learner path (a query
   for each learner's logs, a transaction and an update_or_create each), on a sample of learners.

The 80,000-learner figure is extrapolated from the end-to-end run (its key says so): each learner's
fit is independent of the others, the stream is one linear scan in (person, time) order and writes
are batched per 1,000 learners, so the time grows linearly with the number of learners; the run is
scaled down only so that it fits a shared machine.

    .venv/bin/python bench/drills_fitting.py
"""

from __future__ import annotations

import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
DATABASE = os.environ.get("BENCH_DRILLS_FIT_DATABASE", "bedside_bench_drills_fit")
if "--child" in sys.argv:
    os.environ["BENCH_DATABASE"] = DATABASE  # before common reads it
import common  # noqa: E402
from fsrs.scheduler import DEFAULT_PARAMETERS  # noqa: E402
from fsrs_optimizers import learner  # noqa: E402

LEARNERS = 20
TARGET_MINUTES = 15
ALL_LEARNERS = 80_000
WORKERS = 2
LEARNERS_E2E = int(os.environ.get("BENCH_FIT_LEARNERS", "2000"))
REVIEWS_E2E = 1000
BASELINE_SAMPLE = int(os.environ.get("BENCH_FIT_BASELINE", "200"))


def _django() -> None:
    """Django for the drills modules; the bench runner may have set it up already."""
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bedside.settings")
        import django

        django.setup()


_SIMULATED: list[list] = []


def histories(reviews_each: int) -> list[list]:
    """LEARNERS simulated learners' first `reviews_each` reviews (simulated once, then sliced)."""
    from bedside.drills.simulate import simulated_reviews

    if not _SIMULATED:
        for seed in range(LEARNERS):
            reviews = simulated_reviews(
                cards=300, days=400, true_parameters=learner(seed), new_per_day=3, seed=seed
            )
            _SIMULATED.append(sorted(reviews, key=lambda r: r[1]))
    return [reviews[:reviews_each] for reviews in _SIMULATED]


def fit_seconds(reviews_each: int) -> tuple[float, float]:
    """(wall, CPU) seconds to fit one learner of `reviews_each` reviews, compute only."""
    _django()
    from bedside.drills import fitting

    learners = histories(reviews_each)
    wall, cpu = time.perf_counter(), time.process_time()
    for reviews in learners:
        items = fitting.fsrs_items(reviews)
        parameters = fitting.fit(items)
        fitting.log_loss(parameters, items)
        fitting.log_loss(DEFAULT_PARAMETERS, items)
    return (time.perf_counter() - wall) / LEARNERS, (time.process_time() - cpu) / LEARNERS


def compute_figures() -> dict:
    figures = {}
    for n in (400, 1000, 3000):
        wall, cpu = fit_seconds(n)
        figures[f"fit_{n}_reviews_ms"] = common.figure(wall * 1000, "ms", None)
        figures[f"fit_{n}_reviews_cpu_ms"] = common.figure(cpu * 1000, "ms", None)
        figures[f"learners_per_minute_{n}_reviews_per_worker"] = common.figure(
            60 / wall, "learners/min", None, "higher"
        )
        everyone = ALL_LEARNERS * cpu / WORKERS / 60
        figures[f"all_80000_at_{n}_reviews_2_workers_compute_cpu_min"] = common.figure(everyone, "min", None)
    return figures


def seed_logs() -> list[int]:
    """LEARNERS_E2E persons with REVIEWS_E2E review logs each (20 simulated histories, reused), by COPY."""
    from django.core.management import call_command
    from django.db import connection

    from bedside.people.models import Person

    call_command("migrate", verbosity=0)
    persons = Person.objects.bulk_create(
        Person(email=f"fit{n}@bench.test", first_name="F", last_name=str(n), password="!")
        for n in range(LEARNERS_E2E)
    )
    learned = histories(REVIEWS_E2E)
    buffer = io.StringIO()
    for n, person in enumerate(persons):
        for card_id, at, rating in learned[n % len(learned)]:
            buffer.write(f"{person.pk}\t{card_id}\t1\t{rating}\t{at.isoformat()}\t2\t0\t{{}}\tbedside\n")
    buffer.seek(0)
    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")  # no FK triggers: the cards are not needed
        with c.cursor.copy(
            "COPY drills_reviewlog (person_id, card_id, deck_id, rating, reviewed_at, state, elapsed_days, before, source) FROM STDIN"
        ) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        c.execute("SET session_replication_role = DEFAULT")
        c.execute("ANALYZE drills_reviewlog")
    return [p.pk for p in persons]


def baseline_per_learner(person_ids: list[int]) -> tuple[float, float]:
    """The former job's path, per learner: its own query for its logs, one transaction, update_or_create."""
    from django.db import transaction
    from django.utils import timezone

    from bedside.drills import fitting
    from bedside.drills.models import LearnerParameters, ReviewLog

    now = timezone.now()
    started, cpu = time.perf_counter(), time.process_time()
    for person_id in person_ids:
        with transaction.atomic():
            reviews = list(
                ReviewLog.objects.filter(person_id=person_id, undone_at__isnull=True)
                .order_by("card_id", "reviewed_at")
                .values_list("card_id", "reviewed_at", "rating")
            )
            items = fitting.fsrs_items(reviews)
            parameters = fitting.fit(items)
            fitted, default = fitting.log_loss(parameters, items), fitting.log_loss(DEFAULT_PARAMETERS, items)
            LearnerParameters.objects.update_or_create(
                person_id=person_id,
                defaults={"parameters": parameters, "fitted_at": now, "reviews_used": len(reviews),
                          "log_loss": fitted, "default_log_loss": default},
            )  # fmt: skip
    return time.perf_counter() - started, time.process_time() - cpu


def end_to_end_figures() -> dict:
    common.recreate_database()
    common.setup_django()
    from django.utils import timezone

    from bedside.drills import fitting
    from bedside.drills.models import LearnerParameters

    with common.stopwatch() as took:
        person_ids = seed_logs()
    build_s = took()
    baseline_s, baseline_cpu = baseline_per_learner(person_ids[:BASELINE_SAMPLE])
    LearnerParameters.objects.all().delete()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    totals = fitting.fit_learners(person_ids=None, now=timezone.now(), workers=WORKERS)
    wall = time.perf_counter() - wall0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    parent_cpu = time.process_time() - cpu0
    assert totals["fitted"] + totals["defaults"] == LEARNERS_E2E, totals
    per_minute = LEARNERS_E2E / wall * 60
    baseline_per_minute = BASELINE_SAMPLE / baseline_s * 60
    return {
        "e2e_learners": common.figure(LEARNERS_E2E, "learners", None, "higher"),
        "e2e_review_logs": common.figure(LEARNERS_E2E * REVIEWS_E2E, "rows", None, "higher"),
        "e2e_build_s": common.figure(build_s, "s", None),
        "baseline_per_learner_queries_learners_per_min": common.figure(
            baseline_per_minute, "learners/min", None, "higher"
        ),
        "baseline_cpu_ms_per_learner": common.figure(baseline_cpu / BASELINE_SAMPLE * 1000, "ms", None),
        "streamed_2_workers_learners_per_min": common.figure(per_minute, "learners/min", None, "higher"),
        "streamed_parent_cpu_ms_per_learner": common.figure(parent_cpu / LEARNERS_E2E * 1000, "ms", None),
        "streamed_workers_cpu_ms_per_learner": common.figure(worker_cpu / LEARNERS_E2E * 1000, "ms", None),
        "baseline_all_80000_extrapolated_min": common.figure(ALL_LEARNERS / baseline_per_minute, "min", None),
        f"all_80000_at_{REVIEWS_E2E}_reviews_extrapolated_from_{LEARNERS_E2E}_min": common.figure(
            ALL_LEARNERS / per_minute, "min", TARGET_MINUTES
        ),
        # What the job itself costs, whatever the neighbours do: its CPU (stream and writes in the parent,
        # fits in the workers) for 80,000 learners, spread over the two cores. The database server's own
        # share (one index-ordered scan, batched upserts) is not in it.
        f"all_80000_at_{REVIEWS_E2E}_reviews_cpu_time_on_2_cores_extrapolated_min": common.figure(
            ALL_LEARNERS * (parent_cpu + worker_cpu) / LEARNERS_E2E / WORKERS / 60, "min", None
        ),
        "baseline_all_80000_cpu_time_on_1_core_extrapolated_min": common.figure(
            ALL_LEARNERS * baseline_cpu / BASELINE_SAMPLE / 60, "min", None
        ),
    }


def main() -> None:
    """In its own process, on its own database (the bench runner's Django points at the hospital's)."""
    import subprocess

    subprocess.run([sys.executable, __file__, "--child"], check=True)


def child() -> None:
    assert common.DATABASE == DATABASE
    figures = end_to_end_figures()
    figures.update(compute_figures())
    common.write_result("drills_fitting", figures)


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
