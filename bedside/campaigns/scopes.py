"""How campaigns map to scopes: a campaign is in a scope when its audience names a unit, department
or site there; one that names none (named persons only, or everyone) only a system-wide grant covers.
Its owner always reaches it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from bedside.people.access import Scope, Targets, register_scope
from bedside.people.access.scopes import unit_q
from bedside.people.models import Unit


def campaigns_inside(scope: Scope, on: dt.date) -> Q:
    if scope.everything:
        return Q()
    from bedside.campaigns.models import Campaign

    units = Unit.objects.filter(unit_q(scope)).values("pk")
    reached = Campaign.objects.filter(
        Q(audience__units__in=units)
        | Q(audience__departments__in=list(scope.departments))
        | Q(audience__sites__in=list(scope.sites))
    )
    return Q(pk__in=reached.values("pk"))


def campaign_targets(campaign, on: dt.date) -> Targets:
    audience = campaign.audience
    units = list(audience.units.values_list("pk", "department_id", "site_id"))
    return Targets(
        units=frozenset(u for u, _, _ in units),
        departments=frozenset(d for _, d, _ in units)
        | frozenset(audience.departments.values_list("pk", flat=True)),
        sites=frozenset(s for _, _, s in units) | frozenset(audience.sites.values_list("pk", flat=True)),
    )


def register() -> None:
    from bedside.campaigns.models import Campaign

    register_scope(Campaign, inside=campaigns_inside, owner="owner", targets=campaign_targets)
