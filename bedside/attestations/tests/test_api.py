"""POST /api/v1/attestations/{item_id}/complete: the caller attests for themselves."""

import pytest
from django.test import Client

from bedside.assignments.models import Assignment, ClosedReason
from bedside.assignments.services import rule_apply
from bedside.records.models import Record, Verb
from bedside.testing import factories as f
from bedside.testing.api import api_url, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(make_person, make_attestation, make_rule):
    """A nurse required to attest to the hand hygiene policy."""
    unit = f.UnitFactory()
    nurse = make_person(unit=unit)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[unit]))
    return nurse, item


def complete(client, item, **kwargs):
    return client.post(api_url("attestations-complete", item_id=item.pk), **kwargs)


def test_token_completes_the_attestation_and_closes_the_requirement(client, required):
    nurse, item = required
    response = complete(client, item, headers=bearer(nurse))
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["id"] == nurse.pk and body["item"]["id"] == item.pk
    assert body["verb"] == Verb.ACKNOWLEDGED
    assert Assignment.objects.get(person=nurse).closed_reason == ClosedReason.COMPLETED


def test_completing_twice_is_harmless(client, required):
    nurse, item = required
    headers = bearer(nurse)
    first = complete(client, item, headers=headers).json()
    second = complete(client, item, headers=headers)
    assert second.status_code == 200
    assert second.json()["id"] == first["id"]
    assert Record.objects.filter(person=nurse, item=item).count() == 1


def test_session_post_without_csrf_token_is_403(required):
    nurse, item = required
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(nurse)
    response = complete(browser, item)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Record.objects.exists()


def test_session_post_with_csrf_token_completes(required):
    nurse, item = required
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(nurse)
    browser.get(api_url("openapi-view"))  # any page that renders a token sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = complete(browser, item, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.content
    assert Record.objects.get().person_id == nurse.pk


def test_token_post_needs_no_csrf_token(required):
    nurse, item = required
    response = complete(Client(enforce_csrf_checks=True), item, headers=bearer(nurse))
    assert response.status_code == 200


def test_anyone_signed_in_may_attest_without_a_requirement(client, required, make_person):
    _, item = required
    visitor = make_person(unit=f.UnitFactory())
    response = complete(client, item, headers=bearer(visitor))
    assert response.status_code == 200
    assert response.json()["person"]["id"] == visitor.pk


def test_unknown_or_retired_attestation_is_404(client, required):
    nurse, item = required
    headers = bearer(nurse)
    other_kind = f.LearningItemFactory(kind="course")
    assert complete(client, other_kind, headers=headers).status_code == 404
    item.active = False
    item.save(update_fields=["active"])
    assert complete(client, item, headers=headers).status_code == 404
    response = client.post(api_url("attestations-complete", item_id=999_999), headers=headers)
    assert response.status_code == 404
    assert not Record.objects.exists()


def test_anonymous_is_401(client, required):
    _, item = required
    assert complete(client, item).status_code == 401
    assert not Record.objects.exists()


def test_get_is_405(client, required):
    nurse, item = required
    response = client.get(api_url("attestations-complete", item_id=item.pk), headers=bearer(nurse))
    assert response.status_code == 405
