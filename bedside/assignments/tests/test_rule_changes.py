"""Rules also take away: pausing or changing a rule closes what no longer applies, in the background."""

import pytest
from django.urls import reverse

from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason
from bedside.assignments.rules import (
    rule_pause,
    rule_reconcile,
    rule_resume,
    rule_update,
    rules_reconcile_all,
)
from bedside.assignments.services import rule_apply
from bedside.audit.models import AuditEntry
from bedside.core.periodic import periodic_jobs
from bedside.people.models import Capability
from bedside.records.models import Verb
from bedside.records.services import record_add
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(make_person, make_attestation, make_rule):
    icu, floor = f.UnitFactory(name="Medical ICU"), f.UnitFactory(name="Floor 4")
    icu_nurses = [make_person(unit=icu) for _ in range(3)]
    floor_nurse = make_person(unit=floor)
    item = make_attestation("Sedation policy").item
    rule = make_rule(item=item, units=[icu])
    rule_apply(rule=rule)
    educator = make_person(role=None, grants=[(Capability.TEACH, icu)])
    return {"icu": icu, "floor": floor, "nurses": icu_nurses, "floor_nurse": floor_nurse, "item": item,
            "rule": rule, "educator": educator}  # fmt: skip


def test_pausing_a_rule_closes_its_open_requirements_and_keeps_completions(
    ward, django_capture_on_commit_callbacks
):
    done = ward["nurses"][0]
    record_add(person=done, item=ward["item"], verb=Verb.ACKNOWLEDGED, by=done)
    with django_capture_on_commit_callbacks(execute=True):
        assert rule_pause(rule=ward["rule"], actor=ward["educator"])
    reasons = dict(Assignment.objects.values_list("person_id", "closed_reason"))
    assert reasons.pop(done.pk) == ClosedReason.COMPLETED
    assert set(reasons.values()) == {ClosedReason.NO_LONGER_REQUIRED}
    assert AuditEntry.objects.filter(action="rule.pause").count() == 1
    assert AuditEntry.objects.filter(action="assignment.close.no_longer_required").count() == 2
    assert rule_apply(rule=ward["rule"]) == 0  # a paused rule requires nothing


