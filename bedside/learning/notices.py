"""Mail to learners about their places, sent the way the rest of Bedside sends mail.

A service claims its notices in the transaction that makes the change (one bulk INSERT tagged
with a batch id); after commit a job (`tasks.deliver_session_notices`) sends them through the shared
outbox (`core.outbox`: each notice once, however often its batch is delivered), and the hourly
sweep (`notices_retry`) sends what a failure left behind.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bedside.core.outbox import send_claimed, unsent
from bedside.learning.models import Registration, SessionNotice


def link(name: str, *args) -> str:
    """An absolute link for an e-mail, to the page where the person acts."""
    return settings.BEDSIDE_BASE_URL.rstrip("/") + reverse(name, args=args)


@dataclass(frozen=True)
class Notice:
    registration: Registration
    key: str
    subject: str
    body: str


def notices_claim(notices: list[Notice]) -> uuid.UUID | None:
    """Claim notices for people with an address; they are sent after commit. The batch id, if any."""
    batch = uuid.uuid4()
    rows = [
        SessionNotice(
            registration=n.registration,
            recipient_id=n.registration.person_id,
            key=n.key[:60],
            subject=n.subject[:300],
            body=n.body,
            batch=batch,
        )
        for n in notices
        if n.registration.person.email
    ]
    if not rows:
        return None
    SessionNotice.objects.bulk_create(rows, ignore_conflicts=True)
    from bedside.learning.tasks import deliver_session_notices  # tasks import this module

    transaction.on_commit(lambda: deliver_session_notices.enqueue(batch=str(batch)))
    return batch


def _message(notice: SessionNotice) -> EmailMessage:
    return EmailMessage(subject=notice.subject, body=notice.body, to=[notice.recipient.email])


def _send(rows) -> int:
    return send_claimed(rows, _message, what="a session notice")


def deliver(*, batch: str) -> int:
    """Send the batch's notices not yet sent; how many went."""
    return _send(SessionNotice.objects.filter(batch=batch, sent_at__isnull=True).select_related("recipient"))


def notices_retry(*, now: dt.datetime | None = None) -> int:
    """Send notices a failed delivery left unsent (claimed a while ago, so a running job is not raced)."""
    rows = unsent(SessionNotice.objects.select_related("recipient"), now=now or timezone.now())
    return _send(rows)
