"""Where the current write comes from: a request (id, address) or a job (name).

Set by the request middleware and by tasks and commands; read by `audit()`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    request_id: str = ""
    origin: str = ""


_NO_ORIGIN = Origin()
_current: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("bedside_origin", default=None)


def current_origin() -> Origin:
    return _current.get() or _NO_ORIGIN


@contextmanager
def origin(*, request_id: str = "", source: str = "") -> Iterator[None]:
    token = _current.set(Origin(request_id=request_id, origin=source))
    try:
        yield
    finally:
        _current.reset(token)
