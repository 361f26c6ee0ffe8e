"""The registry of learning-item kinds. Feature apps register; `records` never imports them.

A kind says how to open an item for a person, which verbs complete it, and
whether any version or only the latest satisfies an assignment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bedside.records.models import LearningItem, Verb


@dataclass(frozen=True)
class ItemKind:
    kind: str
    label: str
    open_url: Callable[[LearningItem], str]
    completing_verbs: frozenset[str] = field(default_factory=lambda: frozenset({Verb.COMPLETED}))
    any_version_satisfies: bool = True


_kinds: dict[str, ItemKind] = {}


def register_kind(kind: ItemKind) -> None:
    _kinds[kind.kind] = kind


def unregister_kind(name: str) -> None:
    _kinds.pop(name, None)


def get_kind(name: str) -> ItemKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No learning-item kind {name!r} is registered") from None


def registered_kinds() -> list[ItemKind]:
    return sorted(_kinds.values(), key=lambda k: k.kind)


def open_url(item: LearningItem) -> str:
    return get_kind(item.kind).open_url(item)
