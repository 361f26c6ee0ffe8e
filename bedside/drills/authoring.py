"""Edits by a deck's owner (and the educators of its unit): a deck's settings, and a card's content,
image and citation, with what an edit means for the learners who have studied the card.

A correction (a typo, clearer wording) keeps every learner's memory state of the card; a change of
meaning (another dose, another answer) resets it, so the card comes back to them as due now and is
learnt afresh. An edit to a card someone has studied must say which (`learners="keep"` or `"reset"`);
the reset states are audited one line per learner with the state they had, and the review logs stay.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit, audit_bulk
from bedside.drills.models import Card, CardKind, CardState, Deck, MemoryState
from bedside.drills.scheduling import snapshot
from bedside.drills.services import card_problems, require_author, require_deck_editor
from bedside.people.models import Person, Unit
from bedside.records.models import ItemVersion

KEEP = "keep"
RESET = "reset"
LEARNER_CHOICES = (KEEP, RESET)
# What a learner remembers: changing any of these changes the card they studied.
CONTENT_FIELDS = ("kind", "front", "back", "options", "correct_option", "explanation", "image")
UNSET = object()


@dataclasses.dataclass
class CardEdit:
    card: Card
    changed: list[str]
    learners: str  # "keep", "reset", or "" when nobody had studied it (or the content did not change)
    states_reset: int = 0


@transaction.atomic
def deck_update(
    *,
    actor: Person | None,
    deck: Deck,
    title: str | None = None,
    description: str | None = None,
    unit: Unit | None | object = UNSET,
    desired_retention: float | None = None,
    goal_recall: float | None = None,
    new_per_day: int | None = None,
) -> Deck:
    """Change a deck's settings (only those given); moving it to another unit needs a grant there too."""
    require_deck_editor(actor, deck)
    problems, changes = [], {}
    if title is not None:
        if not title.strip():
            problems.append("A deck needs a title.")
        elif title.strip() != deck.item.title:
            changes["title"] = title.strip()
    if desired_retention is not None and not 0.7 <= desired_retention <= 0.97:
        problems.append("Desired retention must be between 70% and 97%.")
    if goal_recall is not None and not 0.5 <= goal_recall <= 0.99:
        problems.append("The recall goal must be between 50% and 99%.")
    if new_per_day is not None and not 1 <= new_per_day <= 100:
        problems.append("New cards a day must be between 1 and 100.")
    if problems:
        raise ValidationError(problems)
    if unit is not UNSET and unit != deck.unit:
        require_author(actor, unit)
        deck.unit = unit
        changes["unit"] = getattr(unit, "pk", None)
    for name, value in (
        ("description", description),
        ("desired_retention", desired_retention),
        ("goal_recall", goal_recall),
        ("new_per_day", new_per_day),
    ):
        if value is not None and getattr(deck, name) != value:
            setattr(deck, name, value)
            changes[name] = value
    if not changes:
        return deck
    if "title" in changes:
        deck.item.title = changes["title"]
        deck.item.save(update_fields=["title"])
    deck.save()
    audit(actor=actor, action="drills.deck_update", target=deck, changes=changes)
    return deck


def studied_by(card: Card) -> int:
    """How many learners hold a memory state of the card."""
    return CardState.objects.filter(card=card).count()


