"""FSRS for one learner and one card: the `fsrs` package's scheduler, with the learner's fitted
parameters where the nightly job has fitted them, and the deck's desired retention; fuzz on."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence

import fsrs

from bedside.drills.models import CardState, Deck, LearnerParameters, MemoryState

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)


def parameters_of(person_id: int) -> tuple[float, ...]:
    """The learner's fitted parameters, else FSRS's defaults."""
    row = LearnerParameters.objects.filter(person_id=person_id).values_list("parameters", flat=True).first()
    return tuple(row) if row else DEFAULT_PARAMETERS


def parameters_for(person) -> tuple[float, ...]:
    """`parameters_of`, read once per person instance (a request): the queue and the answer share it.
    Parameters change only when the nightly job refits them."""
    cached = getattr(person, "_fsrs_parameters", None)
    if cached is None:
        cached = parameters_of(person.pk)
        person._fsrs_parameters = cached
    return cached


@functools.lru_cache(maxsize=256)
def _scheduler(parameters: tuple[float, ...], desired_retention: float) -> fsrs.Scheduler:
    return fsrs.Scheduler(parameters=parameters, desired_retention=desired_retention, enable_fuzzing=True)


def scheduler(parameters: Sequence[float], deck: Deck) -> fsrs.Scheduler:
    """FSRS's scheduler for these parameters and the deck's retention (built once: it holds no state)."""
    return _scheduler(tuple(parameters), float(deck.desired_retention))


def to_fsrs(state: CardState | None, *, now: dt.datetime) -> fsrs.Card:
    if state is None:
        return fsrs.Card(card_id=1, due=now)
    return fsrs.Card(
        card_id=state.card_id,
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due.astimezone(dt.UTC),
        last_review=state.last_review.astimezone(dt.UTC) if state.last_review else None,
    )


def snapshot(state: CardState | None) -> dict:
    """What undo needs to put the state back ({} for a card met for the first time)."""
    if state is None:
        return {}
    return {
        "state": state.state,
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": state.due.isoformat(),
        "last_review": state.last_review.isoformat() if state.last_review else None,
        "reps": state.reps,
        "lapses": state.lapses,
    }


def restore(state: CardState, before: dict) -> None:
    state.state = before["state"]
    state.step = before["step"]
    state.stability = before["stability"]
    state.difficulty = before["difficulty"]
    state.due = dt.datetime.fromisoformat(before["due"])
    state.last_review = dt.datetime.fromisoformat(before["last_review"]) if before["last_review"] else None
    state.reps = before["reps"]
    state.lapses = before["lapses"]


def decay_factor(parameters: Sequence[float]) -> tuple[float, float]:
    decay = -parameters[20]
    return decay, 0.9 ** (1 / decay) - 1


def retrievability(
    stability: float | None, last_review: dt.datetime | None, now: dt.datetime, parameters: Sequence[float]
) -> float:
    """FSRS's predicted chance of recall now (0 for a card never answered), as the package computes it."""
    if stability is None or last_review is None:
        return 0.0
    decay, factor = decay_factor(parameters)
    days = max(0, (now - last_review).days)
    return (1 + factor * days / stability) ** decay


def mean_recall(
    states: Iterable[tuple[float | None, dt.datetime | None]],
    *,
    cards: int,
    now: dt.datetime,
    parameters: Sequence[float],
) -> float:
    """Predicted recall of a whole deck: the mean over its `cards`, a card never met counting 0."""
    if cards <= 0:
        return 0.0
    total = sum(retrievability(s, last, now, parameters) for s, last in states)
    return min(1.0, total / cards)


def interval_days(state: CardState) -> float:
    if state.last_review is None:
        return 0.0
    return (state.due - state.last_review).total_seconds() / 86400


def is_review(state: CardState) -> bool:
    return state.state == MemoryState.REVIEW
