"""The address of the person's device, read through the proxies we are told to trust.

X-Forwarded-For is written by every hop, and its left end by whoever sends the request,
so it is believed only as far as a trusted proxy vouches for it: from the right, each
address that is a trusted proxy hands over to the one before it; the first that is not
is the client. With no TRUSTED_PROXIES the header is ignored and the peer address is
the client (a proxy that is not configured shows as itself, never as a forged address).
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # Validated at start-up by settings.py; parsed once per distinct setting.
    return tuple(ipaddress.ip_network(entry) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text, or the peer's when no trusted proxy stands between."""
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    if not trusted:
        return peer

    def is_trusted(text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in network for network in trusted)

    client = peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(client):
            break
        if _address(hop) is None:
            break  # garbage from the left of the header: keep the last address a proxy vouched for
        client = hop
    return client


def axes_client_address(request: HttpRequest) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address the audit trail records."""
    return client_address(request)
