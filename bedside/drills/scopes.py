"""How decks map to scopes: a deck belongs to its unit (none: the whole system); its owner reaches it too."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from bedside.people.access import Scope, Targets, register_scope
from bedside.people.access.scopes import unit_q

KIND = "deck"


def decks_inside(scope: Scope, on: dt.date) -> Q:
    if scope.everything:
        return Q()
    return Q(unit__isnull=False) & unit_q(scope, prefix="unit__")


def deck_targets(deck, on: dt.date) -> Targets:
    if deck.unit_id is None:
        return Targets()
    unit = deck.unit
    return Targets(
        sites=frozenset({unit.site_id}),
        departments=frozenset({unit.department_id}),
        units=frozenset({unit.pk}),
    )


def on_units_inside(scope: Scope, on: dt.date) -> Q:
    return unit_q(scope, prefix="unit__")


def unit_of_targets(obj, on: dt.date) -> Targets:
    return Targets(
        sites=frozenset({obj.unit.site_id}),
        departments=frozenset({obj.unit.department_id}),
        units=frozenset({obj.unit_id}),
    )


def register() -> None:
    from bedside.drills.models import Card, Deck, SafetyThreat, SimDrill

    register_scope(Deck, inside=decks_inside, owner="item__owner", targets=deck_targets)
    register_scope(Card, via="deck")
    # A simulation drill belongs to its unit; its facilitator reaches it too.
    register_scope(SimDrill, inside=on_units_inside, owner="facilitator", targets=unit_of_targets)
    register_scope(SafetyThreat, inside=on_units_inside, owner="owner", targets=unit_of_targets)
