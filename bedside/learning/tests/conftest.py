"""Factories for the learning tests: an educator, a published blended course, a session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bedside.learning import authoring, sessions
from bedside.learning.models import ModuleKind, QuestionKind, Room
from bedside.people.models import Capability
from bedside.testing import factories as f


@pytest.fixture
def unit(db):
    return f.UnitFactory()


@pytest.fixture
def educator(make_person, unit):
    return make_person(unit=unit, grants=[(Capability.TEACH, unit)])


@pytest.fixture
def make_course(educator, unit):
    """A published course: a reading, a quiz of `questions` (2 drawn, pass 50%), optionally a session module."""

    def make(
        *, title="Central line care", with_session=False, questions=4, draw=2, max_attempts=3, video=False
    ):
        course = authoring.course_create(
            actor=educator, title=title, modality="blended", department=unit.department, summary="Bundle"
        )
        authoring.module_add(
            course=course, actor=educator, kind=ModuleKind.READING, title="The bundle", body="Wash."
        )
        if video:
            authoring.module_add(
                course=course,
                actor=educator,
                kind=ModuleKind.VIDEO,
                title="Dressing change",
                video_url="https://example.org/v.mp4",
                min_watched_percent=80,
            )
        for n in range(questions):
            authoring.question_add(
                course=course,
                actor=educator,
                stem=f"Question {n}?",
                choices=[("Right", True), ("Wrong", False)],
                explanation="Because.",
            )
        authoring.module_add(
            course=course,
            actor=educator,
            kind=ModuleKind.QUIZ,
            title="Check",
            draw_count=draw,
            pass_percent=50,
            max_attempts=max_attempts,
        )
        if with_session:
            authoring.module_add(course=course, actor=educator, kind=ModuleKind.SESSION, title="Skills lab")
        authoring.revision_publish(course=course, actor=educator)
        return course

    return make


@pytest.fixture
def make_session(educator, unit):
    def make(course, *, seats=12, starts_in=dt.timedelta(days=3), hours=2, instructors=(), **kwargs):
        room = Room.objects.create(
            site=unit.site, name=f"Sim lab {Room.objects.count() + 1}", capacity=max(seats, 16)
        )
        start = (timezone.now() + starts_in).replace(second=0, microsecond=0)
        return sessions.session_create(
            actor=educator,
            course=course,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            seats=seats,
            room=room,
            instructors=instructors,
            **kwargs,
        )

    return make


def right_answers(attempt) -> dict[int, list[int]]:
    return {
        aq.position: [c.pk for c in aq.question.choices.all() if c.correct]
        for aq in attempt.questions.select_related("question")
    }


def wrong_answers(attempt) -> dict[int, list[int]]:
    return {
        aq.position: [c.pk for c in aq.question.choices.all() if not c.correct][:1]
        for aq in attempt.questions.select_related("question")
    }


__all__ = ["QuestionKind", "right_answers", "wrong_answers"]
