import pytest

from bedside.drills.models import ChosenDeck
from bedside.testing.drills import deck_with_cards


@pytest.fixture
def make_deck(db):
    def make(*, learners=(), **kwargs):
        deck = deck_with_cards(**kwargs)
        for person in learners:
            ChosenDeck.objects.create(person=person, deck=deck)
        return deck

    return make
