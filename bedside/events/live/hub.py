"""Each web server's fan-out: one hub per server process (per event loop) hands messages to its viewers.

A hub takes messages from Redis (one pattern subscription per process, when `BEDSIDE_REDIS_URL` is
set) and from the log in the database (read every `LIVE_POLL_SECONDS` without Redis; every few
seconds with it, to catch up on anything Redis dropped). It keeps only who is listening here and
which message ids it has handed on recently; the messages themselves live in the log.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import functools
import json
import logging
import time
import weakref

from django.conf import settings
from django.db import close_old_connections, connections

from bedside.events.live.bus import channel_prefix, wire
from bedside.events.models import LiveMessage

log = logging.getLogger("bedside.events.live")
QUEUE_LIMIT = 1000  # a viewer this far behind is dropped; its browser reconnects and catches up
LOOKBACK_SECONDS = 5.0  # ids committed out of order (PostgreSQL) are re-read for this long
CATCH_UP_SECONDS = 3.0  # with Redis, how often the log is read for anything Redis lost


def _guarded(fn, *args):
    close_old_connections()
    try:
        return fn(*args)
    finally:
        close_old_connections()


def _top() -> int:
    return LiveMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _after(event_ids: list[int], floor: int) -> list[dict]:
    rows = LiveMessage.objects.filter(event_id__in=event_ids, pk__gt=floor).order_by("pk")[:2000]
    return [wire(m) for m in rows]


def backlog(event_id: int, moderator: bool, after: int) -> list[dict]:
    """What a viewer missed since message `after` (at most the last 500)."""
    rows = LiveMessage.objects.filter(event_id=event_id, pk__gt=after)
    if not moderator:
        rows = rows.filter(moderators=False)
    return [wire(m) for m in reversed(rows.order_by("-pk")[:500])]


class Listener:
    __slots__ = ("event_id", "moderator", "queue", "dropped")

    def __init__(self, event_id: int, moderator: bool):
        self.event_id = event_id
        self.moderator = moderator
        self.queue: asyncio.Queue[dict] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self.dropped = False


class Hub:
    def __init__(self, *, redis_url: str, poll_seconds: float):
        self.redis_url = redis_url
        self.poll_seconds = poll_seconds
        self.listeners: dict[int, set[Listener]] = collections.defaultdict(set)
        self.seen: dict[int, float] = {}
        self.tasks: list[asyncio.Task] = []
        self.subscribed = asyncio.Event()
        # One thread of its own for the hub's reads, so they never wait behind the pages' sync views.
        self.executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="live-db")

    async def db(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, functools.partial(_guarded, fn, *args)
        )

    async def close(self) -> None:
        """Stop reading and let go of the database connection (tests; a server simply exits)."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(self.executor, connections.close_all)
        self.executor.shutdown(wait=False)

    # Viewers ---------------------------------------------------------------------------------
    def join(self, event_id: int, moderator: bool) -> Listener:
        if not self.tasks:
            self.start()
        listener = Listener(event_id, moderator)
        self.listeners[event_id].add(listener)
        return listener

    def leave(self, listener: Listener) -> None:
        group = self.listeners.get(listener.event_id)
        if group is not None:
            group.discard(listener)
            if not group:
                del self.listeners[listener.event_id]

    def viewers(self, event_id: int | None = None) -> int:
        if event_id is None:
            return sum(len(g) for g in self.listeners.values())
        return len(self.listeners.get(event_id, ()))

    def deliver(self, message: dict) -> None:
        """Hand one message to this server's viewers of its event (once, whichever path brought it)."""
        if message["id"] in self.seen:
            return
        self.seen[message["id"]] = time.monotonic()
        for listener in tuple(self.listeners.get(message["event"], ())):
            if message["moderators"] and not listener.moderator:
                continue
            try:
                listener.queue.put_nowait(message)
            except asyncio.QueueFull:
                listener.dropped = True

    # Sources ---------------------------------------------------------------------------------
    def start(self) -> None:
        self.tasks.append(asyncio.create_task(self._read_log(), name="live-log"))
        if self.redis_url:
            self.tasks.append(asyncio.create_task(self._read_redis(), name="live-redis"))
        else:
            self.subscribed.set()

    async def _read_redis(self) -> None:
        import redis.asyncio as aioredis

        while True:
            client = aioredis.Redis.from_url(self.redis_url)
            try:
                pubsub = client.pubsub()
                await pubsub.psubscribe(f"{channel_prefix()}*")
                self.subscribed.set()
                async for item in pubsub.listen():
                    if item["type"] == "pmessage":
                        self.deliver(json.loads(item["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001  (Redis restarting: the log read covers the gap)
                log.warning("live: Redis subscription lost, retrying", exc_info=True)
                self.subscribed.clear()
                await asyncio.sleep(1)
            finally:
                await client.aclose()

    async def _read_log(self) -> None:
        interval = CATCH_UP_SECONDS if self.redis_url else self.poll_seconds
        floor = await self.db(_top)
        top = floor
        marks: collections.deque[tuple[float, int]] = collections.deque()
        while True:
            await asyncio.sleep(interval)
            watched = [e for e, group in self.listeners.items() if group]
            if watched:
                try:
                    rows = await self.db(_after, watched, floor)
                except Exception:  # noqa: BLE001  (the database restarting: try again next round)
                    log.warning("live: reading the log failed", exc_info=True)
                    continue
                for message in rows:
                    self.deliver(message)
                    top = max(top, message["id"])
            now = time.monotonic()
            marks.append((now, top))
            while marks and now - marks[0][0] > LOOKBACK_SECONDS:
                floor = marks.popleft()[1]
            for mid in [m for m, at in self.seen.items() if now - at > 60]:
                del self.seen[mid]


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """This server's hub (one per event loop, so one per process under uvicorn)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub(redis_url=settings.LIVE_REDIS_URL, poll_seconds=settings.LIVE_POLL_SECONDS)
    return found
