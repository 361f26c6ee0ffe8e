"""The assignments app's sections of the Today page: what is due, most urgent first."""

from __future__ import annotations

import logging

from django.utils import timezone

from bedside.assignments.queries import OVERDUE, SATISFIED, open_for, status_of
from bedside.core.humanize import due_phrase
from bedside.core.today import Card
from bedside.people.models import Person
from bedside.records.kinds import get_kind, is_registered

logger = logging.getLogger(__name__)


def due_cards(person: Person) -> list[Card]:
    now = timezone.now()
    cards = []
    for a in open_for(person):
        status = status_of(a, now)
        detail = due_phrase(a.due_at, now)
        if is_registered(a.item.kind):
            kind = get_kind(a.item.kind)
            url, kind_label = kind.open_url(a.item, person), kind.label
        else:
            # Still due, so still shown: without a link, since no app can open it (system check records.E001).
            logger.error("Today: item %s has kind %r, which no app registers", a.item_id, a.item.kind)
            url, kind_label = "", "Training"
            detail = f"{detail} · it cannot be opened in Bedside yet"
        if status == OVERDUE:
            label = "Overdue"
        elif status == SATISFIED:
            label = "Renewal open"
        elif a.due_at - now <= timezone.timedelta(days=7):
            label, status = "Due soon", "soon"
        else:
            label = "Due"
        rank = {OVERDUE: 0, "soon": 1}.get(status, 2)
        cards.append(
            Card(
                title=a.item.title,
                url=url,
                kind_label=kind_label,
                minutes=a.item.minutes,
                status=status,
                status_label=label,
                when=a.due_at,
                detail=detail,
                sort_key=(rank, a.due_at),
            )
        )
    return sorted(cards, key=lambda c: c.sort_key)
