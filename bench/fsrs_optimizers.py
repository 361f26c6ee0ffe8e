"""Which optimiser fits per-learner FSRS parameters: fsrs-rs-python or py-fsrs's Optimizer (torch)?

One simulated learner (FSRS's own memory model, parameters unlike the defaults) studies a 300-card
deck daily until about 3,000 reviews; cards are split 80/20 into training and held-out sets. Each
optimiser fits on the training cards; both fits (and the defaults) are scored by log loss on the
held-out cards' reviews, with the same evaluator (fsrs-rs-python's), and timed.

    .venv/bin/python bench/fsrs_optimizers.py           # fsrs-rs-python only (torch is not installed)
    /tmp/torchvenv/bin/python bench/fsrs_optimizers.py  # both: a throwaway venv with torch, fsrs, fsrs-rs-python

Writes bench/results/fsrs_optimizers.json. Needs no database.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from fsrs.scheduler import DEFAULT_PARAMETERS  # noqa: E402


def _django() -> None:
    """Django for the drills modules (no database is used); the bench runner may have set it up already."""
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bedside.settings")
        import django

        django.setup()


SEEDS = (1, 2, 3)


def learner(seed: int) -> list[float]:
    """A learner who forgets faster than FSRS's default learner, a little differently per seed."""
    rng = random.Random(seed)
    true = list(DEFAULT_PARAMETERS)
    for i in (0, 1, 2, 3):
        true[i] *= rng.uniform(0.35, 0.6)
    true[8] *= rng.uniform(0.7, 0.9)
    return true


def split(reviews, seed: int):
    cards = sorted({c for c, _, _ in reviews})
    random.Random(seed).shuffle(cards)
    held = set(cards[: len(cards) // 5])
    return [r for r in reviews if r[0] not in held], [r for r in reviews if r[0] in held]


def py_fsrs_fit(train) -> list[float]:
    from fsrs import Optimizer, Rating, ReviewLog

    logs = [
        ReviewLog(card_id=c, rating=Rating(r), review_datetime=at, review_duration=None) for c, at, r in train
    ]
    return list(Optimizer(logs).compute_optimal_parameters())


def main() -> None:
    _django()
    from bedside.drills import fitting
    from bedside.drills.simulate import simulated_reviews

    have_torch = importlib.util.find_spec("torch") is not None
    rows = []
    for seed in SEEDS:
        reviews = simulated_reviews(
            cards=300, days=400, true_parameters=learner(seed), new_per_day=3, seed=seed
        )
        reviews = sorted(reviews, key=lambda r: r[1])[:3000]
        train, held = split(reviews, seed)
        train_items, held_items = fitting.fsrs_items(train), fitting.fsrs_items(held)
        t0 = time.perf_counter()
        rs = fitting.fit(train_items)
        rs_s = time.perf_counter() - t0
        row = {
            "reviews": len(reviews),
            "rs_s": rs_s,
            "rs_loss": fitting.log_loss(rs, held_items),
            "default_loss": fitting.log_loss(DEFAULT_PARAMETERS, held_items),
            "true_loss": fitting.log_loss(learner(seed), held_items),
        }
        if have_torch:
            t0 = time.perf_counter()
            py = py_fsrs_fit(train)
            row["py_s"] = time.perf_counter() - t0
            row["py_loss"] = fitting.log_loss(py, held_items)
        rows.append(row)
        print(row)

    def mean(key):
        return sum(r[key] for r in rows) / len(rows)

    figures = {
        "reviews_per_learner": common.figure(mean("reviews"), "reviews", None, "higher"),
        "fsrs_rs_fit_ms": common.figure(mean("rs_s") * 1000, "ms", None),
        "fsrs_rs_heldout_log_loss": common.figure(mean("rs_loss"), "nats", None),
        "defaults_heldout_log_loss": common.figure(mean("default_loss"), "nats", None),
        "true_parameters_heldout_log_loss": common.figure(mean("true_loss"), "nats", None),
    }
    if have_torch:
        figures["py_fsrs_fit_s"] = common.figure(mean("py_s"), "s", None)
        figures["py_fsrs_heldout_log_loss"] = common.figure(mean("py_loss"), "nats", None)
    common.write_result("fsrs_optimizers", figures, databases="no database (simulated learners, 3 seeds)")


if __name__ == "__main__":
    main()
