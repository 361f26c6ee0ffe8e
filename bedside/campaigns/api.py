"""The campaigns API: campaigns the caller follows, and where each stands."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from bedside.campaigns.models import Campaign, LaunchStatus, Priority
from bedside.campaigns.queries import campaign_progress
from bedside.core.api_params import MAX_ID, Page
from bedside.people import access
from bedside.people.api import Denied

router = Router(tags=["campaigns"])
FOLLOW = ("teach", "manage", "report")


class CampaignOut(Schema):
    id: int
    name: str
    reason: str
    priority: Priority
    starts_on: dt.date
    deadline: dt.date
    owner: str = Field(..., alias="owner.full_name")
    status: LaunchStatus
    ref: str = Field(..., description="The campaign's key in its requirements' cycle")
    items: list[int] = Field(..., description="Learning item ids of the bundle")

    @staticmethod
    def resolve_items(obj: Campaign) -> list[int]:
        return [ci.item_id for ci in obj.items.all()]


class TallyOut(Schema):
    label: str
    done: int
    total: int
    percent: int


class ProgressOut(Schema):
    campaign: int
    people: int
    people_done: int
    required: int
    done: int
    percent: int
    not_started: int
    by_unit: list[TallyOut]
    by_role: list[TallyOut]
    by_item: list[TallyOut]


def _campaigns(request: HttpRequest):
    return (
        access.scoped(request.auth, FOLLOW, Campaign, own=True)
        .select_related("owner")
        .prefetch_related("items")
    )


@router.get("/campaigns", response=list[CampaignOut], url_name="campaigns-list", summary="List campaigns")
@paginate(Page)
def campaigns_list(request: HttpRequest):
    """Campaigns of the units you teach, manage or report on (and your own), newest first."""
    return _campaigns(request).order_by("-created_at", "-pk")


@router.get(
    "/campaigns/{campaign_id}/progress",
    response={200: ProgressOut, 403: Denied},
    url_name="campaigns-progress",
    summary="Where a campaign stands",
)
def campaigns_progress(request: HttpRequest, campaign_id: Annotated[int, Path(..., ge=1, le=MAX_ID)]):
    """Done against required, by unit, role and item, for the campaign's members on your units."""
    campaign = access.get_in_scope(
        request.auth,
        FOLLOW,
        Campaign.objects.all(),
        own=True,
        pk=campaign_id,
        denied="Campaigns are for educators, unit managers and report readers.",
        missing="No such campaign in your scope.",
    )
    everything = access.scope_of(request.auth, FOLLOW).everything
    units = None if everything else access.units_in_scope(request.auth, FOLLOW)
    p = campaign_progress(campaign, units=units)

    def tallies(rows):
        return [{"label": t.label, "done": t.done, "total": t.total, "percent": t.percent} for t in rows]

    return {
        "campaign": campaign.pk,
        "people": p.people,
        "people_done": p.people_done,
        "required": p.pairs,
        "done": p.pairs_done,
        "percent": p.percent,
        "not_started": p.not_started_count,
        "by_unit": tallies(p.by_unit),
        "by_role": tallies(p.by_role),
        "by_item": tallies(p.by_item),
    }
