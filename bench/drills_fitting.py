"""Nightly parameter fitting throughput: learners fitted per minute, per worker process.

Each learner is simulated (FSRS's memory model, parameters unlike the defaults) to a history of
N reviews; the timing covers what `bedside.drills.fitting.learner_fit` does after reading the rows:
building fsrs-rs items, fitting, and scoring fitted and default parameters. Reading a learner's
rows from PostgreSQL (one indexed range scan) is not included. With 20 million reviews over 80,000
learners the mean is 250; only learners with at least 400 (fitting.MIN_REVIEWS) are fitted.

    .venv/bin/python bench/drills_fitting.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from fsrs.scheduler import DEFAULT_PARAMETERS  # noqa: E402
from fsrs_optimizers import learner  # noqa: E402


def _django() -> None:
    """Django for the drills modules (no database is used); the bench runner may have set it up already."""
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bedside.settings")
        import django

        django.setup()


LEARNERS = 20
TARGET_MINUTES = 15
ALL_LEARNERS = 80_000
WORKERS = 2


def fit_seconds(reviews_each: int) -> float:
    _django()
    from bedside.drills import fitting
    from bedside.drills.simulate import simulated_reviews

    histories = []
    for seed in range(LEARNERS):
        reviews = simulated_reviews(
            cards=300, days=400, true_parameters=learner(seed), new_per_day=3, seed=seed
        )
        histories.append(sorted(reviews, key=lambda r: r[1])[:reviews_each])
    started = time.perf_counter()
    for reviews in histories:
        items = fitting.fsrs_items(reviews)
        parameters = fitting.fit(items)
        fitting.log_loss(parameters, items)
        fitting.log_loss(DEFAULT_PARAMETERS, items)
    return (time.perf_counter() - started) / LEARNERS


def main() -> None:
    figures = {}
    for n in (400, 1000, 3000):
        seconds = fit_seconds(n)
        per_minute = 60 / seconds
        figures[f"fit_{n}_reviews_ms"] = common.figure(seconds * 1000, "ms", None)
        figures[f"learners_per_minute_{n}_reviews_per_worker"] = common.figure(
            per_minute, "learners/min", None, "higher"
        )
        everyone = ALL_LEARNERS / (per_minute * WORKERS)
        target = TARGET_MINUTES if n == 1000 else None
        figures[f"all_80000_at_{n}_reviews_2_workers_min"] = common.figure(everyone, "min", target)
    common.write_result("drills_fitting", figures, databases="no database (fitting compute only)")


if __name__ == "__main__":
    main()
