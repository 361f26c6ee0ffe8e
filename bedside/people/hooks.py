"""Roster-change hooks: how `people` tells higher apps that persons' jobs or status changed.

`people` knows nothing of the apps above it (assignments, planner...). They register a
callback in their AppConfig.ready(); the roster import calls `roster_changed()` once
per successful import with every person who is new or whose jobs or status changed.
Callbacks are called as `callback(person_ids=[...])`, so a keyword-only service such
as `roster_reapply(*, person_ids)` registers as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RosterCallback = Callable[..., Any]

_callbacks: list[RosterCallback] = []


def on_roster_change(callback: RosterCallback) -> RosterCallback:
    """Register `callback(person_ids=...)`; registering the same callback twice keeps one."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def roster_changed(person_ids: Iterable[int]) -> list[Any]:
    """Call every registered callback, in registration order, with the sorted unique ids."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    return [callback(person_ids=ids) for callback in list(_callbacks)]


def registered() -> tuple[RosterCallback, ...]:
    return tuple(_callbacks)
