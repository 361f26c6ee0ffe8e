"""The drills app's rows of the access table, and the objects the walk opens for them."""

from __future__ import annotations

from bedside.testing.authz_table import SIGNED_IN, TEACHERS, URLS, WORLD_BUILDERS, Access

URLS.update(
    {
        # The learner's own pages: every signed-in person studies their own decks.
        "drills-home": Access(get=SIGNED_IN),
        "drills-review": Access(get=SIGNED_IN, post=SIGNED_IN),
        "drills-undo": Access(post=SIGNED_IN),
        # Any active deck may be read and chosen, like an attestation.
        "drills-deck": Access(get=SIGNED_IN, obj="deck", unscoped=True),
        "drills-deck-choose": Access(post=SIGNED_IN, obj="deck", unscoped=True),
        # Looking after decks: educators of the deck's unit (and its owner).
        "drills-decks": Access(get=TEACHERS),
        "drills-deck-health": Access(get=TEACHERS, obj="deck"),
        "drills-card-flag": Access(post=TEACHERS, obj="card"),
    }
)


def drills_objects(*, unit_in, unit_out) -> dict:
    from bedside.testing.drills import deck_with_cards

    deck_in = deck_with_cards(unit=unit_in, title="Deck on the unit", cards=1)
    deck_out = deck_with_cards(unit=unit_out, title="Deck elsewhere", cards=1)
    return {
        "deck": (deck_in.pk, deck_out.pk),
        "card": (deck_in.cards.get().pk, deck_out.cards.get().pk),
    }


WORLD_BUILDERS.append(drills_objects)
