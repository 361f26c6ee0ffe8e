"""A person's credit by licence period: what counts toward renewal, by topic, and what is still missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from bedside.credits.models import Claim, Licence
from bedside.credits.services import activity_zone
from bedside.people.models import Person

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class TopicProgress:
    topic: str
    required: Decimal
    earned: Decimal

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, ZERO)


@dataclass(frozen=True)
class LicenceProgress:
    licence: Licence
    required: Decimal
    earned: Decimal
    topics: list[TopicProgress]
    claims: list[Claim]
    days_left: int

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, ZERO)

    @property
    def complete(self) -> bool:
        return self.missing == 0 and all(t.missing == 0 for t in self.topics)


def _claim_day(claim: Claim) -> dt.date:
    return timezone.localtime(claim.claimed_at, activity_zone(claim.activity)).date()


def licence_progress(
    person: Person, *, today: dt.date, claims: list[Claim] | None = None
) -> list[LicenceProgress]:
    """Each of the person's licences (current period first) with the credit counted in its period."""
    licences = list(
        Licence.objects.filter(person=person)
        .select_related("licence_type")
        .prefetch_related("licence_type__topic_requirements__topic")
        .order_by("-period_end", "pk")
    )
    if not licences:
        return []
    if claims is None:
        claims = list(
            Claim.objects.filter(person=person)
            .select_related("activity__site")
            .prefetch_related("activity__topics")
        )
    out = []
    for licence in licences:
        kind = licence.licence_type
        accepted = set(kind.accepted_types)
        counted = [
            c
            for c in claims
            if c.credit_type in accepted and licence.period_start <= _claim_day(c) <= licence.period_end
        ]
        topics = []
        for req in kind.topic_requirements.all():
            earned = sum(
                (c.amount for c in counted if any(t.pk == req.topic_id for t in c.activity.topics.all())),
                ZERO,
            )
            topics.append(TopicProgress(topic=req.topic.name, required=req.credits_required, earned=earned))
        out.append(
            LicenceProgress(
                licence=licence,
                required=kind.credits_required,
                earned=sum((c.amount for c in counted), ZERO),
                topics=topics,
                claims=sorted(counted, key=lambda c: c.claimed_at),
                days_left=(licence.period_end - today).days,
            )
        )
    return out
