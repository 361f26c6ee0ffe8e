"""Practice decks for tests: a deck of a few cards of each kind, made through the services."""

from __future__ import annotations

from bedside.drills.models import CardKind, Deck
from bedside.drills.services import card_create, deck_create


def deck_with_cards(
    *, owner=None, unit=None, title: str = "ACLS algorithms", cards: int = 3, **kwargs
) -> Deck:
    deck = deck_create(actor=owner, title=title, unit=unit, **kwargs)
    kinds = [CardKind.BASIC, CardKind.CLOZE, CardKind.SBA]
    for n in range(cards):
        kind = kinds[n % 3]
        if kind == CardKind.BASIC:
            card_create(actor=None, deck=deck, front=f"Adult CPR compression depth ({n})?", back="5 to 6 cm")
        elif kind == CardKind.CLOZE:
            card_create(
                actor=None,
                deck=deck,
                kind=kind,
                front=f"Give epinephrine 1 mg every {{{{c1::3 to 5 minutes}}}} in cardiac arrest ({n}).",
            )
        else:
            card_create(
                actor=None,
                deck=deck,
                kind=kind,
                front=f"First action for pulseless VF ({n})?",
                options=["Amiodarone", "Defibrillate", "Intubate"],
                correct_option=1,
                explanation="Shock first: each minute without defibrillation lowers survival.",
            )
    return deck
