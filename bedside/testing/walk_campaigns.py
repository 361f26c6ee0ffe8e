"""Objects of the campaigns app for the authorization walk (bedside/web/tests/test_authorization.py)."""


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
