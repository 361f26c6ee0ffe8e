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
