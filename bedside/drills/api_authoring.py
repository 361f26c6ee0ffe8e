"""The authoring API: decks and cards made, changed and listed by the educators who look after them.

Only callers who teach somewhere reach these operations (a 403 before the body is read); a deck or card
outside the caller's decks is a 404; bad input is a 400 with every problem named, or a 422 for a body
of the wrong shape. Changing the content of a card learners have studied needs `learners`: "keep" (a
correction) or "reset" (the meaning changed: they learn it again).
"""

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, Body, Page
from bedside.drills import queries
from bedside.drills.authoring import UNSET, card_update, deck_update
from bedside.drills.models import IMAGE_TYPES, Card, Deck
from bedside.drills.services import card_create, deck_create
from bedside.people import access, api_auth
from bedside.people.models import Capability, Person, Unit
from bedside.records.models import ItemVersion

NOT_AN_EDUCATOR = "Decks and cards are written by educators: you hold no teaching grant."
DECK_MISSING = "There is no such deck among the decks you look after."
CARD_MISSING = "There is no such card in the decks you look after."
MAX_IMAGE_BYTES = 5 * 1024 * 1024
Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]


def _educator(person: Person | None) -> Person | None:
    if person is not None and not access.has_any(person, Capability.TEACH):
        raise PermissionDenied(NOT_AN_EDUCATOR)
    return person


# The API's own two schemes (same names in the OpenAPI document), refusing non-educators once signed in.
class BearerToken(api_auth.BearerToken):
    def __call__(self, request: HttpRequest) -> Person | None:
        return _educator(super().__call__(request))


class SignedInSession(api_auth.SignedInSession):
    def __call__(self, request: HttpRequest) -> Person:
        return _educator(super().__call__(request))


router = Router(tags=["drills authoring"], auth=[BearerToken(), SignedInSession()])


class Problem(Schema):
    detail: str


class DeckIn(Body):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Field("", max_length=5000)
    unit: int | None = Field(
        None, ge=1, le=MAX_ID, description="Unit whose educators look after it; none: everyone"
    )
    desired_retention: float = Field(0.9, ge=0.7, le=0.97)
    goal_recall: float = Field(0.9, ge=0.5, le=0.99)
    new_per_day: int = Field(10, ge=1, le=100)


class DeckPatch(Body):
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=5000)
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    desired_retention: float | None = Field(None, ge=0.7, le=0.97)
    goal_recall: float | None = Field(None, ge=0.5, le=0.99)
    new_per_day: int | None = Field(None, ge=1, le=100)


class AuthoredDeckOut(Schema):
    id: int
    item_id: int
    title: str
    description: str
    unit: int | None
    desired_retention: float
    goal_recall: float
    new_per_day: int
    cards: int
    flagged: int


class ImageIn(Body):
    name: str = Field(..., min_length=1, max_length=100, description="File name, e.g. ecg.png")
    content_base64: str = Field(..., max_length=MAX_IMAGE_BYTES * 4 // 3 + 4)
    alt: str = Field(
        ..., min_length=1, max_length=200, description="What the image shows, for screen readers"
    )


class CardIn(Body):
    deck: int = Field(..., ge=1, le=MAX_ID)
    kind: Literal["basic", "cloze", "sba"] = "basic"
    front: str = Field(..., max_length=10_000)
    back: str = Field("", max_length=10_000)
    options: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list, max_length=10)
    correct_option: int | None = Field(None, ge=0, le=9, description="Single best answer: index from 0")
    explanation: str = Field("", max_length=10_000)
    cites: int | None = Field(None, ge=1, le=MAX_ID, description="Catalogue version id of a library resource")
    image: ImageIn | None = None


class CardPatch(Body):
    kind: Literal["basic", "cloze", "sba"] | None = None
    front: str | None = Field(None, max_length=10_000)
    back: str | None = Field(None, max_length=10_000)
    options: list[Annotated[str, Field(max_length=1000)]] | None = Field(None, max_length=10)
    correct_option: int | None = Field(None, ge=0, le=9)
    explanation: str | None = Field(None, max_length=10_000)
    cites: int | None = Field(None, ge=0, le=MAX_ID, description="Version id; 0 removes the citation")
    image: ImageIn | None = None
    remove_image: bool = False
    learners: Literal["keep", "reset"] | None = Field(
        None, description="Needed when the content of a card learners studied changes"
    )


