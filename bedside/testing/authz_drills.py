"""The drills app's rows of the access table, and the objects the walk opens for them."""

from __future__ import annotations

from django.utils import timezone

from bedside.testing.authz_table import OVERSEERS, PERSON_OVERSEERS, SIGNED_IN, TEACHERS, Access

URLS = {
    # The learner's own pages: every signed-in person studies their own decks.
    "drills-home": Access(get=SIGNED_IN),
    "drills-review": Access(get=SIGNED_IN, post=SIGNED_IN),
    "drills-undo": Access(post=SIGNED_IN),
    # Any active deck may be read and chosen, like an attestation.
    "drills-deck": Access(get=SIGNED_IN, obj="deck", unscoped=True),
    "drills-deck-choose": Access(post=SIGNED_IN, obj="deck", unscoped=True),
    # Looking after decks: educators of the deck's unit (and its owner).
    "drills-decks": Access(get=TEACHERS),
    "drills-anki-import": Access(get=TEACHERS, post=TEACHERS),
    "drills-deck-new": Access(get=TEACHERS, post=TEACHERS),
    "drills-card-new": Access(get=TEACHERS, post=TEACHERS, obj="deck"),
    "drills-deck-health": Access(get=TEACHERS, obj="deck"),
    "drills-deck-export": Access(get=TEACHERS, obj="deck"),
    "drills-card-flag": Access(post=TEACHERS, obj="card"),
    "drills-card-edit": Access(get=TEACHERS, post=TEACHERS, obj="card"),
    # Simulation drills: educators of the unit run them (and the facilitator); overseers read
    # the list, a unit's readiness and its threats.
    "sim-drills": Access(get=PERSON_OVERSEERS),
    "sim-plan": Access(get=TEACHERS, post=TEACHERS),
    "sim-drill": Access(get=TEACHERS, obj="simdrill"),
    "sim-start": Access(post=TEACHERS, obj="simdrill"),
    "sim-action": Access(post=TEACHERS, obj="simdrill"),
    "sim-action-undo": Access(post=TEACHERS, obj="simdrill"),
    "sim-edit": Access(get=TEACHERS, post=TEACHERS, obj="simdrill"),
    "sim-debrief": Access(get=TEACHERS, post=TEACHERS, obj="simdrill"),
    "sim-unit": Access(get=OVERSEERS, obj="unit"),
    "sim-threat": Access(post=OVERSEERS, obj="threat"),
    # API: the learner's own queue, answers and decks; a facilitator's taps.
    "api:drills-queue": Access(get=SIGNED_IN),
    "api:drills-answer": Access(post=SIGNED_IN),
    "api:drills-answer-undo": Access(post=SIGNED_IN),
    "api:drills-decks-list": Access(get=SIGNED_IN),
    "api:sim-actions-create": Access(post=TEACHERS, obj="simdrill"),
    # Authoring: educators only (a 403 before the body is read); decks and cards of their units.
    # A list and its create share a path, so each name answers both methods.
    "api:drills-authoring-decks-list": Access(get=TEACHERS, post=TEACHERS),
    "api:drills-authoring-decks-create": Access(get=TEACHERS, post=TEACHERS),
    "api:drills-authoring-decks-detail": Access(get=TEACHERS, obj="deck"),
    "api:drills-authoring-decks-update": Access(get=TEACHERS, obj="deck"),
    "api:drills-authoring-cards-list": Access(get=TEACHERS, obj="deck"),
    "api:drills-authoring-cards-create": Access(post=TEACHERS),
    "api:drills-authoring-cards-detail": Access(get=TEACHERS, obj="card"),
    "api:drills-authoring-cards-update": Access(get=TEACHERS, obj="card"),
}


def build_objects(*, unit_in, unit_out, **_) -> dict:
    from bedside.testing.drills import deck_with_cards

    deck_in = deck_with_cards(unit=unit_in, title="Deck on the unit", cards=1)
    deck_out = deck_with_cards(unit=unit_out, title="Deck elsewhere", cards=1)
    from bedside.drills.models import SafetyThreat, ScenarioKind, SimDrill
    from bedside.drills.sim_services import scenario_create
    from bedside.testing import factories as f

    scenario = scenario_create(
        actor=None,
        title="Mock code",
        kind=ScenarioKind.MOCK_CODE,
        key_actions=[{"key": "first_shock", "label": "First shock", "target_seconds": 120}],
    )
    facilitator = f.PersonFactory()
    drills = [
        SimDrill.objects.create(
            scenario=scenario, unit=unit, planned_at=timezone.now(), facilitator=facilitator
        )
        for unit in (unit_in, unit_out)
    ]
    threats = [
        SafetyThreat.objects.create(
            unit=unit,
            category="equipment",
            description="Defibrillator pads expired",
            owner=facilitator,
            due_on=timezone.localdate(),
        )
        for unit in (unit_in, unit_out)
    ]
    return {
        "simdrill": (drills[0].pk, drills[1].pk),
        "threat": (threats[0].pk, threats[1].pk),
        "deck": (deck_in.pk, deck_out.pk),
        "card": (deck_in.cards.get().pk, deck_out.cards.get().pk),
    }
