"""The Today page is assembled from providers that feature apps register.

A provider takes a person and returns cards; `core` imports no app, so the person is any object
the registering app understands (a `bedside.people.models.Person` in practice).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Card:
    title: str
    url: str
    kind_label: str
    minutes: int | None = None
    status: str = ""  # overdue, due, soon, info
    status_label: str = ""
    when: dt.datetime | None = None
    detail: str = ""
    sort_key: tuple = field(default=())


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str
    order: int
    cards: Callable[[Any], list[Card]]


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def unregister_section(key: str) -> None:
    _sections.pop(key, None)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def assemble(person: Any) -> list[tuple[Section, list[Card] | None]]:
    """Each section with its cards; `None` for a section whose provider failed.

    One provider's bug (an item of an unknown kind, a query that fails) is logged with
    its traceback and shown as a short notice; the other sections still show. No
    savepoint is taken: requests run in autocommit, so a failed query ends nothing else.
    """
    shown: list[tuple[Section, list[Card] | None]] = []
    for section in sections():
        try:
            cards = section.cards(person)
        except Exception:
            logger.exception("Today section %r failed for person %s", section.key, person.pk)
            cards = None
        shown.append((section, cards))
    return shown