class AuthoredCardOut(Schema):
    id: int
    deck: int
    kind: str
    front: str
    back: str
    options: list[str]
    correct_option: int | None
    explanation: str
    cites: int | None
    image_url: str | None
    image_alt: str
    flagged: bool
    flag_reason: str
    active: bool
    position: int


class CardEditOut(Schema):
    card: AuthoredCardOut
    changed: list[str]
    learners: str = Field(..., description='"keep", "reset", or "" when nobody had studied it')
    states_reset: int


def _deck_out(deck: Deck) -> dict:
    counts = getattr(deck, "n_cards", None)
    if counts is None:
        counts = deck.cards.filter(active=True).count()
        flagged = deck.cards.filter(active=True, flagged_at__isnull=False).count()
    else:
        flagged = deck.n_flagged
    return {
        "id": deck.pk, "item_id": deck.item_id, "title": deck.item.title, "description": deck.description,
        "unit": deck.unit_id, "desired_retention": deck.desired_retention, "goal_recall": deck.goal_recall,
        "new_per_day": deck.new_per_day, "cards": counts, "flagged": flagged,
    }  # fmt: skip


def _card_out(card: Card) -> dict:
    return {
        "id": card.pk, "deck": card.deck_id, "kind": card.kind, "front": card.front, "back": card.back,
        "options": card.options, "correct_option": card.correct_option, "explanation": card.explanation,
        "cites": card.cites_id, "image_url": card.image.url if card.image else None, "image_alt": card.image_alt,
        "flagged": card.flagged_at is not None, "flag_reason": card.flag_reason, "active": card.active,
        "position": card.position,
    }  # fmt: skip


def _deck(request: HttpRequest, deck_id: int) -> Deck:
    return access.get_in_scope(
        request.auth,
        Capability.TEACH,
        Deck.objects.select_related("item", "unit"),
        denied=NOT_AN_EDUCATOR,
        missing=DECK_MISSING,
        own=True,
        pk=deck_id,
    )


def _card(request: HttpRequest, card_id: int) -> Card:
    card = Card.objects.select_related("deck__item", "deck__unit").filter(pk=card_id).first()
    if card is None or not access.can(request.auth, Capability.TEACH, card.deck, own=True):
        from django.http import Http404

        raise Http404(CARD_MISSING)
    return card


