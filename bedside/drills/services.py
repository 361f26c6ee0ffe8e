"""Writes for practice decks: decks and cards, choosing a deck, answering a card, undoing an answer,
and the mastery record that closes a deck's requirement."""

from __future__ import annotations

import datetime as dt
import re

import fsrs
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from bedside.audit.services import audit
from bedside.drills.models import Card, CardKind, CardState, ChosenDeck, Deck, Rating, ReviewLog
from bedside.drills.queue import assigned_deck_ids, new_left_today, start_of_local_day
from bedside.drills.recall import deck_recall
from bedside.drills.scheduling import parameters_for, restore, scheduler, snapshot, to_fsrs
from bedside.drills.spread import spread_due
from bedside.people import access
from bedside.people.models import Audience, Capability, Person, Unit
from bedside.people.timezones import tz_of
from bedside.records.models import ItemVersion, LearningItem, Record
from bedside.records.queries import current_records
from bedside.records.services import record_add

KIND = "deck"
MASTERED = "mastered"
AUTHORS = (Capability.TEACH,)
CLOZE = re.compile(r"\{\{c\d+::(.+?)(?:::(.*?))?\}\}", re.S)
UNDO_WINDOW = dt.timedelta(hours=1)


def require_author(actor: Person | None, unit: Unit | None) -> None:
    """Educators make decks for the units they teach; a deck for everyone needs a system-wide grant."""
    if actor is None:
        return
    if unit is None:
        if not access.scope_of(actor, AUTHORS).everything:
            raise PermissionDenied("Only educators who teach across the system can make a deck for everyone.")
    elif not access.can(actor, AUTHORS, unit):
        raise PermissionDenied("You can make decks only for units you teach.")


def require_deck_editor(actor: Person | None, deck: Deck) -> None:
    if actor is not None and not access.can(actor, AUTHORS, deck, own=True):
        raise PermissionDenied("Only the deck's owner and the educators of its unit can change it.")


@transaction.atomic
def deck_create(
    *,
    actor: Person | None,
    title: str,
    unit: Unit | None = None,
    description: str = "",
    audience: Audience | None = None,
    desired_retention: float = 0.9,
    goal_recall: float = 0.9,
    new_per_day: int = 10,
    minutes: int = 3,
) -> Deck:
    """A new deck (a learning item of kind "deck") owned by `actor`."""
    require_author(actor, unit)
    if not 0.7 <= desired_retention <= 0.97:
        raise ValidationError("Desired retention must be between 70% and 97%.")
    if not 0.5 <= goal_recall <= 0.99:
        raise ValidationError("The recall goal must be between 50% and 99%.")
    if not title.strip():
        raise ValidationError("A deck needs a title.")
    item = LearningItem.objects.create(kind=KIND, title=title.strip(), minutes=minutes, owner=actor)
    deck = Deck.objects.create(
        item=item,
        unit=unit,
        description=description,
        audience=audience,
        desired_retention=desired_retention,
        goal_recall=goal_recall,
        new_per_day=new_per_day,
    )
    audit(actor=actor, action="drills.deck_create", target=deck, changes={"title": title})
    return deck


def card_problems(
    kind: str, front: str, back: str, options: list[str], correct_option: int | None
) -> list[str]:
    problems = []
    if not front.strip():
        problems.append("A card needs a front (the question or the cloze text).")
    if kind == CardKind.BASIC and not back.strip():
        problems.append("A basic card needs a back (the answer).")
    if kind == CardKind.CLOZE and not CLOZE.search(front):
        problems.append("A cloze card hides at least one part, written {{c1::hidden words}}.")
    if kind == CardKind.SBA:
        if len([o for o in options if str(o).strip()]) < 2:
            problems.append("A single-best-answer card needs at least two options.")
        elif correct_option is None or not 0 <= correct_option < len(options):
            problems.append("Choose which option is correct.")
    if kind not in CardKind.values:
        problems.append(f"Unknown card kind {kind!r}: use basic, cloze or sba.")
    return problems


