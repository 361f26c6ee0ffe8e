"""The registry of learning-item kinds. Feature apps register; `records` never imports them.

A kind says how to open an item for a person, the person's status on it, which
verbs the ledger accepts for it and which of those complete it, and whether any
version or only the latest satisfies. The contract is written up in docs/contracts.md.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from bedside.people.models import Person
from bedside.records.models import ItemVersion, LearningItem, Verb, verb_label

_VERB = re.compile(r"^[a-z][a-z_]{1,13}$")  # fits Record.verb (14 characters)


class Progress(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ItemStatus:
    """A person's status on one item: `at` is when it began (done, expired, started), `due` a deadline."""

    progress: Progress
    at: dt.datetime | None = None
    due: dt.datetime | None = None
    detail: str = ""


StatusFunction = Callable[..., ItemStatus]  # status(item, person, *, now) -> ItemStatus


def ledger_status(item: LearningItem, person: Person, *, now: dt.datetime) -> ItemStatus:
    """The status the ledger alone shows: the person's current records of the item.

    Done if a completing record (of a satisfying version) is still valid at `now`,
    expired if the latest such record has lapsed, in progress if any other record of
    an accepted verb exists (a failed attempt, an attendance), else not started.
    """
    from bedside.records.queries import current_records

    kind = get_kind(item.kind)
    rows = current_records().filter(person=person, item=item).select_related("version").order_by("-at", "pk")
    completions = [
        r for r in rows if r.verb in kind.completing_verbs and version_satisfies(item, r.version, kind=kind)
    ]
    if completions:
        latest = completions[0]
        if latest.valid_until is not None and latest.valid_until <= now:
            return ItemStatus(Progress.EXPIRED, at=latest.valid_until)
        return ItemStatus(Progress.DONE, at=latest.at)
    started = next((r for r in rows if r.verb in kind.verbs), None)
    if started is not None:
        return ItemStatus(Progress.IN_PROGRESS, at=started.at, detail=verb_label(started.verb))
    return ItemStatus(Progress.NOT_STARTED)


@dataclass(frozen=True)
class ItemKind:
    """What a feature app registers for its kind of learning item (see docs/contracts.md)."""

    kind: str
    label: str
    open_url: Callable[[LearningItem, Person], str]
    verbs: frozenset[str]
    completing_verbs: frozenset[str]
    status: StatusFunction = field(default=ledger_status)
    any_version_satisfies: bool = True

    def __post_init__(self) -> None:
        bad = sorted(str(v) for v in self.verbs if not _VERB.match(v) or v == Verb.VOIDED)
        if bad:
            raise ValueError(f"Kind {self.kind!r}: {bad} cannot be verbs (lower-case words, not 'voided').")
        if not self.completing_verbs or not self.completing_verbs <= self.verbs:
            raise ValueError(f"Kind {self.kind!r}: the completing verbs must be some of its verbs.")


_kinds: dict[str, ItemKind] = {}


def register_kind(kind: ItemKind) -> None:
    _kinds[kind.kind] = kind


def unregister_kind(name: str) -> None:
    _kinds.pop(name, None)


def is_registered(name: str) -> bool:
    return name in _kinds


def get_kind(name: str) -> ItemKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No learning-item kind {name!r} is registered") from None


def registered_kinds() -> list[ItemKind]:
    return sorted(_kinds.values(), key=lambda k: k.kind)


def known_verbs() -> frozenset[str]:
    """Every verb some registered kind takes."""
    return frozenset().union(*(k.verbs for k in _kinds.values()))


def kind_choices() -> list[tuple[str, str]]:
    """(kind, label) of every registered kind, for forms."""
    return [(k.kind, k.label) for k in registered_kinds()]


def accepted_kind(item: LearningItem, verb: str) -> ItemKind:
    """The item's kind, if it is registered and takes `verb`; else a ValidationError naming both."""
    if not is_registered(item.kind):
        raise ValidationError(
            f"Items of kind {item.kind!r} cannot take records: that kind is not registered."
        )
    kind = get_kind(item.kind)
    if verb not in kind.verbs:
        taken = ", ".join(sorted(str(v) for v in kind.verbs))
        raise ValidationError(f"{kind.label} items do not take the verb {str(verb)!r}; they take: {taken}.")
    return kind


def version_satisfies(
    item: LearningItem, version: ItemVersion | None, *, kind: ItemKind | None = None
) -> bool:
    """Whether a record of `version` counts: any version, or only the item's latest one."""
    kind = kind or get_kind(item.kind)
    if kind.any_version_satisfies or version is None:
        return True
    latest = item.versions.order_by("-published_at", "-pk").first()
    return latest is None or latest.pk == version.pk


def open_url(item: LearningItem, person: Person) -> str:
    """Where `person` opens `item`."""
    return get_kind(item.kind).open_url(item, person)


def item_status(item: LearningItem, person: Person, *, now: dt.datetime | None = None) -> ItemStatus:
    """`person`'s status on `item`, as its kind tells it."""
    return get_kind(item.kind).status(item, person, now=now or timezone.now())
