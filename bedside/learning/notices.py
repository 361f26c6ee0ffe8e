"""Mail to learners about their places, sent the way the rest of Bedside sends mail.

A service claims its notices in the transaction that makes the change (one bulk INSERT tagged
with a batch id); after commit a job (`tasks.deliver_session_notices`) sends them, with no
transaction open while mailing. A notice is stamped sent before its mail leaves and unstamped if
sending fails, so two deliveries of one batch (a retried job, the hourly sweep) never send twice;
the hourly sweep (`notices_retry`) sends what a failure left behind.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bedside.learning.models import Registration, SessionNotice

log = logging.getLogger(__name__)
RETRY_AFTER = dt.timedelta(minutes=10)


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


def _send(rows) -> int:
    sent = 0
    for notice in rows:
        # Stamp first: whoever stamps it sends it, so a second delivery of the batch sends nothing.
        if not SessionNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        ):
            continue
        try:
            send_mail(
                subject=notice.subject,
                message=notice.body,
                from_email=None,
                recipient_list=[notice.recipient.email],
            )
        except (OSError, SMTPException):
            log.exception("a session notice was not sent; the hourly sweep tries again")
            SessionNotice.objects.filter(pk=notice.pk).update(sent_at=None)
            continue
        sent += 1
    return sent


def deliver(*, batch: str) -> int:
    """Send the batch's notices not yet sent; how many went."""
    return _send(SessionNotice.objects.filter(batch=batch, sent_at__isnull=True).select_related("recipient"))


def notices_retry(*, now: dt.datetime | None = None) -> int:
    """Send notices a failed delivery left unsent (claimed a while ago, so a running job is not raced)."""
    now = now or timezone.now()
    rows = SessionNotice.objects.filter(sent_at__isnull=True, claimed_at__lt=now - RETRY_AFTER)
    return _send(rows.select_related("recipient").order_by("claimed_at", "pk"))
