"""Reads of published plans: whom each unit releases when."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from bedside.campaigns.models import Campaign, CampaignMember
from bedside.people.models import Unit
from bedside.people.timezones import system_tz
from bedside.planner.models import Invitation, PlanRun, PlanStatus


def releases(campaign: Campaign, *, units: QuerySet[Unit] | None) -> dict:
    """The people of the units given (None: all) that the campaign's published plans place in sessions, by
    unit and day, soonest first, each on duty (released from a shift) or off duty."""
    published = PlanRun.objects.filter(campaign=campaign, status=PlanStatus.PUBLISHED)
    members = CampaignMember.objects.filter(campaign=campaign)
    if units is not None:
        members = members.filter(unit__in=units)
    unit_of = dict(members.values_list("person_id", "unit_id"))
    rows = (
        Invitation.objects.filter(run__in=published, person_id__in=members.values("person_id"))
        .select_related("person", "session__course__item", "session__room")
        .order_by("session__starts_at", "person__last_name", "person__first_name")
    )
    tz = system_tz()
    names = dict(Unit.objects.filter(pk__in=set(unit_of.values()) - {None}).values_list("pk", "name"))
    by_unit: dict = defaultdict(lambda: defaultdict(list))
    count = 0
    for invitation in rows:
        day = invitation.session.starts_at.astimezone(tz).date()
        by_unit[unit_of.get(invitation.person_id)][day].append(invitation)
        count += 1
    return {
        "published": published.order_by("-published_at").first(),
        "people": count,
        "units": [
            {
                "name": names.get(unit_id, "No unit"),
                "days": [{"day": d, "rows": r} for d, r in sorted(days.items())],
                "on_duty": sum(i.on_duty for r in days.values() for i in r),
                "total": sum(len(r) for r in days.values()),
            }
            for unit_id, days in sorted(by_unit.items(), key=lambda kv: names.get(kv[0], ""))
        ],
    }
