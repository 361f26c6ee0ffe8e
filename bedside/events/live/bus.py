"""Publishing what changed in an event's dialogue: a row in the log, then (after commit) a word on Redis.

The log (`LiveMessage`) is written in the same transaction as the change, so a viewer can always
catch up from it. With `BEDSIDE_REDIS_URL` set, each message is also published on the channel
`bedside:live:<event id>` once the transaction commits, and every web server's hub hands it to its
viewers at once; without Redis (the embedded demo) the hubs read the log a few times a second.
Either way no server keeps a message that another needs: several servers fan out alike.
"""

from __future__ import annotations

import functools
import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from bedside.events.models import LiveMessage

log = logging.getLogger("bedside.events.live")


def channel_prefix() -> str:
    """Redis channels are shared by every database on a server: the prefix keeps installations apart."""
    return settings.LIVE_CHANNEL_PREFIX


def wire(message: LiveMessage) -> dict:
    """A message as servers pass it on, with its server-sent-events text encoded once for every viewer."""
    data = json.dumps(message.payload, cls=DjangoJSONEncoder, separators=(",", ":"))
    return {
        "id": message.pk,
        "event": message.event_id,
        "moderators": message.moderators,
        "sse": f"id: {message.pk}\nevent: {message.kind}\ndata: {data}\n\n",
    }


@functools.cache
def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _announce(message: LiveMessage) -> None:
    url = settings.LIVE_REDIS_URL
    if not url:
        return
    try:
        redis_client(url).publish(f"{channel_prefix()}{message.event_id}", json.dumps(wire(message)))
    except Exception:  # noqa: BLE001  (the hubs' catch-up read of the log still delivers it)
        log.warning("live message %s not published to Redis", message.pk, exc_info=True)


def record(*, event_id: int, kind: str, payload: dict, moderators: bool = False) -> LiveMessage:
    """Log a change for the event's viewers (moderators only with `moderators`); announced after commit."""
    message = LiveMessage.objects.create(event_id=event_id, kind=kind, payload=payload, moderators=moderators)
    transaction.on_commit(lambda: _announce(message))
    return message