def _unit(unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError(f"There is no unit {unit_id}.")
    return unit


def _version(version_id: int | None) -> ItemVersion | None:
    if not version_id:
        return None
    version = ItemVersion.objects.select_related("item").filter(pk=version_id).first()
    if version is None:
        raise ValidationError(f"There is no library version {version_id} to cite.")
    return version


def _if_given(body: Schema, name: str, convert: Callable[[Any], Any] = lambda value: value) -> Any:
    """A PATCH body's field, converted, where the body sets it (null included); UNSET where it leaves it out."""
    if name not in body.model_fields_set:
        return UNSET
    return convert(getattr(body, name))


def _image(image: ImageIn | None) -> ContentFile | None:
    if image is None:
        return None
    suffix = image.name.rsplit(".", 1)[-1].lower() if "." in image.name else ""
    if suffix not in IMAGE_TYPES:
        raise ValidationError("The image must be PNG, JPEG, GIF, WebP or SVG (by its file name).")
    try:
        data = base64.b64decode(image.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("The image's content_base64 is not valid base64.") from None
    if not data:
        raise ValidationError("The image is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError("Images up to 5 MB can be attached.")
    return ContentFile(data, name=image.name.rsplit("/", 1)[-1])


@router.get(
    "/drills/authoring/decks",
    response={200: list[AuthoredDeckOut], 403: Problem},
    url_name="drills-authoring-decks-list",
    summary="Decks you look after",
)
@paginate(Page)
def authoring_decks(request: HttpRequest):
    """The decks you own or whose unit you teach, with their card and flagged-card counts."""
    return [_deck_out(d) for d in queries.decks_looked_after(request.auth)]


@router.post(
    "/drills/authoring/decks",
    response={200: AuthoredDeckOut, 400: Problem, 403: Problem},
    url_name="drills-authoring-decks-create",
    summary="Make a deck",
)
def authoring_deck_create(request: HttpRequest, body: DeckIn):
    """A new deck owned by you, for a unit you teach (or for everyone, with a system-wide grant)."""
    deck = deck_create(
        actor=request.auth, title=body.title, unit=_unit(body.unit), description=body.description,
        desired_retention=body.desired_retention, goal_recall=body.goal_recall, new_per_day=body.new_per_day,
    )  # fmt: skip
    return _deck_out(deck)


@router.get(
    "/drills/authoring/decks/{deck_id}",
    response={200: AuthoredDeckOut, 403: Problem},
    url_name="drills-authoring-decks-detail",
    summary="A deck you look after",
)
def authoring_deck(request: HttpRequest, deck_id: Id):
    return _deck_out(_deck(request, deck_id))


@router.patch(
    "/drills/authoring/decks/{deck_id}",
    response={200: AuthoredDeckOut, 400: Problem, 403: Problem},
    url_name="drills-authoring-decks-update",
    summary="Change a deck",
)
def authoring_deck_update(request: HttpRequest, deck_id: Id, body: DeckPatch):
    """Change only the fields given; moving the deck to another unit needs a teaching grant there."""
    deck = _deck(request, deck_id)
    deck_update(
        actor=request.auth, deck=deck, title=body.title, description=body.description,
        unit=_if_given(body, "unit", _unit), desired_retention=body.desired_retention,
        goal_recall=body.goal_recall, new_per_day=body.new_per_day,
    )  # fmt: skip
    return _deck_out(Deck.objects.select_related("item").get(pk=deck.pk))


@router.get(
    "/drills/authoring/decks/{deck_id}/cards",
    response={200: list[AuthoredCardOut], 403: Problem},
    url_name="drills-authoring-cards-list",
    summary="A deck's cards",
)
@paginate(Page)
def authoring_cards(request: HttpRequest, deck_id: Id):
    """The deck's cards in order, retired ones included (`active` false)."""
    deck = _deck(request, deck_id)
    return [_card_out(c) for c in deck.cards.order_by("position", "pk")]


@router.post(
    "/drills/authoring/cards",
    # The deck is named in the body, so the path-derived 404 (core.api_answers) does not cover it.
    response={200: AuthoredCardOut, 400: Problem, 403: Problem, 404: Problem},
    url_name="drills-authoring-cards-create",
    summary="Add a card to a deck",
)
def authoring_card_create(request: HttpRequest, body: CardIn):
    """A basic, cloze ({{c1::hidden}}) or single-best-answer card, with an optional image and citation."""
    deck = _deck(request, body.deck)
    image = _image(body.image)
    card = card_create(
        actor=request.auth, deck=deck, kind=body.kind, front=body.front, back=body.back, options=body.options,
        correct_option=body.correct_option, explanation=body.explanation, cites=_version(body.cites),
        image=image, image_alt=body.image.alt if body.image else "",
    )  # fmt: skip
    return _card_out(card)


@router.get(
    "/drills/authoring/cards/{card_id}",
    response={200: AuthoredCardOut, 403: Problem},
    url_name="drills-authoring-cards-detail",
    summary="A card of a deck you look after",
)
def authoring_card(request: HttpRequest, card_id: Id):
    return _card_out(_card(request, card_id))


@router.patch(
    "/drills/authoring/cards/{card_id}",
    response={200: CardEditOut, 400: Problem, 403: Problem},
    url_name="drills-authoring-cards-update",
    summary="Change a card",
)
def authoring_card_update(request: HttpRequest, card_id: Id, body: CardPatch):
    """Change only the fields given. When the content of a card learners studied changes, say
    `learners`: "keep" (a correction) or "reset" (the meaning changed). Editing a flagged card clears
    its flag (your review)."""
    card = _card(request, card_id)
    edit = card_update(
        actor=request.auth, card=card, kind=body.kind, front=body.front, back=body.back, options=body.options,
        correct_option=_if_given(body, "correct_option"),
        explanation=body.explanation, cites=_if_given(body, "cites", _version),
        image=_image(body.image), image_alt=body.image.alt if body.image else None,
        remove_image=body.remove_image, learners=body.learners or "",
    )  # fmt: skip
    return {
        "card": _card_out(edit.card),
        "changed": edit.changed,
        "learners": edit.learners,
        "states_reset": edit.states_reset,
    }