@transaction.atomic
def card_update(
    *,
    actor: Person | None,
    card: Card,
    kind: str | None = None,
    front: str | None = None,
    back: str | None = None,
    options: list[str] | None = None,
    correct_option: int | None | object = UNSET,
    explanation: str | None = None,
    cites: ItemVersion | None | object = UNSET,
    image=None,
    image_alt: str | None = None,
    remove_image: bool = False,
    learners: str = "",
    now: dt.datetime | None = None,
) -> CardEdit:
    """Change a card (only what is given). When its content changes and learners have studied it,
    `learners` must say "keep" (a correction: their memory states stay) or "reset" (the meaning changed:
    each state starts again, due now). Editing a flagged card is the owner's review: the flag clears."""
    require_deck_editor(actor, card.deck)
    card = Card.objects.select_for_update().get(pk=card.pk)
    now = now or timezone.now()
    new = {
        "kind": card.kind if kind is None else kind,
        "front": card.front if front is None else front,
        "back": card.back if back is None else back,
        "options": card.options if options is None else [str(o) for o in options],
        "correct_option": card.correct_option if correct_option is UNSET else correct_option,
        "explanation": card.explanation if explanation is None else explanation,
    }
    if new["kind"] != CardKind.SBA:
        new["correct_option"] = None
    problems = card_problems(new["kind"], new["front"], new["back"], new["options"], new["correct_option"])
    alt = card.image_alt if image_alt is None else image_alt
    keeps_image = bool(image) or (bool(card.image) and not remove_image)
    if keeps_image and not alt.strip():
        problems.append("Describe the image in a few words for people who cannot see it.")
    if learners and learners not in LEARNER_CHOICES:
        problems.append("Say “keep” (a correction) or “reset” (the meaning changed) for the learners.")
    if problems:
        raise ValidationError(problems)
    changed = [name for name, value in new.items() if getattr(card, name) != value]
    if image or (remove_image and card.image):
        changed.append("image")
    meta = []
    if alt != card.image_alt:
        meta.append("image_alt")
    if cites is not UNSET and getattr(cites, "pk", None) != card.cites_id:
        meta.append("cites")
    content_changed = any(name in CONTENT_FIELDS for name in changed)
    studied = studied_by(card) if content_changed else 0
    if studied and not learners:
        raise ValidationError(
            f"{studied} learner{'s have' if studied != 1 else ' has'} studied this card. Say whether this is a "
            "correction (keep their progress) or the meaning changed (they learn it again)."
        )
    if not changed and not meta and card.flagged_at is None:
        return CardEdit(card=card, changed=[], learners="")
    for name, value in new.items():
        setattr(card, name, value)
    card.image_alt = alt
    if image:
        card.image = image
    elif remove_image:
        card.image = ""
    if cites is not UNSET:
        card.cites = cites
    unflagged = card.flagged_at is not None
    card.flagged_at, card.flag_reason = None, ""
    card.full_clean(exclude=["deck", "cites"])
    card.save()
    edit = CardEdit(card=card, changed=changed + meta, learners=learners if studied else "")
    if studied and learners == RESET:
        edit.states_reset = _states_reset(actor=actor, card=card, now=now)
    audit(
        actor=actor,
        action="drills.card_update",
        target=card,
        changes={
            "changed": edit.changed,
            "learners": edit.learners,
            "states_reset": edit.states_reset,
            "unflagged": unflagged,
        },
    )
    return edit


def _states_reset(*, actor: Person | None, card: Card, now: dt.datetime) -> int:
    """Every learner's state of the card starts again (due now); one audit line each with the old state."""
    states = list(CardState.objects.select_for_update().filter(card=card))
    audit_bulk(
        actor=actor,
        action="drills.card_state_reset",
        model=CardState,
        targets=[(s.pk, {"person": s.person_id, "card": card.pk, "before": snapshot(s)}) for s in states],
    )
    CardState.objects.filter(pk__in=[s.pk for s in states]).update(
        state=MemoryState.LEARNING,
        step=0,
        stability=None,
        difficulty=None,
        due=now,
        last_review=None,
        reps=0,
        lapses=0,
    )
    return len(states)


CITABLE_KINDS = ("library",)  # the catalogue kind of care resources (drills never imports the library)


def citable_versions():
    """The newest version of each active care resource in the catalogue, for a card to cite."""
    from django.db.models import OuterRef, Subquery

    newest = (
        ItemVersion.objects.filter(item_id=OuterRef("item_id"))
        .order_by("-published_at", "-pk")
        .values("pk")[:1]
    )
    return (
        ItemVersion.objects.filter(item__kind__in=CITABLE_KINDS, item__active=True, pk=Subquery(newest))
        .select_related("item")
        .order_by("item__title")
    )
