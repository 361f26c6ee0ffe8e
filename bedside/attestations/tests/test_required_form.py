"""The require-an-attestation form: checkboxes with a filter, the recurrence's own fields, the count first."""

import re

import pytest
from django.urls import reverse

from bedside.assignments.models import AssignmentRule
from bedside.people.models import Capability
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Restraint and seclusion policy",
    "statement": "I have read the restraint policy and will follow it.",
    "minutes": "5",
    "due_days": "14",
    "due_from": "assigned",
    "recurrence": "none",
    "grace_days": "0",
}


@pytest.fixture
def world(make_person):
    icu, ward, theirs = (f.UnitFactory(name=n) for n in ("Medical ICU", "Medicine 7 North", "Burn Unit"))
    for unit, count in ((icu, 3), (ward, 2), (theirs, 4)):
        for _ in range(count):
            make_person(unit=unit)
    make_person(unit=ward, role="RT")
    educator = make_person(role=None, grants=[(Capability.TEACH, icu), (Capability.TEACH, ward)])
    return {"icu": icu, "ward": ward, "theirs": theirs, "educator": educator}


def test_units_are_checkboxes_with_a_filter_not_a_multi_select(world, client):
    client.force_login(world["educator"])
    text = client.get(reverse("attestation-required-new")).content.decode()
    assert "<select" not in text.split('id="id_units"')[1].split("</fieldset>")[0]
    assert text.count('type="checkbox" name="units"') == 2  # only the educator's units
    assert "Burn Unit" not in text
    assert "data-filter-input" in text and "js/forms.js" in text
    assert "Hold Ctrl" not in text


def test_recurrence_fields_are_grouped_by_the_choice_they_belong_to(world, client):
    client.force_login(world["educator"])
    text = client.get(reverse("attestation-required-new")).content.decode()
    interval = text.split('data-recurrence-fields="interval"')[1].split("data-recurrence-fields")[0]
    window = text.split('data-recurrence-fields="window"')[1]
    assert 'name="interval_months"' in interval and 'name="window_start_day"' not in interval
    assert 'name="window_start_day"' in window and 'name="window_end_month"' in window


def test_live_count_says_how_many_the_chosen_units_and_roles_hold(world, client):
    client.force_login(world["educator"])
    url = reverse("attestation-required-audience")
    both = client.post(url, {"units": [world["icu"].pk, world["ward"].pk]}).content.decode()
    assert "This will assign 6 people." in both and 'name="confirmed_count" value="6"' in both
    rt = f.JobRoleFactory(code="RT")
    assert (
        "This will assign 1 person."
        in client.post(url, {"units": [world["ward"].pk], "job_roles": [rt.pk]}).content.decode()
    )


def test_live_count_refuses_units_outside_the_scope_and_people_who_make_no_rules(world, make_person, client):
    client.force_login(world["educator"])
    text = client.post(
        reverse("attestation-required-audience"), {"units": [world["theirs"].pk]}
    ).content.decode()
    assert "This will assign" not in text and "confirmed_count" not in text
    client.force_login(make_person(unit=world["icu"]))
    assert (
        client.post(reverse("attestation-required-audience"), {"units": [world["icu"].pk]}).status_code == 403
    )


def test_without_the_count_seen_the_form_asks_to_confirm_and_saves_nothing(world, client):
    client.force_login(world["educator"])
    data = {**FORM, "units": [world["icu"].pk]}
    page = client.post(reverse("attestation-required-new"), data).content.decode()
    assert "This will assign 3 people." in page and "Save and assign 3 people" in page
    assert 'value="Restraint and seclusion policy"' in page  # what was typed stays
    assert not AssignmentRule.objects.exists()
    # The audience changed since the count was shown: ask again.
    stale = client.post(reverse("attestation-required-new"), {**data, "units": [world["icu"].pk, world["ward"].pk],
                                                               "confirmed_count": "3"})  # fmt: skip
    assert "This will assign 6 people." in stale.content.decode() and not AssignmentRule.objects.exists()
    done = client.post(reverse("attestation-required-new"), {**data, "confirmed_count": "3"})
    assert done.status_code == 302 and AssignmentRule.objects.count() == 1


def test_error_summary_links_to_each_field_including_the_checkbox_group(world, client):
    client.force_login(world["educator"])
    text = client.post(reverse("attestation-required-new"), {**FORM, "title": ""}).content.decode()
    links = re.findall(r'<li><a href="#([^"]+)">', text)
    assert links == ["id_title", "id_units"]
    assert 'id="id_units"' in text and 'id="id_title"' in text
    assert 'class="error-summary" role="alert"' in text and 'tabindex="-1"' in text


@pytest.mark.parametrize("field", ["units", "job_roles"])
def test_an_id_beyond_any_database_id_is_an_unknown_choice_and_nothing_is_stored(world, client, field):
    # pk__in with 2**63 overflowed SQLite's integer and answered 500.
    client.force_login(world["educator"])
    data = {**FORM, "units": [world["icu"].pk], field: [str(2**63)], "confirmed_count": "3"}
    response = client.post(reverse("attestation-required-new"), data)
    assert response.status_code == 200
    assert f"{2**63} is not one of the available choices" in response.content.decode()
    assert not AssignmentRule.objects.exists()
    live = client.post(reverse("attestation-required-audience"), {field: ["9" * 30]})
    assert live.status_code == 200
