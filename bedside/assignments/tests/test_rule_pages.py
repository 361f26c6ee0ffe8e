import datetime as dt

import pytest
from django.urls import reverse

from bedside.assignments.models import Assignment, AssignmentRule
from bedside.audit.models import AuditEntry
from bedside.people.models import Capability
from bedside.records.models import LearningItem
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def educator_world(make_person):
    mine, theirs = f.UnitFactory(name="Medical ICU"), f.UnitFactory(name="Burn Unit")
    nurses = [make_person(unit=mine) for _ in range(3)]
    make_person(unit=theirs)
    educator = make_person(role=None, grants=[(Capability.TEACH, mine)])
    return {"mine": mine, "theirs": theirs, "nurses": nurses, "educator": educator}


FORM = {
    "title": "Restraint and seclusion policy",
    "statement": "I have read the restraint policy and will follow it.",
    "link": "",
    "minutes": "5",
    "due_days": "14",
    "due_from": "assigned",
    "recurrence": "interval",
    "interval_months": "12",
    "grace_days": "0",
}


def test_educator_requires_an_attestation_of_their_unit(
    educator_world, client, django_capture_on_commit_callbacks
):
    client.force_login(educator_world["educator"])
    data = {**FORM, "units": [educator_world["mine"].pk]}
    # First the page says how many people it will assign, and saves nothing yet.
    first = client.post(reverse("attestation-required-new"), data).content.decode()
    assert "This will assign 3 people." in first and not AssignmentRule.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attestation-required-new"), {**data, "confirmed_count": "3"})
    rule = AssignmentRule.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("rule", args=[rule.pk])
    # After commit the rule is applied (the test task backend runs it at once): everyone on the unit now has it due.
    assert sorted(Assignment.objects.values_list("person_id", flat=True)) == sorted(
        p.pk for p in educator_world["nurses"]
    )
    assert rule.interval_months == 12 and rule.recurrence == "interval"
    assert {"attestation.create", "audience.create", "rule.create"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    page = client.get(reverse("rule", args=[rule.pk])).content.decode()
    assert '0</span> <span class="figure-label">of 3 done' in page
    assert "Restraint and seclusion policy" in client.get(reverse("rules")).content.decode()


def test_bad_rule_form_names_each_problem_and_stores_nothing(educator_world, client):
    client.force_login(educator_world["educator"])
    data = {**FORM, "title": "", "interval_months": "", "units": [educator_world["theirs"].pk]}
    response = client.post(reverse("attestation-required-new"), data)
    text = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in text
    assert "Select a valid choice" in text  # a unit outside the educator's scope
    assert "Say how many months" in text and 'href="#id_title"' in text
    assert not LearningItem.objects.exists() and not AssignmentRule.objects.exists()


def test_window_rule_needs_its_dates(educator_world, client):
    client.force_login(educator_world["educator"])
    data = {**FORM, "recurrence": "window", "units": [educator_world["mine"].pk]}
    text = client.post(reverse("attestation-required-new"), data).content.decode()
    assert "A yearly window needs the day and month" in text
    assert not AssignmentRule.objects.exists()


def test_learners_and_managers_cannot_make_rules(make_person, client):
    unit = f.UnitFactory()
    for person in (make_person(unit=unit), make_person(role=None, grants=[(Capability.MANAGE, unit)])):
        client.force_login(person)
        assert client.get(reverse("rules")).status_code == 403
        assert client.post(reverse("attestation-required-new"), FORM).status_code == 403


def test_educators_see_only_rules_of_their_units_and_counts_of_their_people(
    educator_world, make_attestation, make_rule, client
):
    from bedside.assignments.services import rule_apply

    item = make_attestation("Shared policy").item
    both = make_rule(item=item, units=[educator_world["mine"], educator_world["theirs"]], name="Both units")
    other = make_rule(
        item=make_attestation("Burns only").item, units=[educator_world["theirs"]], name="Burns only"
    )
    rule_apply(rule=both)
    rule_apply(rule=other)
    client.force_login(educator_world["educator"])
    listing = client.get(reverse("rules")).content.decode()
    assert "Both units" in listing and "Burns only" not in listing
    assert "0 of 3" in listing  # the other unit's nurse is not counted
    assert client.get(reverse("rule", args=[other.pk])).status_code == 404


def test_a_site_wide_educator_sees_the_rules_of_every_unit_of_their_site(
    make_person, make_attestation, make_rule, client
):
    from django.utils import timezone

    site, other_site = f.SiteFactory(), f.SiteFactory()
    units = [f.UnitFactory(department=f.DepartmentFactory(site=site)) for _ in range(3)]
    elsewhere = f.UnitFactory(department=f.DepartmentFactory(site=other_site))
    mine = [
        make_rule(item=make_attestation(f"Policy {n}").item, units=[u], name=f"Rule {n}")
        for n, u in enumerate(units)
    ]
    site_audience = f.AudienceFactory()
    site_audience.sites.set([site])
    site_wide = f.AssignmentRuleFactory(
        audience=site_audience, item=make_attestation("Site policy").item, name="Whole site"
    )
    theirs = make_rule(item=make_attestation("Other site").item, units=[elsewhere], name="Other site only")
    educator = make_person(role=None, grants=[(Capability.TEACH, site)])
    ended = make_person(
        role=None,
        grants=[(Capability.TEACH, site, None, timezone.localdate() - dt.timedelta(days=1))],
    )

    client.force_login(educator)
    listing = client.get(reverse("rules")).content.decode()
    assert "No training rules yet" not in listing
    assert all(r.name in listing for r in [*mine, site_wide]) and "Other site only" not in listing
    assert client.get(reverse("rule", args=[mine[0].pk])).status_code == 200
    assert client.get(reverse("rule", args=[site_wide.pk])).status_code == 200
    assert client.get(reverse("rule", args=[theirs.pk])).status_code == 404

    unit_educator = make_person(role=None, grants=[(Capability.TEACH, units[1])])
    client.force_login(unit_educator)
    listing = client.get(reverse("rules")).content.decode()
    assert "Whole site" in listing and "Rule 1" in listing and "Rule 0" not in listing

    client.force_login(ended)  # a grant that has ended gives no rules at all
    assert client.get(reverse("rules")).status_code == 403
    assert client.get(reverse("rule", args=[mine[0].pk])).status_code == 403


def test_the_rule_services_refuse_an_actor_outside_the_audience(make_person, make_attestation):
    from django.core.exceptions import PermissionDenied

    from bedside.assignments.rules import rule_create
    from bedside.attestations.services import attestation_create, required_attestation_create
    from bedside.people.services import audience_create

    mine, theirs = f.UnitFactory(), f.UnitFactory()
    learner = make_person(unit=mine)
    educator = make_person(role=None, grants=[(Capability.TEACH, mine)])
    item = make_attestation().item
    with pytest.raises(PermissionDenied, match="educators and curators"):
        attestation_create(title="Hand hygiene", statement="I will.", owner=learner)
    everyone = audience_create(name="Everyone", actor=None)
    both = audience_create(name="Both", actor=None, units=[mine, theirs])
    terms = {"due_days": 14}
    with pytest.raises(PermissionDenied, match="Training rules are for educators"):
        rule_create(
            name="Hygiene", audience=f.AudienceFactory(units=[mine]), item=item, actor=learner, **terms
        )
    with pytest.raises(PermissionDenied, match="units you teach"):
        rule_create(name="Hygiene", audience=both, item=item, actor=educator, **terms)
    with pytest.raises(PermissionDenied, match="whole system"):
        rule_create(name="Hygiene", audience=everyone, item=item, actor=educator, **terms)
    with pytest.raises(PermissionDenied):
        required_attestation_create(
            actor=educator,
            title="Sneaky",
            statement="I will.",
            link="",
            minutes=3,
            units=[theirs],
            job_roles=[],
            terms=terms,
        )
    assert not AssignmentRule.objects.exists() and not LearningItem.objects.filter(title="Sneaky").exists()
    assert rule_create(
        name="Hygiene", audience=f.AudienceFactory(units=[mine]), item=item, actor=educator, **terms
    )
