"""The course report: difficulty and discrimination per question, session fill and no-shows, exports."""

import datetime as dt

import pytest
from django.urls import reverse

from bedside.learning import attendance, course_reports, progress, sessions
from bedside.learning.models import ModuleKind
from bedside.learning.quizzes import attempt_start, attempt_submit

pytestmark = pytest.mark.django_db


def answer(nurse, course, right_positions: set[int]):
    enrolment = progress.enrol(person=nurse, course=course)
    quiz = enrolment.revision.modules.get(kind=ModuleKind.QUIZ)
    attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    answers = {}
    for aq in attempt.questions.select_related("question").order_by("question_id"):
        want = aq.question_id in right_positions
        answers[aq.position] = [c.pk for c in aq.question.choices.all() if c.correct == want][:1]
    attempt_submit(person=nurse, attempt=attempt, answers=answers)


def test_difficulty_and_discrimination(make_person, make_course, unit):
    course = make_course(questions=2, draw=2, max_attempts=0)
    q1, q2 = course.questions.order_by("pk").values_list("pk", flat=True)
    # Strong learners get both right; weak ones only the easy q1: q2 separates them, q1 does not.
    for _ in range(4):
        answer(make_person(unit=unit), course, {q1, q2})
    for _ in range(4):
        answer(make_person(unit=unit), course, {q1})
    figures = {q.question_id: q for q in course_reports.question_figures(course)}
    assert figures[q1].difficulty == 1.0 and figures[q1].discrimination is None  # everyone right
    assert figures[q2].difficulty == 0.5 and figures[q2].discrimination == pytest.approx(1.0)
    assert course_reports.enrolment_figures(course)["attempts"] == 8


def test_session_fill_and_no_shows_and_the_page(
    client, educator, make_person, make_course, make_session, unit
):
    course = make_course(with_session=True)
    session = make_session(course, seats=4)
    a, b, c = (make_person(unit=unit) for _ in range(3))
    places = [sessions.register(person=p, session=session) for p in (a, b, c)]
    at = session.starts_at + dt.timedelta(minutes=1)
    attendance.roster_mark(actor=educator, registration=places[0], present=True, now=at)
    attendance.no_shows_record(session=session, actor=educator, now=session.ends_at)
    (fig,) = course_reports.session_figures(course)
    assert (fig.booked, fig.attended, fig.no_show) == (3, 1, 2)
    assert fig.fill == 0.75 and fig.no_show_rate == pytest.approx(2 / 3)
    client.force_login(educator)
    page = client.get(reverse("teach-report", args=[course.pk])).content.decode()
    assert "3 of 4 (75%)" in page and "2 (67%)" in page
    response = client.get(reverse("teach-report-export", args=[course.pk, "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(a)
    assert client.get(reverse("teach-report", args=[course.pk])).status_code == 403
