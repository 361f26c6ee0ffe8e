"""Readiness: who a campaign clears for a kind of work (every item a rule names complete and valid)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.assignments.models import Assignment
from bedside.campaigns.models import ReadinessRule
from bedside.campaigns.queries import readiness
from bedside.campaigns.services import readiness_rule_create
from bedside.people.models import JobRole

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC)


def test_a_rule_clears_those_with_every_item_it_names(launched, hospital):
    prone, drips = (a.item for a in hospital.items)
    float_rule = readiness_rule_create(campaign=launched, name="ICU float under team nursing",
                                       actor=hospital.educator)  # fmt: skip
    proning = readiness_rule_create(campaign=launched, name="Proning team", items=[prone],
                                    job_roles=[JobRole.objects.get(code="RN")], actor=hospital.educator)  # fmt: skip
    whole, prone_only = readiness(launched, now=NOW)
    assert whole.rule == float_rule and set(whole.items) == {prone.pk, drips.pk}
    assert (whole.people, whole.cleared, whole.waiting) == (5, 1, 4)
    assert [p.full_name for p in whole.cleared_people] == ["Ana Icu"]
    ben = next(missing for p, missing in whole.waiting_people if p.first_name == "Ben")
    assert ben == ["ICU drips"]
    assert [(t.label, t.cleared, t.total) for t in whole.by_unit] == [("Medical ICU", 1, 5)]
    assert prone_only.rule == proning and (prone_only.people, prone_only.cleared) == (5, 2)
    assert [(t.cleared, t.total) for t in prone_only.by_role] == [(2, 5)]


def test_a_completion_no_longer_valid_does_not_clear(launched, hospital):
    readiness_rule_create(campaign=launched, name="ICU float", actor=hospital.educator)
    ana = hospital.nurses[0]
    # Ana's requirement moves to a new cycle, her old completion valid only until yesterday.
    Assignment.objects.filter(person=ana, item=hospital.items[1].item).update(
        closed_at=None, closed_reason="", covered_until=NOW - dt.timedelta(days=1)
    )
    assert readiness(launched, now=NOW)[0].cleared == 0
    Assignment.objects.filter(person=ana, item=hospital.items[1].item).update(
        covered_until=NOW + dt.timedelta(days=30)
    )
    assert readiness(launched, now=NOW)[0].cleared == 1


def test_a_rule_is_refused_with_a_reason(launched, hospital, make_attestation):
    with pytest.raises(ValidationError, match="Name what the people are cleared for"):
        readiness_rule_create(campaign=launched, name=" ", actor=hospital.educator)
    readiness_rule_create(campaign=launched, name="ICU float", actor=hospital.educator)
    with pytest.raises(ValidationError, match="already has a readiness rule"):
        readiness_rule_create(campaign=launched, name="icu FLOAT", actor=hospital.educator)
    other = make_attestation("Not in the bundle").item
    with pytest.raises(ValidationError, match="not Not in the bundle"):
        readiness_rule_create(campaign=launched, name="Other", items=[other], actor=hospital.educator)
    with pytest.raises(PermissionDenied):
        readiness_rule_create(campaign=launched, name="Manager's", actor=hospital.manager)
    assert ReadinessRule.objects.count() == 1


def test_the_progress_page_adds_shows_exports_and_removes_a_rule(client, launched, hospital):
    client.force_login(hospital.educator)
    url = f"/campaigns/{launched.pk}/progress/"
    page = client.get(url).content.decode()
    assert "No readiness rule yet" in page and "Add a readiness rule" in page
    bad = client.post(f"/campaigns/{launched.pk}/readiness/", {"name": ""})
    assert bad.status_code == 400 and "Name what the people are cleared for" in bad.content.decode()
    done = client.post(f"/campaigns/{launched.pk}/readiness/", {"name": "ICU float under team nursing",
                                                              "items": [hospital.items[0].item.pk]})  # fmt: skip
    assert done.status_code == 302 and done["Location"].endswith("#readiness")
    live = client.get(f"/campaigns/{launched.pk}/progress/live/").content.decode()
    assert "Cleared for ICU float under team nursing" in live and "of 5 cleared (40%)" in live
    csv = client.get(f"/campaigns/{launched.pk}/readiness.csv").content.decode().splitlines()
    assert csv[0] == "cleared_for,employee_id,last_name,first_name,unit,job_role,status,missing"
    assert len(csv) == 6 and sum(",cleared," in line for line in csv) == 2
    assert any(
        line.startswith("ICU float under team nursing,E2,Icu,Cy,MICU,RN,not yet,Prone") for line in csv
    )
    client.force_login(hospital.manager)  # follows the campaign, may not change it
    page = client.get(url).content.decode()
    assert "Cleared for ICU float" in page and "Add a readiness rule" not in page
    rule = ReadinessRule.objects.get()
    assert client.post(f"/campaigns/{launched.pk}/readiness/remove/", {"rule": rule.pk}).status_code == 403
    client.force_login(hospital.educator)
    assert client.post(f"/campaigns/{launched.pk}/readiness/remove/", {"rule": rule.pk}).status_code == 302
    assert not ReadinessRule.objects.exists()
