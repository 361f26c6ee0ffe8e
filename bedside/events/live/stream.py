"""The server-sent-events stream of one event, for a viewer: what they missed, then each change as it comes.

Under ASGI (uvicorn) a viewer costs a queue on the server's event loop, not a thread. Under WSGI
(`runserver`, the test server) the stream reads the log for a while and ends; the browser's
EventSource reconnects with Last-Event-ID and carries on, so the page works there too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

from bedside.events.live.hub import backlog, hub
from bedside.events.models import LiveMessage

KEEPALIVE_SECONDS = 15.0
OPENING = "retry: 2000\n\n"


async def stream(*, event_id: int, moderator: bool, after: int) -> AsyncIterator[str]:
    here = hub()
    listener = here.join(event_id, moderator)  # before reading the backlog, so nothing falls between
    try:
        yield OPENING
        missed = await here.db(backlog, event_id, moderator, after) if after else []
        replayed = {m["id"] for m in missed}
        for message in missed:
            yield message["sse"]
        while not listener.dropped:
            try:
                message = await asyncio.wait_for(listener.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            if message["id"] in replayed:
                continue
            yield message["sse"]
    finally:
        here.leave(listener)


def stream_for_wsgi(
    *, event_id: int, moderator: bool, after: int, seconds: float = 25.0, poll: float = 0.3
) -> Iterator[str]:
    """A bounded stream for a WSGI server: the log read every `poll` seconds, ending after `seconds`."""
    yield "retry: 300\n\n"
    last = after or (
        LiveMessage.objects.filter(event_id=event_id).order_by("-pk").values_list("pk", flat=True).first()
        or 0
    )
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        for message in backlog(event_id, moderator, last):
            last = message["id"]
            quiet_since = time.monotonic()
            yield message["sse"]
        if time.monotonic() - quiet_since > 2:
            quiet_since = time.monotonic()
            yield ": keepalive\n\n"  # a browser that left is noticed here, and its thread freed
        time.sleep(poll)
