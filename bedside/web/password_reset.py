"""Password reset: requests throttled per address and per client, the link mailed from a job.

The answer is the same page whether the address is known, unknown or throttled, so the
form reveals nothing; the mail leaves after the request's transaction commits, from the
task queue, so a slow mail server never holds a request (or, on SQLite, the write lock).
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bedside.people.backends import sign_in_address
from bedside.web.client_address import client_address
from bedside.web.models import PasswordResetRequest

log = logging.getLogger("bedside.accounts")
WINDOW = dt.timedelta(hours=1)
KEPT = dt.timedelta(days=1)


def _digest(address: str) -> str:
    return salted_hmac("bedside.password-reset", address).hexdigest()


@transaction.atomic
def password_reset_request(
    *, address: str, client: str, now: dt.datetime, domain: str, use_https: bool
) -> bool:
    """Record a request; unless over a limit, mail the link from a job once committed. True if sent."""
    address = sign_in_address(address) or ""
    digest = _digest(address)
    since = now - WINDOW
    PasswordResetRequest.objects.filter(at__lt=now - KEPT).delete()
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    allowed = (
        recent.filter(address_digest=digest).count() < settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        and recent.filter(client=client).count() < settings.PASSWORD_RESET_LIMIT_PER_CLIENT
    )
    PasswordResetRequest.objects.create(address_digest=digest, client=client, at=now)
    if allowed:
        from bedside.web.tasks import send_password_reset

        transaction.on_commit(
            lambda: send_password_reset.enqueue(address=address, domain=domain, use_https=use_https)
        )
    else:
        log.warning("password reset throttled", extra={"client": client})
    return allowed


def send_password_reset_now(*, address: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to the account of `address`, if it has one that may reset (Django's own rules)."""
    form = PasswordResetForm({"email": address})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)


def link_base() -> tuple[str, bool]:
    """The host and scheme reset links use: BEDSIDE_BASE_URL, like every other e-mail.

    Never the request's Host header: a forged Host would otherwise send a reset link that
    points at another site (host-header poisoning), and behind a proxy the request's host
    may be an internal name.
    """
    base = urlsplit(settings.BEDSIDE_BASE_URL)
    return base.netloc, base.scheme == "https"


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose save() records and queues instead of sending in the request."""

    def save(self, *, request, **kwargs) -> None:
        domain, use_https = link_base()
        password_reset_request(
            address=self.cleaned_data["email"],
            client=client_address(request),
            now=timezone.now(),
            domain=domain,
            use_https=use_https,
        )
