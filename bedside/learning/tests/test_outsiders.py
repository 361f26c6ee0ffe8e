"""Someone outside the hospital (an outside clinician with no job, a pipeline student) sees only the
courses that are theirs: those they are required to take, enrolled on, or named in the audience of.
The hospital's own courses, their sessions and its learning paths are not theirs to browse or book."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bedside.assignments.cycles import Cycle
from bedside.assignments.services import assignments_create
from bedside.learning import progress, queries, sessions
from bedside.learning.models import Enrolment, Registration
from bedside.learning.paths import path_create, path_step_add
from bedside.testing import factories as f
from bedside.testing.api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(make_person):
    return make_person(role=None, email="visiting@example.org")


@pytest.fixture
def hospital(make_course, make_session, unit):
    internal = make_course(title="Central line care")
    required = make_course(title="Sepsis for students")
    path = path_create(actor=None, title="Nurse residency", department=unit.department)
    path_step_add(path=path, actor=None, course=internal)
    return {
        "internal": internal,
        "session": make_session(internal),
        "required": required,
        "required_session": make_session(required),
        "path": path,
    }


def require(person, course):
    audience = f.AudienceFactory(name=f"{person}", include_persons=[person])
    assignments_create(
        audience=audience, item=course.item, due=timezone.localdate() + dt.timedelta(days=14),
        cycle=Cycle.once(), source="manual",
    )  # fmt: skip


def test_the_catalogue_shows_an_outsider_only_the_courses_that_are_theirs(client, outsider, hospital):
    require(outsider, hospital["required"])
    client.force_login(outsider)

    page = client.get(reverse("learning-catalogue"))

    assert page.status_code == 200
    assert b"Sepsis for students" in page.content
    assert b"Central line care" not in page.content
    assert b"Nurse residency" not in page.content
    listed = client.get(reverse("api:learning-courses-list"), headers=bearer(outsider)).json()["items"]
    assert [c["title"] for c in listed] == ["Sepsis for students"]


def test_staff_still_browse_every_course(client, make_person, unit, hospital):
    nurse = make_person(unit=unit)
    assert {c.title for c in queries.courses_for(nurse)} == {"Central line care", "Sepsis for students"}
    client.force_login(nurse)
    assert b"Nurse residency" in client.get(reverse("learning-catalogue")).content


def test_an_internal_course_its_session_and_path_are_not_found_for_an_outsider(client, outsider, hospital):
    client.force_login(outsider)
    internal, session = hospital["internal"], hospital["session"]

    assert client.get(reverse("course", args=[internal.pk])).status_code == 404
    assert client.post(reverse("course", args=[internal.pk])).status_code == 404
    assert client.get(reverse("session", args=[session.pk])).status_code == 404
    assert client.post(reverse("session", args=[session.pk]), {"action": "register"}).status_code == 404
    assert client.get(reverse("learning-path", args=[hospital["path"].pk])).status_code == 404
    headers = bearer(outsider)
    assert (
        client.get(reverse("api:learning-courses-detail", args=[internal.pk]), headers=headers).status_code
        == 404
    )
    register = client.post(reverse("api:learning-register", args=[session.pk]), headers=headers)
    assert register.status_code == 404
    assert not Enrolment.objects.filter(person=outsider).exists()
    assert not Registration.objects.filter(person=outsider).exists()


def test_the_services_refuse_an_outsider_an_internal_course(outsider, hospital):
    with pytest.raises(ValidationError, match="for the hospital's staff"):
        progress.enrol(person=outsider, course=hospital["internal"])
    with pytest.raises(ValidationError, match="for the hospital's staff"):
        sessions.register(person=outsider, session=hospital["session"])
    assert not Enrolment.objects.filter(person=outsider).exists()
    assert not Registration.objects.filter(person=outsider).exists()


def test_an_outsider_takes_and_books_a_course_they_are_required_to(client, outsider, hospital):
    require(outsider, hospital["required"])
    client.force_login(outsider)
    course, session = hospital["required"], hospital["required_session"]

    assert client.get(reverse("course", args=[course.pk])).status_code == 200
    assert client.post(reverse("course", args=[course.pk])).status_code == 302
    assert client.post(reverse("session", args=[session.pk]), {"action": "register"}).status_code == 302
    assert Enrolment.objects.filter(person=outsider, course=course).exists()
    assert Registration.objects.filter(person=outsider, session=session).exists()


def test_an_outsider_named_in_a_course_audience_may_open_it(outsider, hospital):
    course = hospital["internal"]
    course.audience = f.AudienceFactory(name="Visiting fellows", include_persons=[outsider])
    course.save(update_fields=["audience"])
    assert queries.may_open(outsider, course)