@transaction.atomic
def card_create(
    *,
    actor: Person | None,
    deck: Deck,
    kind: str = CardKind.BASIC,
    front: str,
    back: str = "",
    options: list[str] | None = None,
    correct_option: int | None = None,
    explanation: str = "",
    cites: ItemVersion | None = None,
    image=None,
    image_alt: str = "",
) -> Card:
    """A new card at the end of the deck; refuses an incomplete card with every problem named."""
    require_deck_editor(actor, deck)
    options = [str(o) for o in (options or [])]
    problems = card_problems(kind, front, back, options, correct_option)
    if image and not image_alt.strip():
        problems.append("Describe the image in a few words for people who cannot see it.")
    if problems:
        raise ValidationError(problems)
    position = (deck.cards.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    card = Card(
        deck=deck,
        kind=kind,
        front=front,
        back=back,
        options=options,
        correct_option=correct_option if kind == CardKind.SBA else None,
        explanation=explanation,
        cites=cites,
        image_alt=image_alt,
        position=position,
    )
    if image:
        card.image = image
    card.full_clean(exclude=["deck", "cites"])
    card.save()
    audit(actor=actor, action="drills.card_create", target=card, changes={"deck": deck.pk, "kind": kind})
    return card


@transaction.atomic
def card_keep(*, actor: Person, card: Card) -> Card:
    """The owner has looked at a flagged card and keeps it as it is: learners see it again."""
    require_deck_editor(actor, card.deck)
    Card.objects.filter(pk=card.pk).update(flagged_at=None, flag_reason="")
    audit(actor=actor, action="drills.card_keep", target=card, changes={"was": card.flag_reason})
    card.refresh_from_db()
    return card


@transaction.atomic
def card_retire(*, actor: Person, card: Card) -> Card:
    """Take a card out of the deck (its reviews stay)."""
    require_deck_editor(actor, card.deck)
    Card.objects.filter(pk=card.pk).update(active=False)
    audit(actor=actor, action="drills.card_retire", target=card)
    card.refresh_from_db()
    return card


@transaction.atomic
def deck_choose(*, person: Person, deck: Deck) -> ChosenDeck:
    if not deck.item.active:
        raise ValidationError("This deck is retired.")
    chosen, created = ChosenDeck.objects.get_or_create(person=person, deck=deck)
    if created:
        audit(actor=person, action="drills.deck_choose", target=chosen, changes={"deck": deck.pk})
    return chosen


@transaction.atomic
def deck_leave(*, person: Person, deck: Deck) -> None:
    """Stop studying a chosen deck (a required deck stays in the queue; the reviews are kept)."""
    for chosen in ChosenDeck.objects.filter(person=person, deck=deck):
        audit(actor=person, action="drills.deck_leave", target=chosen, changes={"deck": deck.pk})
        chosen.delete()


def _in_decks_of(person: Person, card: Card) -> bool:
    """Whether the card's deck is one the person studies: chosen (read with the card when it was
    loaded by `answer_record`, else one indexed look-up), else required."""
    chosen = getattr(card, "chosen_by_person", None)
    if chosen is None:
        chosen = ChosenDeck.objects.filter(person=person, deck_id=card.deck_id).exists()
    return chosen or card.deck_id in assigned_deck_ids(person)


def _refuse_unless_due(person: Person, card: Card, state: CardState | None, now: dt.datetime) -> None:
    if not card.deck.item.active or not _in_decks_of(person, card):
        # Not one of their decks: the same answer as a card that does not exist.
        raise Http404("This card is not in your decks.")
    if not card.studiable:
        raise ValidationError("This card is being reviewed by its deck's owner; it will come back later.")
    if state is None:
        met = getattr(card, "met_today", None)
        left = (
            card.deck.new_per_day - met
            if met is not None
            else new_left_today(person, [card.deck], now)[card.deck_id]
        )
        if left <= 0:
            raise ValidationError("You have met today's new cards for this deck. Come back tomorrow.")
    elif state.due > now:
        raise ValidationError("This card is not due yet: it was answered already.")


@transaction.atomic
def answer_record(
    *, person: Person, card: Card, rating: int, now: dt.datetime | None = None, duration_ms: int | None = None
) -> ReviewLog:
    """Record one answer: FSRS moves the card's state, the review lands on a good day for the person,
    the log is kept whole; reaching the deck's goal writes the mastery record.

    Refused: a card not in the person's decks (404), not due (answered already), flagged, or a
    new card past the deck's daily limit.
    """
    now = (now or timezone.now()).astimezone(dt.UTC)
    if rating not in Rating.values:
        raise ValidationError("Answer with 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    # One query for a card met before: the person's state (locked), its card and deck, and whether
    # they chose the deck; a new card is read on its own.
    chosen = Exists(ChosenDeck.objects.filter(person=person, deck_id=OuterRef("deck_id")))
    state = (
        CardState.objects.select_for_update(of=("self",))
        .select_related("card__deck__item")
        .annotate(chosen_by_person=chosen)
        .filter(person=person, card_id=card.pk)
        .first()
    )
    if state is not None:
        card = state.card
        card.chosen_by_person = state.chosen_by_person
    else:
        met = (
            CardState.objects.filter(
                person=person, deck_id=OuterRef("deck_id"), introduced_at__gte=start_of_local_day(person, now)
            )
            .order_by()
            .values("deck_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        card = (
            Card.objects.select_related("deck__item")
            .annotate(
                chosen_by_person=chosen, met_today=Coalesce(Subquery(met, output_field=IntegerField()), 0)
            )
            .get(pk=card.pk)
        )
    _refuse_unless_due(person, card, state, now)
    deck = card.deck
    parameters = parameters_for(person)
    before = snapshot(state)
    elapsed = (now - state.last_review).total_seconds() / 86400 if state and state.last_review else 0.0
    previous_state = state.state if state else 1
    reviewed, _ = scheduler(parameters, deck).review_card(to_fsrs(state, now=now), fsrs.Rating(rating), now)
    interval = (reviewed.due - now).total_seconds() / 86400
    due = spread_due(person_id=person.pk, due=reviewed.due, interval_days=interval, now=now, tz=tz_of(person))
    if state is None:
        state = CardState(person=person, card=card, deck=deck, introduced_at=now)
    state.state = reviewed.state.value
    state.step = reviewed.step
    state.stability = reviewed.stability
    state.difficulty = reviewed.difficulty
    state.due = due
    state.last_review = now
    state.reps += 1
    if rating == Rating.AGAIN and previous_state == 2:
        state.lapses += 1
    state.save()
    log = ReviewLog.objects.create(
        person=person,
        card=card,
        deck=deck,
        rating=rating,
        reviewed_at=now,
        duration_ms=duration_ms,
        state=previous_state,
        elapsed_days=elapsed,
        before=before,
    )
    audit(actor=person, action="drills.answer", target=log, changes={"card": card.pk, "rating": rating})
    if rating != Rating.AGAIN:  # forgetting never brings the deck up to its goal
        mastery_check(person=person, deck=deck, now=now, parameters=parameters)
    return log


@transaction.atomic
def answer_undo(*, person: Person, now: dt.datetime | None = None, card_id: int | None = None) -> ReviewLog:
    """Put back the card the person answered last (within the hour); the log stays, marked undone."""
    now = now or timezone.now()
    log = (
        ReviewLog.objects.select_for_update()
        .filter(person=person, undone_at__isnull=True, source="bedside", reviewed_at__gte=now - UNDO_WINDOW)
        .order_by("-reviewed_at", "-pk")
        .first()
    )
    if log is None:
        raise ValidationError("There is no answer to undo.")
    if card_id is not None and log.card_id != card_id:
        raise ValidationError("Your last answer was to another card; nothing was undone.")
    state = CardState.objects.select_for_update().get(person=person, card_id=log.card_id)
    if state.last_review != log.reviewed_at:
        raise ValidationError("That card has been answered since; there is nothing to undo.")
    if log.before:
        restore(state, log.before)
        state.save()
    else:
        state.delete()
    ReviewLog.objects.filter(pk=log.pk).update(undone_at=now)
    audit(actor=person, action="drills.answer_undo", target=log, changes={"card": log.card_id})
    log.refresh_from_db()
    return log


def _mastery_owed(person: Person, deck: Deck) -> bool:
    """A mastery record is owed when none exists yet, or a requirement for the deck is open (a new cycle)."""
    from bedside.assignments.models import Assignment

    if Assignment.objects.filter(
        person=person, item=deck.item, current=True, closed_at__isnull=True
    ).exists():
        return True
    return not current_records().filter(person=person, item=deck.item, verb=MASTERED).exists()


def mastery_check(*, person: Person, deck: Deck, now: dt.datetime, parameters=None) -> Record | None:
    """Write "mastered" to the ledger when the person's predicted recall of the deck reaches its goal."""
    recall = deck_recall(person, deck, now=now, parameters=parameters)
    if recall < deck.goal_recall or not _mastery_owed(person, deck):
        return None
    # Writing the record is enough: assignments listens to the ledger and closes the requirement.
    return record_add(
        person=person,
        item=deck.item,
        verb=MASTERED,
        by=person,
        at=now,
        score=round(recall * 100, 2),
        evidence=f"Predicted recall {recall:.0%} reached the deck's goal of {deck.goal_recall:.0%}.",
    )
