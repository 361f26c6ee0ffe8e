"""The API's authentication, its persons / units endpoints, the OpenAPI document and issue-token."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from bedside.api import api
from bedside.people.models import ApiToken, PersonStatus, UnitTag
from bedside.testing import factories as f
from bedside.testing.api import api_url, bearer, ids

pytestmark = pytest.mark.django_db


# Authentication --------------------------------------------------------------------------


def test_anonymous_gets_401_with_a_reason(client):
    response = client.get(api_url("persons-list"))
    assert response.status_code == 401
    assert "sign in" in response.json()["detail"].lower()


def test_anonymous_post_is_401_not_a_csrf_403(client, make_attestation):
    item = make_attestation().item
    response = client.post(api_url("attestations-complete", item_id=item.pk))
    assert response.status_code == 401


def test_token_acts_as_its_person(client, ward):
    response = client.get(api_url("persons-list"), headers=bearer(ward["nurse"]))
    assert response.status_code == 200
    assert ids(response) == [ward["nurse"].pk]
    assert ApiToken.objects.get().last_used_at is not None


def test_revoked_token_is_401_even_with_a_session(client, ward):
    headers = bearer(ward["nurse"])
    ApiToken.objects.update(revoked_at=timezone.now())
    client.force_login(ward["admin"])
    response = client.get(api_url("persons-list"), headers=headers)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer bsd_not-a-real-token", "Bearer ", "Basic YTpi", "bsd_xyz"])
def test_unknown_or_malformed_token_is_401(client, header):
    response = client.get(api_url("persons-list"), headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_token_of_a_person_who_may_not_sign_in_is_401(client, ward):
    headers = bearer(ward["nurse"])
    ward["nurse"].is_active = False
    ward["nurse"].save(update_fields=["is_active"])
    assert client.get(api_url("persons-list"), headers=headers).status_code == 401


def test_signed_in_session_reads_without_a_token(client, ward):
    client.force_login(ward["nurse"])
    response = client.get(api_url("persons-detail", person_id=ward["nurse"].pk))
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ana Diaz"


# Persons ---------------------------------------------------------------------------------


def test_learner_lists_only_themselves(client, ward):
    response = client.get(api_url("persons-list"), headers=bearer(ward["nurse"]))
    assert ids(response) == [ward["nurse"].pk]
    assert response.json()["count"] == 1


def test_learner_gets_403_for_a_colleague_like_for_nobody(client, ward):
    headers = bearer(ward["nurse"])
    colleague = client.get(api_url("persons-detail", person_id=ward["colleague"].pk), headers=headers)
    nobody = client.get(api_url("persons-detail", person_id=999_999), headers=headers)
    assert colleague.status_code == nobody.status_code == 403  # they oversee no one: the id tells nothing
    assert colleague.json() == nobody.json()
    own = client.get(api_url("persons-detail", person_id=ward["nurse"].pk), headers=headers)
    assert own.status_code == 200


def test_manager_sees_the_persons_of_their_unit_and_404_outside(client, ward):
    headers = bearer(ward["manager"])
    listed = client.get(api_url("persons-list"), headers=headers)
    assert set(ids(listed)) == {ward["nurse"].pk, ward["colleague"].pk, ward["manager"].pk}
    inside = client.get(api_url("persons-detail", person_id=ward["nurse"].pk), headers=headers)
    assert inside.status_code == 200
    assert inside.json()["jobs"][0]["unit"]["id"] == ward["icu"].pk
    outside = client.get(api_url("persons-detail", person_id=ward["outsider"].pk), headers=headers)
    assert outside.status_code == 404


def test_admin_sees_everyone(client, ward):
    response = client.get(api_url("persons-list"), headers=bearer(ward["admin"]))
    assert response.json()["count"] == 5


def test_persons_filters(client, ward):
    headers = bearer(ward["admin"])
    ward["colleague"].status = PersonStatus.LEAVE
    ward["colleague"].save(update_fields=["status"])

    def found(**params):
        return set(ids(client.get(api_url("persons-list"), params, headers=headers)))

    assert found(unit=ward["ward"].pk) == {ward["outsider"].pk}
    assert found(unit=ward["icu"].pk, role="RT") == {ward["colleague"].pk}
    assert found(status="leave") == {ward["colleague"].pk}
    assert found(q="ana diaz") == {ward["nurse"].pk}
    assert found(q=ward["outsider"].employee_id) == {ward["outsider"].pk}
    assert found(q="nobody-by-this-name") == set()


def test_persons_are_paginated_in_name_order(client, ward):
    headers = bearer(ward["admin"])
    first = client.get(api_url("persons-list"), {"page_size": 4}, headers=headers).json()
    second = client.get(api_url("persons-list"), {"page_size": 4, "page": 2}, headers=headers).json()
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == 4 and len(second["items"]) == 1
    names = [p["last_name"] for p in first["items"] + second["items"]]
    assert names == sorted(names)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "foo"},
        {"unit": "icu"},
        {"unit": 0},
        {"unit": 10**30},
        {"page": 0},
        {"page_size": 201},
        {"q": "x" * 101},
    ],
)
def test_bad_person_filters_are_422_with_a_reason(client, ward, params):
    response = client.get(api_url("persons-list"), params, headers=bearer(ward["admin"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


def test_persons_list_does_not_grow_a_query_per_row(client, ward, make_person, django_assert_max_num_queries):
    for _ in range(30):
        make_person(unit=ward["icu"])
    headers = bearer(ward["manager"])
    with django_assert_max_num_queries(6):
        response = client.get(api_url("persons-list"), {"page_size": 200}, headers=headers)
    assert response.json()["count"] == 33


# Units -----------------------------------------------------------------------------------


def test_any_signed_in_person_lists_and_opens_units(client, ward):
    headers = bearer(ward["nurse"])
    listed = client.get(api_url("units-list"), headers=headers).json()
    assert [u["name"] for u in listed["items"]] == ["Medical ICU", "Surgical ward"]
    opened = client.get(api_url("units-detail", unit_id=ward["ward"].pk), headers=headers)
    assert opened.status_code == 200
    assert opened.json()["site"]["id"] == ward["ward"].site_id


def test_units_filters(client, ward):
    headers = bearer(ward["nurse"])

    def found(**params):
        return [u["id"] for u in client.get(api_url("units-list"), params, headers=headers).json()["items"]]

    assert found(site=ward["ward"].site_id) == [ward["ward"].pk]
    assert found(kind="icu") == [ward["icu"].pk]
    assert client.get(api_url("units-list"), {"kind": "spa"}, headers=headers).status_code == 422
    assert client.get(api_url("units-detail", unit_id=999_999), headers=headers).status_code == 404


def test_units_list_does_not_grow_a_query_per_row(client, ward, django_assert_max_num_queries):
    magnet = UnitTag.objects.create(name="Magnet")
    for _ in range(20):
        f.UnitFactory().tags.add(magnet)
    headers = bearer(ward["nurse"])
    with django_assert_max_num_queries(5):
        response = client.get(api_url("units-list"), {"page_size": 200}, headers=headers)
    assert response.json()["count"] == 22


# The OpenAPI document and its docs ---------------------------------------------------------


def test_openapi_document_is_public_json_with_every_path(client):
    response = client.get(api_url("openapi-json"))
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/persons",
        "/api/v1/persons/{person_id}",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/shifts",
        "/api/v1/assignments",
        "/api/v1/records",
        "/api/v1/attestations/{item_id}/complete",
    } <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SignedInSession"}


def test_docs_page_is_public_and_serves_its_own_scripts(client):
    response = client.get(api_url("openapi-view"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "ninja/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page


def test_docs_answer_get_only(client):
    assert client.post(api_url("openapi-json")).status_code == 405
    assert client.post(api_url("openapi-view")).status_code == 405


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (
            PermissionDenied("Only the assignee can complete this."),
            403,
            "Only the assignee can complete this.",
        ),
        (ValidationError({"due": ["Pick a date.", "Not a Sunday."]}), 400, "Pick a date. Not a Sunday."),
    ],
)
def test_service_refusals_become_json_4xx(rf, exc, status, detail):
    response = api.on_exception(rf.post("/api/v1/x"), exc)
    assert response.status_code == status
    assert json.loads(response.content) == {"detail": detail}


# issue-token -----------------------------------------------------------------------------


def test_issue_token_prints_a_token_that_works(client, ward):
    out = StringIO()
    call_command("issue_token", ward["nurse"].email.upper(), "LMS sync", stdout=out, stderr=StringIO())
    token = out.getvalue().strip()
    assert token.startswith("bsd_")
    assert ApiToken.objects.get().name == "LMS sync"
    assert token not in str(ApiToken.objects.values().get())
    response = client.get(api_url("persons-list"), headers={"Authorization": f"Bearer {token}"})
    assert ids(response) == [ward["nurse"].pk]


def test_issue_token_refuses_an_unknown_email():
    with pytest.raises(CommandError, match="No person"):
        call_command("issue_token", "nobody@example.org", "LMS sync", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_a_nul_byte_in_a_search_is_refused_not_a_500(make_person, client):
    client.force_login(make_person())
    assert client.get("/api/v1/persons?q=%00").status_code == 422
    assert client.get("/api/v1/persons?role=%00").status_code == 422


def test_the_openapi_document_says_a_person_may_be_refused_with_403(client):
    document = client.get("/api/v1/openapi.json").json()
    answers = document["paths"]["/api/v1/persons/{person_id}"]["get"]["responses"]
    assert {"200", "403"} <= set(answers)
