import pytest
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse

from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.web.errors import server_error

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def _in_layout(text: str) -> bool:
    return "Skip to content" in text and 'class="site-header"' in text


def test_a_learner_opening_someone_elses_record_gets_a_403_page_that_says_why(make_person, client):
    unit = f.UnitFactory()
    learner, colleague = make_person(unit=unit), make_person(unit=unit)
    client.force_login(learner)
    response = client.get(reverse("person-transcript", args=[colleague.pk]))
    text = response.content.decode()
    assert response.status_code == 403 and _in_layout(text)
    assert "You can only see your own record" in text and "Go to Today" in text
    assert "403 Forbidden" not in text


def test_a_manager_opening_someone_outside_their_units_gets_the_same_404_as_for_no_one(make_person, client):
    unit = f.UnitFactory()
    manager = make_person(role=None, grants=[(Capability.MANAGE, unit)])
    stranger = make_person(unit=f.UnitFactory())
    client.force_login(manager)
    outside = client.get(reverse("person-transcript", args=[stranger.pk]))
    nobody = client.get(reverse("person-transcript", args=[999_999]))
    assert outside.status_code == nobody.status_code == 404
    assert _main(outside) == _main(nobody)
    assert _in_layout(outside.content.decode())
    assert "You can only see people on your units" in outside.content.decode()
    unit_out = client.get(reverse("compliance-unit", args=[f.UnitFactory().pk]))
    assert unit_out.status_code == 404 and "not one of them" in unit_out.content.decode()


def test_an_unknown_address_gets_a_404_page_in_the_layout(client, make_person):
    client.force_login(make_person())
    response = client.get("/no/such/page/")
    text = response.content.decode()
    assert response.status_code == 404 and _in_layout(text)
    assert "There is no such page" in text and "Go to Today" in text


def test_the_500_page_renders_in_the_layout_without_the_database():
    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    request = RequestFactory().get("/today/")
    with connections["default"].execute_wrapper(refuse):
        response = server_error(request)
    text = response.content.decode()
    assert response.status_code == 500 and _in_layout(text)
    assert "Something went wrong on our side" in text and "go to Today" in text


def test_an_anonymous_reader_with_a_dead_link_is_sent_to_the_public_library_not_to_today(client):
    response = client.get("/open/r/no-such-guidance/")
    text = _main(response)
    assert response.status_code == 404 and _in_layout(response.content.decode())
    assert reverse("public-home") in text and reverse("login") in text
    assert "Go to Today" not in text


def test_a_form_sent_from_a_stale_page_gets_a_page_in_the_layout_that_says_how_to_send_it_again(make_person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_person())
    form_page = "http://testserver" + reverse("today")
    response = client.post(reverse("logout"), HTTP_REFERER=form_page)
    text = response.content.decode()
    assert response.status_code == 403 and _in_layout(text)
    assert "This form could not be sent" in text and "nothing was saved" in text
    assert f'href="{form_page}"' in text and "Go to Today" in text
    assert "CSRF verification failed" not in text and "Forbidden" not in text


def test_the_stale_form_page_offers_no_link_back_to_another_site():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a@b.c"}, HTTP_REFERER="https://evil.example/x")
    text = response.content.decode()
    assert response.status_code == 403 and "evil.example" not in text
    assert "Go back and reload the page" in text and reverse("login") in text
