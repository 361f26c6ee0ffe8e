"""The compute of one learner's nightly fit, with no Django in it: worker processes import only this
(and fsrs-rs-python), so a pool can use every core while the parent streams review logs and writes.

A learner's reviews are (card id, day, rating), `day` a day number (days since 1970-01-01 in UTC), in
the order they happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Fitted(NamedTuple):
    person_id: int
    reviews: int
    parameters: list[float] | None  # None: the fit failed (a degenerate history): keep the defaults
    log_loss: float | None
    default_log_loss: float | None


def day_number(at: dt.datetime) -> int:
    return (at - EPOCH).days


def fsrs_items(reviews: Iterable[tuple[int, dt.datetime | int, int]]):
    """Training items as fsrs-rs wants them: for each card, each prefix of its history that ends in a
    review on a later day than the one before. `reviews` in time order (a datetime or a day number)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    by_card: dict[int, list[tuple[int, int]]] = {}
    for card_id, at, rating in reviews:
        day = at if isinstance(at, int) else day_number(at)
        by_card.setdefault(card_id, []).append((day, rating))
    items = []
    for history in by_card.values():
        history.sort(key=lambda r: r[0])  # stable: reviews on one day keep their order
        seq: list = []
        previous: int | None = None
        for day, rating in history:
            delta = 0 if previous is None else day - previous
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


def fit_one(job: tuple[int, list[tuple[int, int, int]], Sequence[float]]) -> Fitted | None:
    """Fit one learner: (person id, reviews, default parameters) -> the parameters and both losses, or
    None when the history gives no training item."""
    person_id, reviews, defaults = job
    items = fsrs_items(reviews)
    if not items:
        return None
    try:
        parameters = fit(items)
        return Fitted(
            person_id, len(reviews), parameters, log_loss(parameters, items), log_loss(defaults, items)
        )
    except Exception:  # a degenerate history (all one rating) can fail to converge
        return Fitted(person_id, len(reviews), None, None, None)
