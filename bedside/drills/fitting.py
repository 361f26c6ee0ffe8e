"""Per-learner FSRS parameters, fitted nightly from the learner's own reviews (fsrs-rs-python).

Why fsrs-rs-python and not py-fsrs's Optimizer: on the same synthetic learner of 3,000 reviews,
its parameters predict held-out reviews at least as well (log loss, bench/fsrs_optimizers.py) and it
fits in milliseconds with a 2 MB wheel, where py-fsrs's Optimizer needs torch (about 870 MB) and
takes seconds. Parameters are kept only when they predict the learner's reviews better than the
defaults do; otherwise, and before a learner has enough reviews, FSRS's defaults schedule them.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence

from django.db import connection, transaction
from django.db.models import Count, Max

from bedside.drills import fit_compute
from bedside.drills.fit_compute import Fitted, fit, fsrs_items, log_loss
from bedside.drills.models import LearnerParameters, ReviewLog
from bedside.drills.scheduling import DEFAULT_PARAMETERS

logger = logging.getLogger(__name__)

__all__ = ["fit", "fsrs_items", "log_loss"]  # the compute, for benches and tests

MIN_REVIEWS = 400  # below this FSRS's defaults predict a learner about as well as a fit does
WRITE_BATCH = 1000  # parameters written per statement
STREAM_CHUNK = 20_000  # review rows fetched per round trip of the server-side cursor
POOL_GROUP = 32  # learners handed to the workers at a time
POOL_FROM = 64  # fewer learners than this are fitted in the calling process (a pool costs a second)


def _reviews_of(person_id: int) -> list[tuple[int, dt.datetime, int]]:
    return list(
        ReviewLog.objects.filter(person_id=person_id, undone_at__isnull=True)
        .order_by("reviewed_at", "pk")
        .values_list("card_id", "reviewed_at", "rating")
    )


def stream_reviews(
    person_ids: Sequence[int] | None = None,
) -> Iterator[tuple[int, list[tuple[int, int, int]]]]:
    """Each learner's kept reviews as (card id, day number, rating) in time order, learner by learner,
    from one query read through a server-side cursor (PostgreSQL) in chunks: never a query per learner,
    never the whole table in memory. The database turns each time into its UTC day number."""
    table = ReviewLog._meta.db_table
    if connection.vendor == "postgresql":
        day = "floor(extract(epoch FROM reviewed_at) / 86400)::int"
    else:  # SQLite keeps UTC times as text
        day = "CAST(julianday(reviewed_at) - 2440587.5 AS INTEGER)"
    where, params = "undone_at IS NULL", []
    if person_ids is not None:
        ids = list(person_ids)
        if not ids:
            return
        where += f" AND person_id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    sql = f"SELECT person_id, card_id, {day}, rating FROM {table} WHERE {where} ORDER BY person_id, reviewed_at, id"
    current, reviews = None, []
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(STREAM_CHUNK):
            for person_id, card_id, day_number_, rating in rows:
                if person_id != current:
                    if current is not None:
                        yield current, reviews
                    current, reviews = person_id, []
                reviews.append((card_id, day_number_, rating))
    if current is not None:
        yield current, reviews


def _write(results: list[Fitted], now: dt.datetime) -> tuple[int, int]:
    """Keep the parameters that beat the defaults (one upsert), drop the rest (one delete)."""
    kept = [r for r in results if r.parameters is not None and r.log_loss <= r.default_log_loss]
    # Worse than the defaults: the defaults schedule them (a failed fit leaves things as they were).
    dropped = [r.person_id for r in results if r.parameters is not None and r.log_loss > r.default_log_loss]
    with transaction.atomic():
        if dropped:
            LearnerParameters.objects.filter(person_id__in=dropped).delete()
        LearnerParameters.objects.bulk_create(
            [
                LearnerParameters(
                    person_id=r.person_id,
                    parameters=[round(p, 6) for p in r.parameters],
                    fitted_at=now,
                    reviews_used=r.reviews,
                    log_loss=r.log_loss,
                    default_log_loss=r.default_log_loss,
                )
                for r in kept
            ],
            update_conflicts=True,
            unique_fields=["person"],
            update_fields=["parameters", "fitted_at", "reviews_used", "log_loss", "default_log_loss"],
        )
    for r in results:
        if r.parameters is None:
            logger.warning("FSRS fitting failed for person %s; defaults stay", r.person_id)
    return len(kept), len(dropped)


def fit_learners(*, person_ids: Sequence[int] | None, now: dt.datetime, workers: int | None = None) -> dict:
    """Fit these learners (None: everyone with reviews): their logs streamed in one ordered query, the
    fits shared by `workers` processes (default: one per core), the parameters written in batches.
    Parameters are kept only when they predict the learner's reviews better than the defaults."""
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    jobs = (
        (person_id, reviews, DEFAULT_PARAMETERS)
        for person_id, reviews in stream_reviews(person_ids)
        if len(reviews) >= MIN_REVIEWS
    )
    totals = {"fitted": 0, "defaults": 0}
    batch: list[Fitted] = []

    def take(result: Fitted | None) -> None:
        if result is None:
            return
        batch.append(result)
        if len(batch) >= WRITE_BATCH:
            flush()

    def flush() -> None:
        kept, dropped = _write(batch, now)
        totals["fitted"] += kept
        totals["defaults"] += dropped
        batch.clear()

    if workers > 1 and (person_ids is None or len(person_ids) >= POOL_FROM):
        # Spawned workers import only fit_compute (no Django, no inherited database connection). This
        # thread keeps reading logs (the connection is this thread's) while they fit the groups before.
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            pending: collections.deque = collections.deque()
            group: list = []
            for job in jobs:
                group.append(job)
                if len(group) >= POOL_GROUP:
                    pending.append(pool.map_async(fit_compute.fit_one, group, chunksize=4))
                    group = []
                    while pending and (pending[0].ready() or len(pending) > 2 * workers):
                        for result in pending.popleft().get():
                            take(result)
            if group:
                pending.append(pool.map_async(fit_compute.fit_one, group, chunksize=4))
            while pending:
                for result in pending.popleft().get():
                    take(result)
    else:
        for job in jobs:
            take(fit_compute.fit_one(job))
    if batch:
        flush()
    return totals


