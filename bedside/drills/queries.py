"""Reads for the drills pages: a learner's progress, and a deck's health for its educators."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate

from bedside.drills.models import Card, CardState, Deck, Rating, ReviewLog
from bedside.drills.queue import assigned_deck_ids, chosen_deck_ids
from bedside.drills.scheduling import mean_recall, parameters_for, parameters_of, retrievability
from bedside.people import access
from bedside.people.models import Capability, Person, Unit, active_jobs
from bedside.people.timezones import tz_of


@dataclass
class DeckProgress:
    deck: Deck
    required: bool
    chosen: bool
    cards: int
    met: int
    due_now: int
    recall: float

    @property
    def at_goal(self) -> bool:
        return self.met > 0 and self.recall >= self.deck.goal_recall


def learner_decks(person: Person, *, now: dt.datetime) -> list[DeckProgress]:
    """Each deck the person studies, required first, with predicted recall against its goal."""
    required, chosen = assigned_deck_ids(person), chosen_deck_ids(person)
    decks = Deck.objects.filter(pk__in=required | chosen).select_related("item").order_by("item__title")
    decks = decks.annotate(
        n_cards=Count("cards", filter=Q(cards__active=True, cards__flagged_at__isnull=True))
    )
    by_deck: dict[int, list[tuple]] = defaultdict(list)
    for deck_id, stability, last, due in CardState.objects.filter(
        person=person, deck__in=decks, card__active=True, card__flagged_at__isnull=True
    ).values_list("deck_id", "stability", "last_review", "due"):
        by_deck[deck_id].append((stability, last, due))
    parameters = parameters_for(person)
    rows = []
    for deck in decks:
        states = by_deck.get(deck.pk, [])
        rows.append(
            DeckProgress(
                deck=deck,
                required=deck.pk in required,
                chosen=deck.pk in chosen,
                cards=deck.n_cards,
                met=len(states),
                due_now=sum(1 for _, _, due in states if due <= now),
                recall=mean_recall(
                    [(s, last) for s, last, _ in states], cards=deck.n_cards, now=now, parameters=parameters
                ),
            )
        )
    return sorted(rows, key=lambda r: (not r.required, r.deck.item.title))


def streak(person: Person, *, now: dt.datetime) -> int:
    """Consecutive local days with at least one answer, ending today (or yesterday, if none yet today)."""
    tz = tz_of(person)
    today = now.astimezone(tz).date()
    days = set(
        ReviewLog.objects.filter(
            person=person, undone_at__isnull=True, reviewed_at__gte=now - dt.timedelta(days=400)
        )
        .annotate(day=TruncDate("reviewed_at", tzinfo=tz))
        .values_list("day", flat=True)
        .distinct()
    )
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def due_by_day(person: Person, deck_ids: set[int], *, now: dt.datetime, days: int = 7) -> list[tuple]:
    """Cards due on each of the next `days` local days (overdue ones count today)."""
    tz = tz_of(person)
    today = now.astimezone(tz).date()
    end = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(0), tzinfo=tz)
    counts = dict(
        CardState.objects.filter(person=person, deck_id__in=deck_ids, due__lt=end)
        .filter(card__active=True, card__flagged_at__isnull=True)
        .annotate(day=TruncDate("due", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    overdue = sum(n for d, n in counts.items() if d < today)
    return [
        (
            today + dt.timedelta(days=k),
            counts.get(today + dt.timedelta(days=k), 0) + (overdue if k == 0 else 0),
        )
        for k in range(days)
    ]


def decks_to_choose(person: Person) -> QuerySet[Deck]:
    """Active decks the person is not studying yet, for the Drills page."""
    mine = assigned_deck_ids(person) | chosen_deck_ids(person)
    return (
        Deck.objects.filter(item__active=True)
        .exclude(pk__in=mine)
        .select_related("item")
        .annotate(n_cards=Count("cards", filter=Q(cards__active=True)))
        .order_by("item__title")
    )


def decks_looked_after(person: Person) -> QuerySet[Deck]:
    """Decks the person may look after (educators of the deck's unit, and the owner)."""
    return (
        access.scoped(person, Capability.TEACH, Deck, own=True)
        .select_related("item", "unit")
        .annotate(
            n_cards=Count("cards", filter=Q(cards__active=True), distinct=True),
            n_flagged=Count(
                "cards", filter=Q(cards__active=True, cards__flagged_at__isnull=False), distinct=True
            ),
        )
        .order_by("item__title")
    )


@dataclass
class HardCard:
    card: Card
    reviews: int
    again: int
    difficulty: float | None

    @property
    def again_share(self) -> float:
        return self.again / self.reviews if self.reviews else 0.0


def hardest_cards(deck: Deck, *, limit: int = 10, min_reviews: int = 3) -> list[HardCard]:
    """Cards most often answered Again (then the highest FSRS difficulty), with at least a few reviews."""
    stats = (
        ReviewLog.objects.filter(deck=deck, undone_at__isnull=True)
        .values("card_id")
        .annotate(reviews=Count("pk"), again=Count("pk", filter=Q(rating=Rating.AGAIN)))
        .filter(reviews__gte=min_reviews)
    )
    difficulty = dict(
        CardState.objects.filter(deck=deck)
        .values("card_id")
        .annotate(d=Avg("difficulty"))
        .values_list("card_id", "d")
    )
    ranked = sorted(
        stats,
        key=lambda s: (-(s["again"] / s["reviews"]), -(difficulty.get(s["card_id"]) or 0), s["card_id"]),
    )[:limit]
    cards = Card.objects.in_bulk([s["card_id"] for s in ranked])
    return [
        HardCard(cards[s["card_id"]], s["reviews"], s["again"], difficulty.get(s["card_id"])) for s in ranked
    ]


@dataclass
class UnitRecall:
    unit: Unit
    learners: int
    recall: float
    at_goal: int


def recall_by_unit(deck: Deck, *, now: dt.datetime, units: QuerySet[Unit] | None = None) -> list[UnitRecall]:
    """Mean predicted recall of the deck per unit (by each learner's primary job), lowest first."""
    n_cards = Card.objects.filter(deck=deck, active=True, flagged_at__isnull=True).count()
    per_person: dict[int, list[tuple]] = defaultdict(list)
    for pid, s, last in CardState.objects.filter(
        deck=deck, card__active=True, card__flagged_at__isnull=True
    ).values_list("person_id", "stability", "last_review"):
        per_person[pid].append((s, last))
    if not per_person:
        return []
    jobs = active_jobs(now.date()).filter(person_id__in=per_person.keys(), primary=True)
    if units is not None:
        jobs = jobs.filter(unit__in=units)
    unit_of = dict(jobs.values_list("person_id", "unit_id"))
    params: dict[int, tuple] = {}
    grouped: dict[int, list[float]] = defaultdict(list)
    for pid, states in per_person.items():
        if pid not in unit_of:
            continue
        parameters = params.setdefault(pid, parameters_of(pid))
        grouped[unit_of[pid]].append(mean_recall(states, cards=n_cards, now=now, parameters=parameters))
    unit_rows = Unit.objects.in_bulk(grouped.keys())
    rows = [
        UnitRecall(
            unit=unit_rows[u],
            learners=len(values),
            recall=sum(values) / len(values),
            at_goal=sum(1 for v in values if v >= deck.goal_recall),
        )
        for u, values in grouped.items()
    ]
    return sorted(rows, key=lambda r: (r.recall, r.unit.name))


def flagged_cards(deck: Deck) -> QuerySet[Card]:
    return deck.cards.filter(active=True, flagged_at__isnull=False).select_related("cites__item")


def card_recall(state: CardState, now: dt.datetime) -> float:
    return retrievability(state.stability, state.last_review, now, parameters_of(state.person_id))
