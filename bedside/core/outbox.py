"""Mail claimed with a change and sent after it commits, each message once: the outbox that the apps
mailing people about a change share (learning's session notices, the planner's invitations).

A service writes its outbox rows (`Outbox`: claimed now, not sent) in the transaction that makes the
change, so no mail leaves for a change that rolled back; after commit a job sends them with no
transaction open (`send_claimed`). A row is stamped sent before its mail leaves and unstamped if sending
fails, so two deliveries over the same rows (a retried job, the periodic sweep) never send twice. The
app's periodic sweep sends what a failure left behind (`unsent`): rows claimed a while ago, so the
sweep does not race the delivery job the change queued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from smtplib import SMTPException
from typing import TypeVar

from django.core.mail import EmailMessage
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

# Longer than a delivery job takes to start after its commit: the sweep leaves the job its own rows.
RETRY_AFTER = dt.timedelta(minutes=10)


class Outbox(models.Model):
    """When a message was claimed, and when it left (empty until it has)."""

    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


Row = TypeVar("Row", bound=Outbox)


def send_claimed(rows: Iterable[Row], message: Callable[[Row], EmailMessage], *, what: str) -> int:
    """Send each unsent row's message, at most once whoever else delivers the same rows; how many went.
    A message the mail server refuses is left unsent for the sweep (logged as `what`)."""
    sent = 0
    for row in rows:
        outbox = type(row)._default_manager
        # Stamp first: whoever stamps it sends it, so a second delivery of the same row sends nothing.
        if not outbox.filter(pk=row.pk, sent_at__isnull=True).update(sent_at=timezone.now()):
            continue
        try:
            message(row).send()
        except (OSError, SMTPException):
            log.exception("%s was not sent; the sweep tries again", what)
            outbox.filter(pk=row.pk).update(sent_at=None)
            continue
        sent += 1
    return sent


def unsent(rows: QuerySet[Row], *, now: dt.datetime) -> QuerySet[Row]:
    """The rows a failed delivery left unsent, oldest first: claimed before RETRY_AFTER ago."""
    return rows.filter(sent_at__isnull=True, claimed_at__lt=now - RETRY_AFTER).order_by("claimed_at", "pk")
