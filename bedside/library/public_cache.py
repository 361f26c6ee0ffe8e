"""Rendered public pages kept in Django's cache, so a crisis's traffic costs a lookup, not a render.

An entry is keyed by the page's address (with the host and scheme: the feed and the sitemap write
absolute links), the ETag its validators computed from the database, and a generation that
publishing, retiring and editing a collection bump. The ETag alone already changes when what the
page shows changes; the generation also drops entries whose change the ETag cannot see, and the
bump after commit closes the race of a reader rendering the old state while it is replaced.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

GENERATION_KEY = "library:public:generation"
TIMEOUT = 24 * 3600  # an entry no ETag asks for again just ages out


def generation() -> int:
    cache.add(GENERATION_KEY, 1, timeout=None)
    return cache.get(GENERATION_KEY) or 1


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted or never set: any new value differs from keys made without it
        cache.add(GENERATION_KEY, 1, timeout=None)
        cache.incr(GENERATION_KEY)


def invalidate() -> None:
    """Forget every rendered public page: now, and again once the change is committed."""
    _bump()
    transaction.on_commit(_bump)


def key(request: HttpRequest, etag: str) -> str:
    return f"library:public:{generation()}:{request.scheme}://{request.get_host()}{request.path}:{etag}"


def get(request: HttpRequest, etag: str) -> tuple[bytes, str] | None:
    return cache.get(key(request, etag))


def put(request: HttpRequest, etag: str, content: bytes, content_type: str) -> None:
    cache.set(key(request, etag), (content, content_type), TIMEOUT)