def test_resuming_a_rule_requires_its_people_again(ward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rule_pause(rule=ward["rule"], actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert rule_resume(rule=ward["rule"], actor=None)
    assert set(Assignment.objects.values_list("closed_reason", flat=True)) == {ClosedReason.OPEN}


def test_changing_the_audience_closes_what_no_longer_applies_and_requires_the_new_members(ward):
    audience = f.AudienceFactory(units=[ward["floor"]])
    with_commit_ignored = rule_update(rule=ward["rule"], actor=None, audience=audience)
    assert "audience" in with_commit_ignored
    result = rule_reconcile(rule=ward["rule"], actor=None)
    assert result == {"closed_no_longer_required": 3, "taken_over": 0, "created": 1}
    open_rows = Assignment.objects.filter(closed_at__isnull=True)
    assert list(open_rows.values_list("person_id", flat=True)) == [ward["floor_nurse"].pk]


def test_changing_the_item_closes_the_old_items_requirements(ward, make_attestation):
    other = make_attestation("Falls policy").item
    rule_update(rule=ward["rule"], actor=None, item=other)
    rule_reconcile(rule=ward["rule"], actor=None)
    old = Assignment.objects.filter(item=ward["item"])
    assert set(old.values_list("closed_reason", flat=True)) == {ClosedReason.NO_LONGER_REQUIRED}
    assert Assignment.objects.filter(item=other, closed_at__isnull=True).count() == 3


def test_a_requirement_another_rule_still_asks_for_stays_open_under_that_rule(ward, make_rule):
    second = make_rule(item=ward["item"], units=[ward["icu"]])
    rule_update(rule=ward["rule"], actor=None, audience=f.AudienceFactory(units=[ward["floor"]]))
    result = rule_reconcile(rule=ward["rule"], actor=None)
    assert result["taken_over"] == 3 and result["closed_no_longer_required"] == 0
    kept = Assignment.objects.filter(person__in=ward["nurses"])
    assert set(kept.values_list("rule_id", "closed_at")) == {(second.pk, None)}


def test_the_nightly_pass_closes_what_a_rule_paused_outside_the_services_left_open(ward):
    AssignmentRule.objects.filter(pk=ward["rule"].pk).update(active=False)
    assert rules_reconcile_all()["closed_no_longer_required"] == 3
    assert rules_reconcile_all()["closed_no_longer_required"] == 0
    assert "assignments.rules_reconcile_all" in {job.name for job in periodic_jobs()}


def test_an_edit_that_changes_nothing_writes_nothing(ward):
    assert rule_update(rule=ward["rule"], actor=None, name=ward["rule"].name) == {}
    assert not AuditEntry.objects.filter(action="rule.update").exists()


# Pages: /rules/<id>/edit/ and /rules/<id>/pause/


def test_an_educator_cannot_edit_or_pause_a_rule_of_another_unit(ward, make_person, make_rule, client):
    other_rule = make_rule(item=ward["item"], units=[ward["floor"]])
    client.force_login(ward["educator"])
    assert client.get(reverse("rule-edit", args=[other_rule.pk])).status_code == 404
    assert client.post(reverse("rule-pause", args=[other_rule.pk]), {"action": "pause"}).status_code == 404
    client.force_login(ward["nurses"][0])
    assert client.post(reverse("rule-pause", args=[ward["rule"].pk]), {"action": "pause"}).status_code == 403
    assert AssignmentRule.objects.filter(active=True).count() == 2


def _edit_form(rule, **changes) -> dict:
    data = {"name": rule.name, "units": [u.pk for u in rule.audience.units.all()], "due_days": rule.due_days,
            "due_from": rule.due_from, "recurrence": rule.recurrence, "grace_days": rule.grace_days}  # fmt: skip
    return {**data, **changes}


def test_an_educator_sees_whom_an_edit_affects_before_it_is_saved(
    ward, client, django_capture_on_commit_callbacks
):
    client.force_login(ward["educator"])
    rule = ward["rule"]
    form_page = client.get(reverse("rule-edit", args=[rule.pk])).content.decode()
    assert f"Edit “{rule.name}”" in form_page and "Check whom it affects" in form_page
    data = _edit_form(rule, job_roles=[f.JobRoleFactory(code="RT").pk])  # only respiratory therapists
    first = client.post(reverse("rule-edit", args=[rule.pk]), data)
    text = first.content.decode()
    assert first.status_code == 200 and "This will affect 3 people" in text and "3 leave" in text
    rule.refresh_from_db()
    assert not rule.audience.job_roles.exists()  # nothing saved yet
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(reverse("rule-edit", args=[rule.pk]), {**data, "confirm": "1"}, follow=True)
    assert "Saved. The change reaches everyone it affects" in saved.content.decode()
    assert set(Assignment.objects.values_list("closed_reason", flat=True)) == {
        ClosedReason.NO_LONGER_REQUIRED
    }
    assert AuditEntry.objects.filter(action="rule.update", actor=ward["educator"]).exists()


def test_a_bad_edit_names_the_problem_and_saves_nothing(ward, client):
    client.force_login(ward["educator"])
    data = _edit_form(
        ward["rule"], recurrence="interval", interval_months="", units=[ward["floor"].pk], confirm="1"
    )
    text = client.post(reverse("rule-edit", args=[ward["rule"].pk]), data).content.decode()
    assert "Say how many months" in text and "Select a valid choice" in text
    assert not AuditEntry.objects.filter(action="rule.update").exists()


def test_an_educator_pauses_and_resumes_a_rule_from_its_page(
    ward, client, django_capture_on_commit_callbacks
):
    client.force_login(ward["educator"])
    url = reverse("rule-pause", args=[ward["rule"].pk])
    assert "3 open requirements close" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"action": "pause"}, follow=True).content.decode()
    assert f"Paused “{ward['rule'].name}”" in page and "Resume" in page
    assert Assignment.objects.filter(closed_at__isnull=True).count() == 0
    again = client.post(url, {"action": "pause"}, follow=True).content.decode()  # a double submit
    assert "was already paused" in again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "resume"})
    assert Assignment.objects.filter(closed_at__isnull=True).count() == 3


def test_admin_edits_go_through_the_services_and_apply_in_the_background(
    ward, make_person, client, django_capture_on_commit_callbacks
):
    admin = make_person(role=None, is_staff=True, is_superuser=True, grants=[(Capability.ADMINISTER, None)])
    client.force_login(admin)
    rule = ward["rule"]
    url = reverse("admin:assignments_assignmentrule_change", args=[rule.pk])
    data = {"name": rule.name, "audience": rule.audience_id, "item": rule.item_id, "due_days": 30,
            "due_from": "assigned", "recurrence": "none", "renewal_window_days": 60, "grace_days": 0}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, data)  # "active" unchecked: pause
    assert response.status_code == 302
    assert Assignment.objects.filter(closed_at__isnull=True).count() == 3  # nothing applied in the request
    for callback in callbacks:
        callback()
    assert Assignment.objects.filter(closed_at__isnull=True).count() == 0
    assert AuditEntry.objects.filter(action="rule.pause", actor=admin).exists()
