"""Per-learner FSRS parameters, fitted nightly from the learner's own reviews (fsrs-rs-python).

Why fsrs-rs-python and not py-fsrs's Optimizer: on the same synthetic learner of 3,000 reviews,
its parameters predict held-out reviews at least as well (log loss, bench/fsrs_optimizers.py) and it
fits in milliseconds with a 2 MB wheel, where py-fsrs's Optimizer needs torch (about 870 MB) and
takes seconds. Parameters are kept only when they predict the learner's reviews better than the
defaults do; otherwise, and before a learner has enough reviews, FSRS's defaults schedule them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count, Max

from bedside.drills.models import LearnerParameters, ReviewLog
from bedside.drills.scheduling import DEFAULT_PARAMETERS

logger = logging.getLogger(__name__)

MIN_REVIEWS = 400  # below this FSRS's defaults predict a learner about as well as a fit does


def fsrs_items(reviews: Iterable[tuple[int, dt.datetime, int]]):
    """Training items from (card id, reviewed at, rating), as fsrs-rs wants them: for each card, each
    prefix of its history that ends in a review on a later day than the one before."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    by_card: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for card_id, at, rating in reviews:
        by_card[card_id].append((at, rating))
    items = []
    for history in by_card.values():
        history.sort()
        seq: list = []
        previous: dt.date | None = None
        for at, rating in history:
            day = at.astimezone(dt.UTC).date()
            delta = 0 if previous is None else (day - previous).days
            seq.append(FSRSReview(rating, delta))
            previous = day
            if len(seq) > 1 and delta > 0:
                items.append(FSRSItem(list(seq)))
    return items


def fit(items: Sequence) -> list[float]:
    from fsrs_rs_python import DEFAULT_PARAMETERS as RS_DEFAULTS
    from fsrs_rs_python import FSRS

    return list(FSRS(RS_DEFAULTS).compute_parameters(list(items)))


def log_loss(parameters: Sequence[float], items: Sequence) -> float:
    from fsrs_rs_python import FSRS

    return float(FSRS(list(parameters)).evaluate(list(items)).log_loss)


def _reviews_of(person_id: int) -> list[tuple[int, dt.datetime, int]]:
    return list(
        ReviewLog.objects.filter(person_id=person_id, undone_at__isnull=True)
        .order_by("card_id", "reviewed_at")
        .values_list("card_id", "reviewed_at", "rating")
    )


@transaction.atomic
def learner_fit(*, person_id: int, now: dt.datetime) -> LearnerParameters | None:
    """Fit one learner; keep the parameters only if they beat the defaults on the learner's reviews."""
    reviews = _reviews_of(person_id)
    items = fsrs_items(reviews)
    if len(reviews) < MIN_REVIEWS or not items:
        return None
    try:
        parameters = fit(items)
        fitted_loss, default_loss = log_loss(parameters, items), log_loss(DEFAULT_PARAMETERS, items)
    except Exception:  # a degenerate history (all one rating) can fail to converge: keep the defaults
        logger.warning("FSRS fitting failed for person %s; defaults stay", person_id, exc_info=True)
        return None
    if fitted_loss > default_loss:
        LearnerParameters.objects.filter(person_id=person_id).delete()
        return None
    row, _ = LearnerParameters.objects.update_or_create(
        person_id=person_id,
        defaults={
            "parameters": [round(p, 6) for p in parameters],
            "fitted_at": now,
            "reviews_used": len(reviews),
            "log_loss": fitted_loss,
            "default_log_loss": default_loss,
        },
    )
    return row


def learners_due_for_fitting(*, since: dt.datetime | None = None) -> list[int]:
    """Learners with enough reviews whose newest review is newer than their last fit."""
    rows = (
        ReviewLog.objects.filter(undone_at__isnull=True)
        .values("person_id")
        .annotate(n=Count("pk"), newest=Max("reviewed_at"))
        .filter(n__gte=MIN_REVIEWS)
    )
    fitted = dict(LearnerParameters.objects.values_list("person_id", "fitted_at"))
    return [
        r["person_id"] for r in rows if r["person_id"] not in fitted or r["newest"] > fitted[r["person_id"]]
    ]


CHUNK = 500


def fit_learners(*, person_ids: Sequence[int], now: dt.datetime) -> dict:
    """Fit these learners, one after another (a worker's share of the night)."""
    fitted = kept_defaults = 0
    for person_id in person_ids:
        if learner_fit(person_id=person_id, now=now) is None:
            kept_defaults += 1
        else:
            fitted += 1
    return {"fitted": fitted, "defaults": kept_defaults}


def fit_all(*, now: dt.datetime, enqueue=None) -> dict:
    """The nightly job: learners with new reviews since their last fit, in chunks that the workers share
    (`enqueue(person_ids)` queues a chunk; without it the chunks run here)."""
    due = learners_due_for_fitting()
    chunks = [due[i : i + CHUNK] for i in range(0, len(due), CHUNK)]
    if enqueue is not None:
        for chunk in chunks:
            enqueue(chunk)
        return {"learners": len(due), "chunks": len(chunks)}
    totals = {"fitted": 0, "defaults": 0}
    for chunk in chunks:
        for key, value in fit_learners(person_ids=chunk, now=now).items():
            totals[key] += value
    return totals
