"""Shared workstations: no browser or proxy keeps a copy of anything personal."""

import pytest
from django.urls import reverse

from bedside.testing.api import api_url, bearer

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def manager(make_person, make_unit):
    unit = make_unit(name="Medical ICU")
    return make_person(unit=unit, role="NM", grants=[("manage", unit)])


@pytest.mark.parametrize("name", ["today", "my-transcript", "compliance"])
def test_personal_pages_are_no_store(client, manager, name):
    client.force_login(manager)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize("name,kwargs", [("compliance-export", {"fmt": "csv"}), ("my-transcript-csv", {})])
def test_exports_are_no_store(client, manager, name, kwargs):
    client.force_login(manager)
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    assert _no_store(response)


def test_api_answers_are_no_store_for_a_token_and_for_anonymous(client, manager):
    assert _no_store(client.get(api_url("persons-list"), headers=bearer(manager)))
    anonymous = client.get(api_url("persons-list"))
    assert anonymous.status_code == 401 and _no_store(anonymous)


def test_public_static_files_keep_their_caching_for_a_signed_in_person(client, manager, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(manager)
    response = client.get("/static/css/bedside.css")
    assert response.status_code == 200
    assert not _no_store(response)
    assert "max-age" in response["Cache-Control"]
