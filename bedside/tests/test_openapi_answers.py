"""The OpenAPI document lists the error answers each operation really gives."""

import pytest

from bedside.api import api
from bedside.testing.api import api_url, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def operations():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_every_operation_lists_its_success_401_and_422(operations):
    for name, operation in operations.items():
        answers = set(map(str, operation["responses"]))
        assert {"401", "422"} <= answers, name
        # A success: 200, or 201 for a POST that creates something (a question asked at an event).
        assert "200" in answers or (name.startswith("POST ") and "201" in answers), name


# Operations without a path parameter whose body names an object that may not exist or lie outside
# the caller's scope (a card added to a deck by its id).
BODY_NAMES_AN_OBJECT = {"POST /api/v1/drills/authoring/cards"}


def test_operations_with_a_path_parameter_list_404_and_the_others_do_not(operations):
    for name, operation in operations.items():
        has_404 = 404 in operation["responses"]
        assert has_404 == ("{" in name or name in BODY_NAMES_AN_OBJECT), name


def test_date_time_filters_list_400_and_session_posts_list_403(operations):
    assert 400 in operations["GET /api/v1/shifts"]["responses"]
    assert 400 in operations["GET /api/v1/records"]["responses"]
    assert 400 not in operations["GET /api/v1/units"]["responses"]
    assert 403 in operations["POST /api/v1/attestations/{item_id}/complete"]["responses"]


def test_documented_error_bodies_are_what_the_api_sends(client, make_person):
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    schemas = document["components"]["schemas"]
    headers = bearer(make_person())

    missing = client.get(api_url("units-detail", unit_id=999_999), headers=headers).json()
    invalid = client.get("/api/v1/units/not-a-number", headers=headers).json()
    anonymous = client.get(api_url("units-list")).json()

    assert set(missing) == set(anonymous) == set(schemas["Error"]["required"]) == {"detail"}
    assert isinstance(missing["detail"], str) and isinstance(anonymous["detail"], str)
    problem = invalid["detail"][0]
    assert set(schemas["InvalidInput"]["properties"]["detail"]["items"]["required"]) <= set(problem)


@pytest.mark.parametrize("value", ["0.5", "1700000000", "-3"])
def test_a_bare_number_is_not_read_as_seconds_since_1970(client, make_person, value):
    response = client.get(api_url("shifts-list"), {"to": value}, headers=bearer(make_person()))
    assert response.status_code == 422
    assert "ISO 8601" in str(response.json()["detail"])
