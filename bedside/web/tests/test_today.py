"""The pages `web` serves: Today, health, and what every response carries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bedside.assignments.models import Assignment
from bedside.records.models import Record
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("today"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_today_orders_overdue_first_and_shows_upcoming_shifts(
    unit_with_rules, client, django_assert_max_num_queries
):
    nurse = unit_with_rules["nurses"][0]
    late = Assignment.objects.filter(person=nurse).order_by("pk").last()
    past = timezone.now() - dt.timedelta(days=2)
    Assignment.objects.filter(pk=late.pk).update(due_at=past, overdue_at=past)
    f.ShiftFactory(person=nurse, unit=unit_with_rules["unit"])
    client.force_login(nurse)
    # Each Today section costs its own few queries; the library's "What changed" asks two (audiences, versions).
    with django_assert_max_num_queries(14):
        page = client.get(reverse("today"))
    text = page.content.decode()
    assert text.index(late.item.title) < text.index("Policy 0")
    assert "Overdue" in text and "Your next shifts" in text and "Medical ICU" in text


def test_today_empty_state_says_what_to_do(make_person, client):
    client.force_login(make_person())
    assert "Nothing is due. You are up to date." in client.get(reverse("today")).content.decode()


def test_an_outside_clinician_with_no_job_is_not_told_about_their_units_roster(make_person, client):
    client.force_login(make_person(role=None, unit=None))
    text = client.get(reverse("today")).content.decode()
    assert "Nothing is due" in text and "Your next shifts" not in text
    client.force_login(make_person())  # staff with no shift yet: the section says where shifts come from
    assert "Your unit's schedule is imported from the roster" in client.get(reverse("today")).content.decode()


def test_attestation_post_twice_records_once_per_requirement(unit_with_rules, client):
    nurse, item = unit_with_rules["nurses"][0], unit_with_rules["items"][0]
    client.force_login(nurse)
    url = reverse("attestation", args=[item.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Record.objects.filter(person=nurse, item=item).count() == 1
    assert "You attested on" in client.get(url).content.decode()


def test_health_reports_database_migrations_and_queue(client):
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok" and body["migrations_pending"] == 0 and body["queue_depth"] == 0


def test_responses_carry_a_request_id_and_a_strict_csp(client):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
