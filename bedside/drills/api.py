"""The drills API: a learner's queue and answers (one request per answer), decks, and a facilitator's
taps during a simulation drill. A refused answer (not due, past the day's new cards, flagged) is a 400
with the reason; a card outside the caller's decks is a 404."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, NO_NUL, Body, Page
from bedside.drills import queries
from bedside.drills.faces import faces
from bedside.drills.models import Card, SimDrill
from bedside.drills.queue import MAX_MINUTES, build_queue
from bedside.drills.services import answer_record, answer_undo
from bedside.drills.sim_services import RUNNERS, action_record
from bedside.people import access

router = Router(tags=["drills"])


def _mount_authoring() -> None:
    from bedside.drills.api_authoring import router as authoring

    router.add_router("", authoring)


class Problem(Schema):
    detail: str


class CardOut(Schema):
    id: int
    deck_id: int
    deck: str
    kind: Literal["basic", "cloze", "sba"]
    front_html: str = Field(..., description="The question side, escaped HTML (cloze gaps drawn)")
    back_html: str = Field(..., description="The answer side, escaped HTML")
    options: list[str]
    correct_option: int | None
    image_url: str | None
    image_alt: str


class QueueOut(Schema):
    cards: list[CardOut]
    due: int
    new: int
    held_for_shift: bool = Field(..., description="On shift now: nothing is pushed unless `anyway` is true")


def _card_out(card: Card) -> dict:
    shown = faces(card)
    return {
        "id": card.pk,
        "deck_id": card.deck_id,
        "deck": card.deck.item.title,
        "kind": card.kind,
        "front_html": str(shown.front),
        "back_html": str(shown.back),
        "options": [text for _, text, _ in shown.options],
        "correct_option": card.correct_option,
        "image_url": card.image.url if card.image else None,
        "image_alt": card.image_alt,
    }


@router.get(
    "/drills/queue", response=QueueOut, url_name="drills-queue", summary="Cards for the minutes you have"
)
def drills_queue(
    request: HttpRequest,
    minutes: Annotated[int, Query(3, ge=1, le=MAX_MINUTES, description="Minutes you have")] = 3,
    anyway: Annotated[bool, Query(False, description="Drill even during a shift")] = False,
    deck: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Only this deck")] = None,
):
    """Due cards first (least likely recalled first), then new cards within each deck's daily limit."""
    queue = build_queue(request.auth, now=timezone.now(), minutes=minutes, anyway=anyway, deck_id=deck)
    return {
        "cards": [_card_out(c) for c in queue.cards],
        "due": queue.due_count,
        "new": queue.new_count,
        "held_for_shift": queue.held_for_shift,
    }


class AnswerIn(Body):
    card: int = Field(..., ge=1, le=MAX_ID)
    rating: int = Field(..., ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")
    duration_ms: int | None = Field(None, ge=0, le=3_600_000)


class AnswerOut(Schema):
    id: int
    card: int
    rating: int
    reviewed_at: dt.datetime
    next_due: dt.datetime


@router.post(
    "/drills/answers",
    response={200: AnswerOut, 400: Problem},
    url_name="drills-answer",
    summary="Answer a card",
)
def drills_answer(request: HttpRequest, body: AnswerIn):
    """Record one answer of yours. 400 with the reason when the card is not in your decks, not due
    (answered already), flagged, or past today's new cards."""
    card = Card.objects.select_related("deck__item").filter(pk=body.card).first()
    try:
        if card is None:
            raise Http404
        log = answer_record(person=request.auth, card=card, rating=body.rating, duration_ms=body.duration_ms)
    except Http404:
        raise ValidationError("This card is not in your decks.") from None
    state = card.states.get(person=request.auth)
    return {
        "id": log.pk,
        "card": card.pk,
        "rating": log.rating,
        "reviewed_at": log.reviewed_at,
        "next_due": state.due,
    }


@router.post(
    "/drills/answers/undo",
    response={200: AnswerOut, 400: Problem},
    url_name="drills-answer-undo",
    summary="Undo your last answer",
)
def drills_answer_undo(
    request: HttpRequest,
    card: Annotated[
        int | None, Query(None, ge=1, le=MAX_ID, description="Undo only if your last answer was to this card")
    ] = None,
):
    """Put back the card you answered last (within the hour); 400 when there is nothing to undo."""
    log = answer_undo(person=request.auth, card_id=card)
    state = log.card.states.filter(person=request.auth).first()
    return {
        "id": log.pk,
        "card": log.card_id,
        "rating": log.rating,
        "reviewed_at": log.reviewed_at,
        "next_due": state.due if state else timezone.now(),
    }


class DeckOut(Schema):
    id: int
    item_id: int
    title: str
    cards: int
    required: bool
    chosen: bool
    met: int
    due_now: int
    predicted_recall: float
    goal_recall: float
    desired_retention: float


@router.get("/drills/decks", response=list[DeckOut], url_name="drills-decks-list", summary="Your decks")
@paginate(Page)
def drills_decks(request: HttpRequest):
    """The decks you study (required and chosen) with your predicted recall against each goal."""
    return [
        {
            "id": d.deck.pk,
            "item_id": d.deck.item_id,
            "title": d.deck.item.title,
            "cards": d.cards,
            "required": d.required,
            "chosen": d.chosen,
            "met": d.met,
            "due_now": d.due_now,
            "predicted_recall": round(d.recall, 4),
            "goal_recall": d.deck.goal_recall,
            "desired_retention": d.deck.desired_retention,
        }
        for d in queries.learner_decks(request.auth, now=timezone.now())
    ]


class ActionOut(Schema):
    key: str
    at: dt.datetime
    elapsed_seconds: int


@router.post(
    "/sim/drills/{drill_id}/actions/{key}",
    response={200: ActionOut, 400: Problem},
    url_name="sim-actions-create",
    summary="Record a key action of a running drill",
)
def sim_action_create(
    request: HttpRequest,
    drill_id: Annotated[int, Path(..., ge=1, le=MAX_ID)],
    key: Annotated[
        str,
        Path(
            ..., min_length=1, max_length=40, pattern=NO_NUL, description="The key action, e.g. first_shock"
        ),
    ],
):
    """One tap: the action happened now. A second tap keeps the first time. For the drill's facilitator
    and the unit's educators; 400 when the drill is not running or the key is not the scenario's."""
    drill = access.get_in_scope(
        request.auth,
        RUNNERS,
        SimDrill.objects.select_related("scenario", "unit"),
        denied="Simulation drills are run by the unit's educators and the drill's facilitator.",
        missing="No such drill on your units.",
        own=True,
        pk=drill_id,
    )
    return action_record(actor=request.auth, drill=drill, key=key)


_mount_authoring()
