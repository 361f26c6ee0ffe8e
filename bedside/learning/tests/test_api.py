"""The learning API: courses and sessions to read, a place to take or give up, for yourself."""

import pytest

from bedside.learning.models import Registration
from bedside.testing.api import bearer

pytestmark = pytest.mark.django_db


def test_courses_sessions_and_a_place(client, make_person, make_course, make_session, unit):
    course = make_course(title="Central line care")
    session = make_session(course, seats=1)
    nurse, other = make_person(unit=unit), make_person(unit=unit)
    rows = client.get("/api/v1/courses", headers=bearer(nurse)).json()["items"]
    assert [r["title"] for r in rows] == ["Central line care"]
    assert client.get(f"/api/v1/courses/{course.pk}", headers=bearer(nurse)).json()["modality"] == "blended"
    (listed,) = client.get(f"/api/v1/courses/{course.pk}/sessions", headers=bearer(nurse)).json()
    assert listed["seats"] == 1 and listed["seats_taken"] == 0
    first = client.post(f"/api/v1/sessions/{session.pk}/register", headers=bearer(nurse)).json()
    again = client.post(f"/api/v1/sessions/{session.pk}/register", headers=bearer(nurse)).json()
    assert first == again and first["status"] == "registered"
    assert (
        client.post(f"/api/v1/sessions/{session.pk}/register", headers=bearer(other)).json()["status"]
        == "waitlisted"
    )
    assert (
        client.post(f"/api/v1/sessions/{session.pk}/cancel", headers=bearer(nurse)).json()["status"]
        == "cancelled"
    )
    assert Registration.objects.get(person=other).status == "registered"
    response = client.post(f"/api/v1/sessions/{session.pk}/cancel", headers=bearer(nurse))
    assert response.status_code == 404


def test_a_clash_is_a_400_with_the_reason(client, make_person, make_course, make_session, unit):
    from bedside.testing import factories as f

    session = make_session(make_course())
    nurse = make_person(unit=unit)
    f.ShiftFactory(person=nurse, unit=unit, start=session.starts_at, end=session.ends_at)
    response = client.post(f"/api/v1/sessions/{session.pk}/register", headers=bearer(nurse))
    assert response.status_code == 400 and "overlaps your shift" in response.json()["detail"]
    assert client.get("/api/v1/courses/999999", headers=bearer(nurse)).status_code == 404


def test_a_course_search_holding_a_nul_character_is_a_422(client, make_person, unit):
    # PostgreSQL cannot compare text holding a NUL: the search answered 500 there.
    response = client.get("/api/v1/courses", {"q": "line\x00care"}, headers=bearer(make_person(unit=unit)))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]
