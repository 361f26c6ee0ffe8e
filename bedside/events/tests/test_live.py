"""Fan-out of the live dialogue between web servers: through Redis, and through the log in the database
(the embedded path), each with two hubs standing for two servers; the stream view under ASGI and WSGI."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from bedside.events import dialogue
from bedside.events.live import hub as hub_module
from bedside.events.live.hub import Hub
from bedside.events.live.stream import stream_for_wsgi
from bedside.events.models import LiveMessage

REDIS_URL = "redis://127.0.0.1:6379/0"


def run(coroutine):
    """asyncio.run on a thread of its own: Playwright's sync API may hold this thread's event loop."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _ask_in_a_thread(**kwargs):
    """The service as a request on another thread runs it (its connection closed after, as a request's is)."""
    from django.db import connections

    def ask():
        try:
            return dialogue.question_ask(**kwargs)
        finally:
            connections.close_all()

    return sync_to_async(ask, thread_sensitive=False)()


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def live_event(make_event, make_person):
    from django.utils import timezone

    return make_event(starts_at=timezone.now()), make_person(), make_person()


async def _two_servers_deliver(event, asker, redis_url: str) -> tuple[dict, float]:
    """Server A's viewer asks (the service runs as a request would); server B's viewer receives it."""
    server_a = Hub(redis_url=redis_url, poll_seconds=0.1)
    server_b = Hub(redis_url=redis_url, poll_seconds=0.1)
    viewer_a = server_a.join(event.pk, moderator=False)
    viewer_b = server_b.join(event.pk, moderator=False)
    try:
        await asyncio.wait_for(asyncio.gather(server_a.subscribed.wait(), server_b.subscribed.wait()), 5)
        await asyncio.sleep(0.2)  # the log readers have read their starting point
        started = time.monotonic()
        await _ask_in_a_thread(person=asker, event=event, text="Which lactate cut-off?")
        got_b = await asyncio.wait_for(viewer_b.queue.get(), 5)
        elapsed = time.monotonic() - started
        got_a = await asyncio.wait_for(viewer_a.queue.get(), 5)
        assert got_a["id"] == got_b["id"]
        return got_b, elapsed
    finally:
        await server_a.close()
        await server_b.close()


@pytest.mark.django_db(transaction=True)
def test_embedded_fan_out_reaches_another_server_through_the_log(live_event, settings):
    settings.LIVE_REDIS_URL = ""
    event, asker, _ = live_event
    message, elapsed = run(_two_servers_deliver(event, asker, ""))
    assert "event: question" in message["sse"] and "Which lactate cut-off?" in message["sse"]
    assert elapsed < 1.0


@pytest.mark.django_db(transaction=True)
def test_redis_fan_out_reaches_another_server(live_event, settings, monkeypatch):
    if not _redis_up():
        pytest.fail("Redis is not answering at 127.0.0.1:6379 (the CI starts it)")
    settings.LIVE_REDIS_URL = REDIS_URL
    settings.LIVE_CHANNEL_PREFIX = f"bedside-test:{uuid.uuid4().hex}:"
    # Only Redis may deliver within the test: the log's catch-up read waits a minute.
    monkeypatch.setattr(hub_module, "CATCH_UP_SECONDS", 60.0)
    event, asker, _ = live_event
    message, elapsed = run(_two_servers_deliver(event, asker, REDIS_URL))
    assert "Which lactate cut-off?" in message["sse"]
    assert elapsed < 1.0


@pytest.mark.django_db(transaction=True)
def test_moderator_only_messages_skip_attendees(live_event, settings):
    settings.LIVE_REDIS_URL = ""
    event, asker, _ = live_event
    event.premoderated = True
    event.save()

    async def watch():
        server = Hub(redis_url="", poll_seconds=0.05)
        attendee = server.join(event.pk, moderator=False)
        moderator = server.join(event.pk, moderator=True)
        await asyncio.sleep(0.2)
        await _ask_in_a_thread(person=asker, event=event, text="Awaiting approval?")
        got = await asyncio.wait_for(moderator.queue.get(), 5)
        await asyncio.sleep(0.3)
        await server.close()
        return got, attendee.queue.qsize()

    got, waiting = run(watch())
    assert got["moderators"] is True and waiting == 0


@pytest.mark.django_db(transaction=True)
def test_the_stream_view_under_asgi_replays_then_follows(live_event, settings):
    settings.LIVE_REDIS_URL = ""
    event, asker, viewer = live_event
    dialogue.question_ask(person=asker, event=event, text="Before I connected?")
    before = LiveMessage.objects.get().pk

    async def follow():
        client = AsyncClient()
        await client.aforce_login(viewer)
        response = await client.get(
            f"/events/{event.pk}/live/stream/", headers={"Last-Event-ID": str(before - 1)}
        )
        assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
        chunks = response.streaming_content
        seen = []

        async def read_until(text):
            while True:
                chunk = await asyncio.wait_for(chunks.__anext__(), 5)
                seen.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
                if text in seen[-1]:
                    return

        await read_until("Before I connected?")
        await _ask_in_a_thread(person=asker, event=event, text="After I connected?")
        await read_until("After I connected?")
        await chunks.aclose()
        await hub_module.hub().close()
        from django.db import connections

        await sync_to_async(connections.close_all)()  # the request's own thread
        return "".join(seen)

    body = run(follow())
    assert body.startswith("retry: ")
    assert body.index("Before I connected?") < body.index("After I connected?")


@pytest.mark.django_db
def test_the_wsgi_stream_reads_the_log_and_ends(live_event):
    event, asker, _ = live_event
    dialogue.question_ask(person=asker, event=event, text="Seen on the page already")
    seen = LiveMessage.objects.get().pk
    dialogue.question_ask(person=asker, event=event, text="Over plain WSGI?")
    body = "".join(stream_for_wsgi(event_id=event.pk, moderator=False, after=seen, seconds=0.2, poll=0.05))
    assert "Over plain WSGI?" in body and "Seen on the page" not in body


@pytest.mark.django_db
def test_a_stranger_to_the_event_gets_no_stream(live_event, client, make_person):
    event, _, _ = live_event
    outsider = make_person(role=None)  # an outside clinician; the event is not public
    client.force_login(outsider)
    assert client.get(f"/events/{event.pk}/live/stream/").status_code == 404
    client.logout()
    assert client.get(f"/events/{event.pk}/live/stream/").status_code == 302
