"""The daily queue: the most valuable cards for the minutes a person has, from all their decks.

Due and overdue cards first (the ones most likely forgotten first), then new cards within each
deck's daily limit. Nothing is pushed while the person is on shift unless they ask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, JSONField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from bedside.drills.models import Card, CardState, ChosenDeck, Deck, LearnerParameters
from bedside.drills.scheduling import DEFAULT_PARAMETERS, parameters_for, retrievability
from bedside.people.models import Person
from bedside.people.timezones import tz_of
from bedside.rosters.models import Shift, ShiftStatus

SECONDS_PER_REVIEW = 10
SECONDS_PER_NEW = 25
MAX_MINUTES = 60


def assigned_deck_ids(person: Person) -> set[int]:
    """Decks required of the person now (their current requirement, open or kept)."""
    from bedside.assignments.queries import required

    return set(
        Deck.objects.filter(
            item__in=required().filter(person=person, item__kind="deck").values("item_id"), item__active=True
        ).values_list("pk", flat=True)
    )


def chosen_deck_ids(person: Person) -> set[int]:
    return set(
        ChosenDeck.objects.filter(person=person, deck__item__active=True).values_list("deck_id", flat=True)
    )


def deck_ids_of(person: Person) -> set[int]:
    return assigned_deck_ids(person) | chosen_deck_ids(person)


def decks_of(person: Person, *, met_since: dt.datetime):
    """The person's active decks (required or chosen) in one query, each with `met_today`: the new cards
    the person has met since `met_since` (the start of their local day)."""
    from bedside.assignments.queries import required

    met = (
        CardState.objects.filter(person=person, deck_id=OuterRef("pk"), introduced_at__gte=met_since)
        .order_by()
        .values("deck_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Deck.objects.filter(item__active=True)
        .filter(
            Q(item__in=required().filter(person=person, item__kind="deck").values("item_id"))
            | Q(Exists(ChosenDeck.objects.filter(person=person, deck_id=OuterRef("pk"))))
        )
        .annotate(
            met_today=Coalesce(Subquery(met, output_field=IntegerField()), Value(0)),
            # The person's fitted FSRS parameters ride along, sparing the queue a query of its own.
            fsrs_parameters=Subquery(
                LearnerParameters.objects.filter(person=person).values("parameters")[:1],
                output_field=JSONField(),
            ),
        )
        .select_related("item")
        .order_by("pk")
    )


def new_cards(person: Person, takes: dict[int, int], decks: dict[int, Deck]) -> list[Card]:
    """The first cards the person has not met of each deck, up to `takes[deck id]` a deck, in one query
    (written out: the ORM's filter on a window function costs more to build than to run)."""
    takes = {d: n for d, n in takes.items() if n > 0}
    if not takes:
        return []
    card, state = Card._meta.db_table, CardState._meta.db_table
    columns = ", ".join(f"c.{f.column}" for f in Card._meta.concrete_fields)
    marks = ", ".join(["%s"] * len(takes))
    sql = f"""
        SELECT * FROM (
            SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY c.deck_id ORDER BY c.position, c.id) AS rank
            FROM {card} c
            WHERE c.deck_id IN ({marks}) AND c.active AND c.flagged_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM {state} s WHERE s.person_id = %s AND s.card_id = c.id)
        ) fresh
        WHERE rank <= %s
        ORDER BY deck_id, position, id"""
    rows = Card.objects.raw(sql, [*takes, person.pk, max(takes.values())])
    fresh = [c for c in rows if c.rank <= takes[c.deck_id]]
    for c in fresh:
        c.deck = decks[c.deck_id]
    return fresh


def studiable_cards() -> Q:
    return Q(card__active=True, card__flagged_at__isnull=True)


def shift_now(person: Person, now: dt.datetime) -> Shift | None:
    return (
        Shift.objects.filter(person=person, status=ShiftStatus.SCHEDULED, start__lte=now, end__gt=now)
        .select_related("unit")
        .first()
    )


def start_of_local_day(person: Person, now: dt.datetime) -> dt.datetime:
    tz = tz_of(person)
    local = now.astimezone(tz)
    return dt.datetime.combine(local.date(), dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def new_left_today(person: Person, decks: list[Deck], now: dt.datetime) -> dict[int, int]:
    """Per deck, how many new cards the person may still meet today (their local day)."""
    met = dict(
        CardState.objects.filter(
            person=person, deck__in=decks, introduced_at__gte=start_of_local_day(person, now)
        )
        .values("deck_id")
        .annotate(n=Count("pk"))
        .values_list("deck_id", "n")
    )
    return {d.pk: max(0, d.new_per_day - met.get(d.pk, 0)) for d in decks}


def new_waiting(person: Person, deck_ids: set[int], now: dt.datetime) -> int:
    """New cards the person may still meet today across their decks (each deck's daily limit)."""
    decks = list(Deck.objects.filter(pk__in=deck_ids))
    left = new_left_today(person, decks, now)
    seen = CardState.objects.filter(person=person, deck_id__in=deck_ids).values("card_id")
    unseen = dict(
        Card.objects.filter(deck_id__in=deck_ids, active=True, flagged_at__isnull=True)
        .exclude(pk__in=seen)
        .values("deck_id")
        .annotate(n=Count("pk"))
        .values_list("deck_id", "n")
    )
    return sum(min(left[d], unseen.get(d, 0)) for d in left)


@dataclass
class Queue:
    cards: list[Card] = field(default_factory=list)
    due_count: int = 0
    new_count: int = 0
    on_shift: Shift | None = None
    held_for_shift: bool = False

    @property
    def empty(self) -> bool:
        return not self.cards


def due_states(person: Person, deck_ids: set[int], now: dt.datetime):
    return (
        CardState.objects.filter(person=person, deck_id__in=deck_ids, due__lte=now)
        .filter(studiable_cards())
        .select_related("card__deck__item")
    )


def due_count(person: Person, now: dt.datetime, deck_ids: set[int] | None = None) -> int:
    deck_ids = deck_ids_of(person) if deck_ids is None else deck_ids
    if not deck_ids:
        return 0
    return (
        CardState.objects.filter(person=person, deck_id__in=deck_ids, due__lte=now)
        .filter(studiable_cards())
        .count()
    )


def build_queue(
    person: Person, *, now: dt.datetime, minutes: int, anyway: bool = False, deck_id: int | None = None
) -> Queue:
    """The cards to answer in `minutes`: due (least likely recalled first), then new within the limits."""
    queue = Queue(on_shift=shift_now(person, now))
    if queue.on_shift is not None and not anyway:
        queue.held_for_shift = True
        return queue
    decks = list(decks_of(person, met_since=start_of_local_day(person, now)))
    if deck_id is not None:
        decks = [d for d in decks if d.pk == deck_id]
    if not decks:
        return queue
    deck_ids = {d.pk for d in decks}
    budget = max(1, min(minutes, MAX_MINUTES)) * 60
    if getattr(person, "_fsrs_parameters", None) is None:
        fitted = decks[0].fsrs_parameters
        person._fsrs_parameters = tuple(fitted) if fitted else DEFAULT_PARAMETERS
    parameters = parameters_for(person)
    due = sorted(
        due_states(person, deck_ids, now)[:500],
        key=lambda s: (retrievability(s.stability, s.last_review, now, parameters), s.due),
    )
    for s in due:
        if budget < SECONDS_PER_REVIEW:
            break
        queue.cards.append(s.card)
        budget -= SECONDS_PER_REVIEW
    queue.due_count = len(queue.cards)
    if budget >= SECONDS_PER_NEW:
        # Every deck may offer up to what the whole budget allows; the decks then take in turn.
        most = budget // SECONDS_PER_NEW
        fresh = new_cards(
            person,
            {d.pk: min(most, max(0, d.new_per_day - d.met_today)) for d in decks},
            {d.pk: d for d in decks},
        )
        for deck in decks:
            take = [c for c in fresh if c.deck_id == deck.pk][: budget // SECONDS_PER_NEW]
            queue.cards.extend(take)
            queue.new_count += len(take)
            budget -= SECONDS_PER_NEW * len(take)
    return queue
