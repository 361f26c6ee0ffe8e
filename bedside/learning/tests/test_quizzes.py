"""Quizzes: random draws, pass marks, attempt limits, review, one scoring per attempt, refused answers."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.learning import progress
from bedside.learning.models import ModuleKind, QuizAttempt
from bedside.learning.quizzes import attempt_answer, attempt_start, attempt_submit
from bedside.learning.tests.conftest import right_answers, wrong_answers
from bedside.records.models import Record, Verb

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_for(make_person, make_course, unit):
    def make(**kwargs):
        course = make_course(**kwargs)
        nurse = make_person(unit=unit)
        enrolment = progress.enrol(person=nurse, course=course)
        return nurse, enrolment, enrolment.revision.modules.get(kind=ModuleKind.QUIZ)

    return make


def test_each_attempt_draws_its_own_questions_from_the_bank(quiz_for):
    nurse, enrolment, quiz = quiz_for(questions=6, draw=3, max_attempts=0)
    draws = set()
    for seed in range(6):
        attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz, rng=random.Random(seed))
        assert attempt.questions.count() == 3
        draws.add(tuple(sorted(attempt.questions.values_list("question_id", flat=True))))
        attempt_submit(person=nurse, attempt=attempt, answers=wrong_answers(attempt))
    assert len(draws) > 1


def test_starting_twice_returns_the_open_attempt(quiz_for):
    nurse, enrolment, quiz = quiz_for()
    first = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    assert attempt_start(person=nurse, enrolment=enrolment, module=quiz).pk == first.pk


def test_a_double_submit_scores_once_and_writes_one_record(quiz_for):
    nurse, enrolment, quiz = quiz_for()
    attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    answers = right_answers(attempt)
    first = attempt_submit(person=nurse, attempt=attempt, answers=answers)
    again = attempt_submit(person=nurse, attempt=attempt, answers=wrong_answers(attempt))
    assert first.passed and again.score_percent == first.score_percent == 100
    assert QuizAttempt.objects.count() == 1
    assert Record.objects.filter(person=nurse, verb=Verb.PASSED).count() == 1
    assert Record.objects.get(person=nurse, verb=Verb.PASSED).score == 100


def test_a_fail_is_kept_as_evidence_and_the_limit_holds(quiz_for):
    nurse, enrolment, quiz = quiz_for(max_attempts=2)
    for _ in range(2):
        attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
        done = attempt_submit(person=nurse, attempt=attempt, answers=wrong_answers(attempt))
        assert done.passed is False and done.score_percent == 0
    with pytest.raises(ValidationError, match="all 2 attempts"):
        attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    assert Record.objects.filter(person=nurse, verb=Verb.FAILED).count() == 2
    assert not Record.objects.filter(person=nurse, verb=Verb.COMPLETED).exists()


def test_answers_are_marked_for_review_after_submit(quiz_for):
    nurse, enrolment, quiz = quiz_for(questions=2, draw=2)
    attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    right, wrong = right_answers(attempt), wrong_answers(attempt)
    attempt_submit(person=nurse, attempt=attempt, answers={1: right[1], 2: wrong[2]})
    marks = dict(attempt.questions.values_list("position", "correct"))
    assert marks == {1: True, 2: False}
    attempt.refresh_from_db()
    assert attempt.score_percent == 50 and attempt.passed  # pass mark 50%


def test_an_answer_for_a_closed_or_someone_elses_attempt_is_refused(quiz_for, make_person, unit):
    nurse, enrolment, quiz = quiz_for()
    attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    choice = right_answers(attempt)[1]
    other = make_person(unit=unit)
    with pytest.raises(PermissionDenied):
        attempt_answer(person=other, attempt=attempt, position=1, choice_ids=choice)
    with pytest.raises(PermissionDenied):
        attempt_submit(person=other, attempt=attempt, answers={})
    attempt_answer(person=nurse, attempt=attempt, position=1, choice_ids=choice)
    attempt_submit(person=nurse, attempt=attempt)
    before = list(attempt.questions.values_list("chosen", flat=True))
    with pytest.raises(ValidationError, match="closed"):
        attempt_answer(person=nurse, attempt=attempt, position=1, choice_ids=choice)
    assert list(attempt.questions.values_list("chosen", flat=True)) == before


def test_a_choice_of_another_question_is_refused(quiz_for):
    nurse, enrolment, quiz = quiz_for(questions=2, draw=2)
    attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    answers = right_answers(attempt)
    with pytest.raises(ValidationError, match="not one of its choices"):
        attempt_answer(person=nurse, attempt=attempt, position=1, choice_ids=answers[2])
