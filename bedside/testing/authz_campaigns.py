"""Access rules of the campaign and planner pages and API, and the campaigns the walk opens."""

from bedside.testing.authz_table import ADMINS, SIGNED_IN, STAFF, TEACHERS, Access

FOLLOWERS = frozenset({"teacher", "manager", "reporter"}) | ADMINS

URLS = {
    "campaigns": Access(get=FOLLOWERS),
    "campaign-new": Access(get=TEACHERS, post=TEACHERS),
    "campaign": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-launch": Access(post=TEACHERS, obj="campaign"),
    "campaign-launch-status": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-progress": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-progress-live": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-progress-csv": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-plan": Access(get=TEACHERS, post=TEACHERS, obj="campaign"),
    "api:campaigns-list": Access(get=SIGNED_IN),
    "api:campaigns-progress": Access(get=FOLLOWERS, obj="campaign"),
}
# Shown read-only in the admin: they change through audited services.
for _label in ("campaigns_campaign", "campaigns_digest", "planner_plan"):
    URLS[f"admin:{_label}_changelist"] = Access(get=STAFF, post=STAFF)
    URLS[f"admin:{_label}_change"] = Access(get=STAFF)
    URLS[f"admin:{_label}_history"] = Access(get=STAFF, post=STAFF)
    URLS[f"admin:{_label}_add"] = Access()
    URLS[f"admin:{_label}_delete"] = Access()


def world_objects(*, unit_in, unit_out, person_in, item) -> dict:
    """A campaign of the inside unit and one of the outside unit, owned by someone with no grants."""
    import datetime as dt

    from bedside.campaigns.models import Campaign, CampaignItem
    from bedside.testing import factories as f

    made = []
    for unit in (unit_in, unit_out):
        audience = f.AudienceFactory(units=[unit])
        campaign = Campaign.objects.create(
            name=f"Campaign of {unit.code}",
            reason="Walk",
            audience=audience,
            starts_on=dt.date(2026, 1, 1),
            deadline=dt.date(2099, 1, 1),
            owner=person_in,
            ref=f"walk-{unit.pk}",
        )
        CampaignItem.objects.create(campaign=campaign, item=item)
        made.append(campaign.pk)
    return {"campaign": tuple(made)}
