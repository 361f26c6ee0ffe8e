"""A learner simulated with FSRS's own memory model: reviews of a deck scheduled by FSRS, answers drawn
from the recall probability that a learner with `true` parameters would have. For tests and benches;
nothing here writes a learner's real data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import fsrs

from bedside.drills.scheduling import DEFAULT_PARAMETERS


def true_recall(card: fsrs.Card, now: dt.datetime, parameters: Sequence[float]) -> float:
    if card.stability is None or card.last_review is None:
        return 0.0
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    days = max(0.0, (now - card.last_review).total_seconds() / 86400)
    return (1 + factor * days / card.stability) ** decay


def simulated_reviews(
    *,
    cards: int,
    days: int,
    true_parameters: Sequence[float],
    schedule_with: Sequence[float] = DEFAULT_PARAMETERS,
    new_per_day: int = 10,
    seed: int = 1,
    start: dt.datetime = dt.datetime(2025, 1, 1, 18, tzinfo=dt.UTC),
) -> list[tuple[int, dt.datetime, int]]:
    """(card id, reviewed at, rating) for a learner who studies every day for `days` days."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(parameters=schedule_with, enable_fuzzing=False)
    deck = [fsrs.Card(card_id=n + 1, due=start) for n in range(cards)]
    met: dict[int, fsrs.Card] = {}
    reviews = []
    for day in range(days):
        now = start + dt.timedelta(days=day)
        fresh = [deck.pop(0) for _ in range(min(new_per_day, len(deck)))]
        due = [c for c in met.values() if c.due <= now + dt.timedelta(hours=6)] + fresh
        for card in due:
            at = now + dt.timedelta(minutes=rng.randint(0, 30))
            if card.last_review is None:
                rating = rng.choices([1, 2, 3, 4], weights=[2, 1, 6, 1])[0]
            elif rng.random() < true_recall(card, at, true_parameters):
                rating = rng.choices([2, 3, 4], weights=[1, 8, 1])[0]
            else:
                rating = 1
            updated, _ = scheduler.review_card(card, fsrs.Rating(rating), at)
            # Learning steps within the day are folded into one answer, as a busy nurse would.
            if updated.due - at < dt.timedelta(hours=12):
                updated.due = at + dt.timedelta(days=1)
            reviews.append((card.card_id, at, rating))
            met[card.card_id] = updated
    return reviews
