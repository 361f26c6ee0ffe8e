"""Predicted recall: FSRS's memory model read for a learner over a deck, and the deck kind's status."""

from __future__ import annotations

import datetime as dt

from django.db.models import FilteredRelation, Q

from bedside.drills.models import Card, CardState, Deck
from bedside.drills.scheduling import mean_recall, parameters_for
from bedside.people.models import Person
from bedside.records.kinds import ItemStatus, Progress
from bedside.records.models import LearningItem


def studiable_count(deck: Deck) -> int:
    return Card.objects.filter(deck=deck, active=True, flagged_at__isnull=True).count()


def deck_recall(person: Person, deck: Deck, *, now: dt.datetime, parameters=None) -> float:
    """The mean predicted recall now over the deck's studiable cards (a card never met counts 0):
    one query, the deck's studiable cards joined to the person's states of them."""
    rows = list(
        Card.objects.filter(deck=deck, active=True, flagged_at__isnull=True)
        .annotate(mine=FilteredRelation("states", condition=Q(states__person=person)))
        .values_list("mine__stability", "mine__last_review")
    )
    states = [(s, last) for s, last in rows if last is not None]
    if not states:
        return 0.0
    return mean_recall(states, cards=len(rows), now=now, parameters=parameters or parameters_for(person))


def deck_status(item: LearningItem, person: Person, *, now: dt.datetime) -> ItemStatus:
    """Done while predicted recall is at or above the deck's goal; in progress below it once started."""
    deck = Deck.objects.filter(item=item).first()
    if deck is None:
        return ItemStatus(Progress.NOT_STARTED)
    last = (
        CardState.objects.filter(person=person, deck=deck)
        .order_by("-last_review")
        .values_list("last_review", flat=True)
        .first()
    )
    if last is None:
        return ItemStatus(Progress.NOT_STARTED, detail=f"Goal: predicted recall {deck.goal_recall:.0%}")
    recall = deck_recall(person, deck, now=now)
    detail = f"Predicted recall {recall:.0%} (goal {deck.goal_recall:.0%})"
    if recall >= deck.goal_recall:
        return ItemStatus(Progress.DONE, at=last, detail=detail)
    return ItemStatus(Progress.IN_PROGRESS, at=last, detail=detail)
