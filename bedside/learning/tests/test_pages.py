"""The learning pages, as a client: a learner goes through a course, books, checks in; an instructor marks."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from bedside.learning import attendance, progress
from bedside.learning.models import ModuleKind, QuizAttempt, Registration, RegistrationStatus
from bedside.records.models import Record, Verb

pytestmark = pytest.mark.django_db


def test_catalogue_filters_by_modality_and_length(client, make_person, make_course, unit):
    make_course(title="Central line care")
    client.force_login(make_person(unit=unit))
    page = client.get(reverse("learning-catalogue")).content.decode()
    assert "Central line care" in page
    page = client.get(reverse("learning-catalogue"), {"modality": "online"}).content.decode()
    assert "Central line care" not in page and "No course matches" in page
    page = client.get(reverse("learning-catalogue"), {"duration": "15", "q": "central"}).content.decode()
    assert "Central line care" in page  # reading 5 + quiz 5 minutes


def test_a_learner_goes_through_the_online_part_and_resumes(client, make_person, make_course, unit):
    course = make_course()
    nurse = make_person(unit=unit)
    client.force_login(nurse)
    assert "Start the course" in client.get(reverse("course", args=[course.pk])).content.decode()
    response = client.post(reverse("course", args=[course.pk]))
    reading, quiz = progress.open_enrolment(nurse, course).revision.modules.all()
    assert response["Location"] == reverse("course-module", args=[reading.pk])
    assert "I have read this" in client.get(response["Location"]).content.decode()
    response = client.post(reverse("course-module", args=[reading.pk]))
    assert response["Location"] == reverse("course-module", args=[quiz.pk])
    assert f"Resume: {quiz.title}" in client.get(reverse("course", args=[course.pk])).content.decode()
    response = client.post(reverse("course-module", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    assert response["Location"] == reverse("quiz-attempt", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Submit answers" in page
    form = {
        f"q{aq.position}": [c.pk for c in aq.question.choices.all() if c.correct]
        for aq in attempt.questions.select_related("question")
    }
    client.post(reverse("quiz-attempt", args=[attempt.pk]), form)
    client.post(reverse("quiz-attempt", args=[attempt.pk]), form)  # a double submit
    page = client.get(reverse("quiz-attempt", args=[attempt.pk])).content.decode()
    assert "100%" in page and "Because." in page  # the review shows the explanation
    assert QuizAttempt.objects.count() == 1 and Record.objects.filter(verb=Verb.PASSED).count() == 1
    assert Record.objects.filter(person=nurse, verb=Verb.COMPLETED).count() == 1


def test_someone_elses_attempt_is_not_found(client, make_person, make_course, unit):
    course = make_course()
    nurse, other = make_person(unit=unit), make_person(unit=unit)
    client.force_login(nurse)
    client.post(reverse("course", args=[course.pk]))
    quiz = progress.open_enrolment(nurse, course).revision.modules.get(kind=ModuleKind.QUIZ)
    client.post(reverse("course-module", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    client.force_login(other)
    assert client.get(reverse("quiz-attempt", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quiz-attempt", args=[attempt.pk]), {"q1": "1"}).status_code == 404
    assert QuizAttempt.objects.get().submitted_at is None


def test_booking_then_checking_in_with_the_screen_code_and_the_roster(
    client, make_person, make_course, make_session, unit
):
    course = make_course(with_session=True)
    instructor = make_person(role=None)
    session = make_session(course, instructors=[instructor])
    nurse, other = make_person(unit=unit), make_person(unit=unit)
    client.force_login(nurse)
    page = client.get(reverse("session", args=[session.pk])).content.decode()
    assert "Book a seat" in page
    client.post(reverse("session", args=[session.pk]), {"action": "register"})
    assert Registration.objects.get(person=nurse).status == RegistrationStatus.REGISTERED
    assert client.get(reverse("session-roster", args=[session.pk])).status_code == 403  # a learner
    client.force_login(other)
    client.post(reverse("session", args=[session.pk]), {"action": "register"})

    at = session.starts_at + dt.timedelta(minutes=2)
    with time_machine.travel(at, tick=False):
        client.force_login(instructor)
        screen = client.get(reverse("session-screen", args=[session.pk])).content.decode()
        code = attendance.short_code(session, at)
        assert f"{code[:3]} {code[3:]}" in screen and "<svg" in screen
        roster = client.get(reverse("session-roster", args=[session.pk])).content.decode()
        assert nurse.full_name in roster
        other_place = Registration.objects.get(person=other)
        response = client.post(
            reverse("session-roster", args=[session.pk]),
            {"registration": other_place.pk, "present": "1"},
            headers={"HX-Request": "true"},
        )
        assert "Attended" in response.content.decode()
        client.force_login(nurse)
        response = client.post(
            reverse("session-checkin", args=[session.pk]),
            {"code": "000000" if code != "000000" else "111111"},
        )
        assert "not right for this session" in response.content.decode()
        response = client.post(reverse("session-checkin", args=[session.pk]), {"code": code})
        assert response.status_code == 302
    assert Record.objects.filter(verb=Verb.ATTENDED).count() == 2


def test_authoring_pages_build_and_publish_a_course(client, educator, unit, make_person):
    client.force_login(educator)
    response = client.post(
        reverse("teach-courses"),
        {
            "title": "Sepsis bundle",
            "modality": "blended",
            "minutes": 30,
            "credit_hours": "1",
            "department": unit.department.pk,
        },
    )
    from bedside.learning.models import Course

    course = Course.objects.get()
    assert response["Location"] == reverse("teach-course", args=[course.pk])
    client.post(
        reverse("teach-module-new", args=[course.pk]) + "?kind=reading",
        {"kind": "reading", "title": "Read", "minutes": 5, "body": "Text"},
    )
    response = client.post(
        reverse("teach-module-new", args=[course.pk]), {"kind": "video", "title": "", "minutes": 5}
    )
    assert "Enter the module" in response.content.decode()
    client.post(
        reverse("teach-question-new", args=[course.pk]),
        {
            "kind": "single",
            "stem": "First?",
            "choice_1": "a",
            "choice_2": "b",
            "right": ["1"],
            "explanation": "",
        },
    )
    bad = client.post(
        reverse("teach-question-new", args=[course.pk]),
        {"kind": "single", "stem": "Two?", "choice_1": "a", "choice_2": "b", "right": ["1", "2"]},
    )
    assert "exactly one" in bad.content.decode()
    client.post(
        reverse("teach-module-new", args=[course.pk]),
        {
            "kind": "quiz",
            "title": "Quiz",
            "minutes": 5,
            "draw_count": 1,
            "pass_percent": 80,
            "max_attempts": 3,
        },
    )
    assert "Preview" in client.get(reverse("teach-preview", args=[course.pk])).content.decode()
    client.post(reverse("teach-publish", args=[course.pk]))
    assert course.revisions.get().state == "published"
    outsider = make_person(unit=unit)
    client.force_login(outsider)
    assert client.get(reverse("teach-course", args=[course.pk])).status_code == 403


def test_a_validator_signs_off_a_skills_check_from_the_list(client, make_person, educator, unit):
    from bedside.learning import authoring

    course = authoring.course_create(actor=educator, title="Lines", department=unit.department)
    authoring.module_add(
        course=course, actor=educator, kind=ModuleKind.SKILLS, title="Dressing", checklist="Wash"
    )
    authoring.revision_publish(course=course, actor=educator)
    nurse = make_person(unit=unit, first_name="Ana", last_name="Lopez")
    enrolment = progress.enrol(person=nurse, course=course)
    client.force_login(nurse)
    assert client.get(reverse("skills-checks")).status_code == 403
    client.force_login(educator)
    assert "Ana Lopez" in client.get(reverse("skills-checks")).content.decode()
    module = enrolment.revision.modules.get()
    for bad in ({"enrolment": "abc", "module": module.pk}, {"enrolment": enrolment.pk, "module": "²"}):
        refused = client.post(reverse("skills-checks"), bad, follow=True)  # was a 500 (filter(pk="abc"))
        assert (
            refused.status_code == 200 and "Choose a skills check from the list." in refused.content.decode()
        )
    assert not Record.objects.filter(person=nurse, verb=Verb.VALIDATED).exists()
    client.post(reverse("skills-checks"), {"enrolment": enrolment.pk, "module": module.pk})
    assert Record.objects.filter(person=nurse, verb=Verb.VALIDATED, recorded_by=educator).exists()
    assert Record.objects.filter(person=nurse, verb=Verb.COMPLETED).exists()


def test_an_author_cancels_a_session_from_its_roster(
    client, make_person, make_course, make_session, educator, unit
):
    session = make_session(make_course())
    nurse = make_person(unit=unit)
    from bedside.learning import sessions

    sessions.register(person=nurse, session=session)
    client.force_login(educator)
    page = client.get(reverse("session-roster", args=[session.pk])).content.decode()
    assert "Cancel the session and tell 1 person" in page and "Delete it" not in page
    client.post(reverse("session-cancel", args=[session.pk]), {"action": "delete"})
    assert Registration.objects.filter(session=session).exists()  # refused: it has a registrant
    client.post(reverse("session-cancel", args=[session.pk]), {"reason": "Flood"})
    assert Registration.objects.get(person=nurse).status == RegistrationStatus.CANCELLED


def test_a_roster_tap_on_a_registration_id_that_names_no_row_is_refused(
    client, make_person, make_course, make_session
):
    # filter(pk="abc") raised: a 500 instead of "Choose someone on this roster."
    instructor = make_person(role=None)
    session = make_session(make_course(with_session=True), instructors=[instructor])
    client.force_login(instructor)
    url = reverse("session-roster", args=[session.pk])
    answer = client.post(url, {"registration": "abc", "present": "1"}, follow=True)
    assert answer.status_code == 200 and "Choose someone on this roster." in answer.content.decode()
