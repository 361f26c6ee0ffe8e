"""The drills section of Today: "3-minute drill" when cards are due, never pushed during a shift."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from bedside.core.today import Card
from bedside.drills.queue import deck_ids_of, due_count, new_waiting, shift_now
from bedside.people.models import Person

DRILL_MINUTES = 3


def drill_cards(person: Person) -> list[Card]:
    now = timezone.now()
    deck_ids = deck_ids_of(person)
    if not deck_ids:
        return []
    if shift_now(person, now) is not None:
        return []  # nothing is pushed during a shift; the drills page still offers one on request
    due = due_count(person, now, deck_ids)
    if due:
        label = f"{due} card{'s' if due != 1 else ''} due"
    else:
        fresh = new_waiting(person, deck_ids, now)
        if not fresh:
            return []
        label = f"{fresh} new card{'s' if fresh != 1 else ''}"
    url = reverse("drills-review") + f"?minutes={DRILL_MINUTES}"
    return [
        Card(
            title=f"{DRILL_MINUTES}-minute drill",
            url=url,
            kind_label="Practice drill",
            minutes=DRILL_MINUTES,
            status="due",
            status_label=label,
            detail="Keep what you know fresh: a few cards, one tap each.",
            sort_key=(0,),
        )
    ]
