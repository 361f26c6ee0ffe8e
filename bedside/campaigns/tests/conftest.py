"""A small hospital for campaign tests: an ICU with three nurses, a ward, an educator and a manager."""

import datetime as dt
from types import SimpleNamespace

import pytest

from bedside.campaigns.models import Campaign
from bedside.campaigns.services import campaign_launch
from bedside.people.models import Capability
from bedside.records.models import Verb
from bedside.records.services import record_add
from bedside.testing import factories as f

TODAY = dt.date(2026, 11, 30)  # the pinned day (conftest), a Monday


@pytest.fixture
def hospital(make_person, make_attestation):
    icu = f.UnitFactory(name="Medical ICU", code="MICU")
    ward = f.UnitFactory(name="Surgical ward", code="SW")
    nurses = [make_person(unit=icu, first_name=n, last_name="Icu", employee_id=f"E{i}") for i, n in
              enumerate(["Ana", "Ben", "Cy"])]  # fmt: skip
    return SimpleNamespace(
        icu=icu,
        ward=ward,
        nurses=nurses,
        ward_nurse=make_person(unit=ward, first_name="Di", last_name="Ward", employee_id="W1"),
        educator=make_person(unit=icu, grants=[(Capability.TEACH, icu)], last_name="Teach"),
        manager=make_person(
            unit=icu, grants=[(Capability.MANAGE, icu)], last_name="Mann", email="mann@example.org"
        ),
        ward_educator=make_person(unit=ward, grants=[(Capability.TEACH, ward)], last_name="Other"),
        items=[make_attestation("Prone positioning"), make_attestation("ICU drips")],
    )


@pytest.fixture
def make_campaign(hospital):
    from bedside.campaigns.services import campaign_create

    def make(**kwargs):
        values = dict(
            name="ICU cross-training",
            reason="Surge beds open on Monday.",
            priority="surge",
            items=[a.item for a in hospital.items],
            starts_on=TODAY,
            deadline=TODAY + dt.timedelta(days=10),
            units=[hospital.icu],
            actor=hospital.educator,
            today=TODAY,
        )
        values.update(kwargs)
        return campaign_create(**values)

    return make


@pytest.fixture
def launched(make_campaign, hospital, django_capture_on_commit_callbacks):
    """The campaign launched today; Ana has done both items, Ben the first, Cy and Di nothing."""
    campaign = make_campaign()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(campaign=campaign, actor=hospital.educator, today=TODAY)
    ana, ben, _ = hospital.nurses
    for item in hospital.items:
        record_add(person=ana, item=item.item, verb=Verb.ACKNOWLEDGED, by=ana)
    record_add(person=ben, item=hospital.items[0].item, verb=Verb.ACKNOWLEDGED, by=ben)
    return Campaign.objects.get(pk=campaign.pk)
