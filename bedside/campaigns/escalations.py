"""Daily escalation digests: each unit manager hears, once a day, which of their people are still open
in each running campaign, with a link to the campaign's progress.

The day's digest is claimed in the database (one row per manager and day, INSERT ... ON CONFLICT DO
NOTHING), so a retried or doubled job claims nothing twice; the mail goes out after commit, from a job
that stamps each digest sent or releases it for the next run if the mail fails.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bedside.campaigns.models import Campaign, Digest, LaunchStatus
from bedside.campaigns.queries import campaign_progress
from bedside.people import access
from bedside.people.models import Capability, Person, Unit
from bedside.people.timezones import local_date, system_tz

log = logging.getLogger(__name__)
PEOPLE_LISTED = 30


def link(name: str, *args) -> str:
    return settings.BEDSIDE_BASE_URL.rstrip("/") + reverse(name, args=args)


def _open_by_unit(campaign: Campaign) -> dict[int, list[int]]:
    """{unit id: person ids with a bundle item not yet done}."""
    progress = campaign_progress(campaign)
    open_people: dict[int, list[int]] = defaultdict(list)
    for person_id, unit_id, _ in progress.members:
        if unit_id and any(at is None for at in progress.status[person_id].values()):
            open_people[unit_id].append(person_id)
    return open_people


@transaction.atomic
def digests_claim(*, now: dt.datetime) -> int:
    """Claim today's digest for every manager with people still open in a launched, running campaign."""
    today = local_date(system_tz(), now)
    campaigns = Campaign.objects.filter(status=LaunchStatus.LAUNCHED, starts_on__lte=today).filter(
        deadline__gte=today - dt.timedelta(days=7)  # a week past the deadline they still hear
    )
    sections: dict[int, list[str]] = defaultdict(list)
    for campaign in campaigns.order_by("deadline", "pk"):
        open_people = _open_by_unit(campaign)
        if not open_people:
            continue
        managers = access.holders(Capability.MANAGE, Unit.objects.filter(pk__in=list(open_people)))
        names = dict(
            (p.pk, p.full_name)
            for p in Person.objects.filter(pk__in={p for ids in open_people.values() for p in ids})
        )
        per_manager: dict[int, list[int]] = defaultdict(list)
        for unit_id, person_ids in open_people.items():
            for manager_id in managers.get(unit_id, ()):
                per_manager[manager_id].extend(person_ids)
        days_left = (campaign.deadline - today).days
        when = (
            f"due in {days_left} day{'s' if days_left != 1 else ''}"
            if days_left >= 0
            else "past its deadline"
        )
        for manager_id, person_ids in per_manager.items():
            listed = sorted(names[p] for p in set(person_ids))
            more = len(listed) - PEOPLE_LISTED
            lines = "\n".join(f"  - {name}" for name in listed[:PEOPLE_LISTED])
            tail = f"\n  ...and {more} more" if more > 0 else ""
            sections[manager_id].append(
                f"{campaign.name} ({campaign.get_priority_display()}, {when}): {len(listed)} still open\n"
                f"{lines}{tail}\n  {link('campaign-progress', campaign.pk)}"
            )
    recipients = {p.pk: p for p in Person.objects.filter(pk__in=list(sections), email__isnull=False)}
    rows = [
        Digest(
            recipient_id=pk,
            day=today,
            subject=f"Campaign training still open on your units ({len(parts)} campaign{'s' if len(parts) != 1 else ''})",
            body=f"Hello {recipients[pk].first_name},\n\nThese people on your units still have campaign training "
            "open:\n\n" + "\n\n".join(parts) + "\n",
        )
        for pk, parts in sections.items()
        if pk in recipients
    ]
    before = Digest.objects.filter(day=today, sent_at__isnull=True).count()
    Digest.objects.bulk_create(rows, ignore_conflicts=True)
    claimed = Digest.objects.filter(day=today, sent_at__isnull=True).count() - before
    if claimed:
        from bedside.campaigns.tasks import deliver_digests  # tasks import this module

        transaction.on_commit(lambda: deliver_digests.enqueue(day=today.isoformat()))
    return claimed


def digests_deliver(*, day: str) -> int:
    """Send the day's claimed digests not yet sent (no transaction open while mailing)."""
    sent = 0
    for digest in Digest.objects.filter(day=dt.date.fromisoformat(day), sent_at__isnull=True).select_related(
        "recipient"
    ):
        try:
            send_mail(digest.subject, digest.body, None, [digest.recipient.email])
        except (OSError, SMTPException):
            log.exception("a campaign digest was not sent; the next run tries again")
            Digest.objects.filter(pk=digest.pk, sent_at__isnull=True).delete()
            continue
        Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