def learner_fit(*, person_id: int, now: dt.datetime) -> LearnerParameters | None:
    """Fit one learner; keep the parameters only if they beat the defaults on the learner's reviews."""
    fit_learners(person_ids=[person_id], now=now, workers=1)
    return LearnerParameters.objects.filter(person_id=person_id, fitted_at=now).first()


def learners_due_for_fitting(*, since: dt.datetime | None = None) -> list[int]:
    """Learners with enough reviews whose newest review is newer than their last fit."""
    rows = (
        ReviewLog.objects.filter(undone_at__isnull=True)
        .values("person_id")
        .annotate(n=Count("pk"), newest=Max("reviewed_at"))
        .filter(n__gte=MIN_REVIEWS)
        .order_by("person_id")
    )
    fitted = dict(LearnerParameters.objects.values_list("person_id", "fitted_at"))
    return [
        r["person_id"] for r in rows if r["person_id"] not in fitted or r["newest"] > fitted[r["person_id"]]
    ]


CHUNK = 5000  # learners a queued task fits (one streamed query each)


def fit_all(*, now: dt.datetime, enqueue=None, workers: int | None = None) -> dict:
    """The nightly job: learners with new reviews since their last fit, in chunks that the workers share
    (`enqueue(person_ids)` queues a chunk; without it the chunks run here, on every core)."""
    due = learners_due_for_fitting()
    chunks = [due[i : i + CHUNK] for i in range(0, len(due), CHUNK)]
    if enqueue is not None:
        for chunk in chunks:
            enqueue(chunk)
        return {"learners": len(due), "chunks": len(chunks)}
    totals = {"fitted": 0, "defaults": 0}
    for chunk in chunks:
        for key, value in fit_learners(person_ids=chunk, now=now, workers=workers).items():
            totals[key] += value
    return totals
