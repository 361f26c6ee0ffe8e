"""Where the planner meets the apps that own sessions (the `learning` app, later), by registration.

- A slot source offers existing sessions (or rooms) as candidate slots for a campaign:
  `register_slot_source(fn)` with `fn(campaign, first_day, last_day) -> list[Slot]`.
- A materialiser turns a published plan's sessions into real sessions, registrations, notifications
  and calendar invites: `register_materialiser(fn)` with `fn(plan_run, sessions, *, actor, now) -> int`
  (how many it made), where each session is the dict stored in `PlanRun.sessions` (slot id, room, start,
  end, capacity, existing, learner ids, instructor ids). Publishing calls every registered materialiser
  inside its transaction; with none, the plan is recorded as published and nothing else happens.

The planner registers its own link to the `learning` app (below it in the layers) in `apps.ready`:
`existing_sessions.existing_slots` and `publishing.materialise`.
"""

from __future__ import annotations

from collections.abc import Callable

_slot_sources: list[Callable] = []
_materialisers: list[Callable] = []


def register_slot_source(fn: Callable) -> None:
    if fn not in _slot_sources:
        _slot_sources.append(fn)


def register_materialiser(fn: Callable) -> None:
    if fn not in _materialisers:
        _materialisers.append(fn)


def unregister(fn: Callable) -> None:
    for registry in (_slot_sources, _materialisers):
        if fn in registry:
            registry.remove(fn)


def slot_sources() -> list[Callable]:
    return list(_slot_sources)


def materialisers() -> list[Callable]:
    return list(_materialisers)
