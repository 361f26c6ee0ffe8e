"""Courses: authoring in scope, revisions that keep learners on theirs, the item-kind contract, completion."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bedside.assignments.models import Assignment, ClosedReason
from bedside.assignments.services import rule_apply
from bedside.learning import authoring, progress
from bedside.learning.models import Course, ModuleKind, RevisionState
from bedside.learning.quizzes import attempt_start, attempt_submit
from bedside.learning.tests.conftest import right_answers
from bedside.people import access
from bedside.people.models import Capability
from bedside.records.kinds import Progress, item_status, open_url
from bedside.records.models import Record, Verb
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def finish_online(course, nurse):
    enrolment = progress.enrol(person=nurse, course=course)
    modules = list(enrolment.revision.modules.all())
    progress.reading_done(enrolment=enrolment, module=modules[0], person=nurse)
    quiz = next(m for m in modules if m.kind == ModuleKind.QUIZ)
    attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    attempt_submit(person=nurse, attempt=attempt, answers=right_answers(attempt))
    return enrolment


def test_a_learner_cannot_author_and_an_educator_only_in_their_departments(make_person, educator, unit):
    nurse = make_person(unit=unit)
    with pytest.raises(PermissionDenied):
        authoring.course_create(actor=nurse, title="Sepsis")
    elsewhere = f.DepartmentFactory()
    with pytest.raises(PermissionDenied):
        authoring.course_create(actor=educator, title="Sepsis", department=elsewhere)
    course = authoring.course_create(actor=educator, title="Sepsis", department=unit.department)
    assert course.revisions.get().state == RevisionState.DRAFT


def test_authoring_scope_reaches_department_courses_and_owned_ones(make_person, educator, unit):
    mine = authoring.course_create(actor=educator, title="Mine")  # no department: owned only
    theirs_unit = f.UnitFactory()
    colleague = make_person(unit=theirs_unit, grants=[(Capability.TEACH, theirs_unit)])
    theirs = authoring.course_create(actor=colleague, title="Theirs", department=theirs_unit.department)
    same_dept = authoring.course_create(actor=None, title="Dept", department=unit.department)
    reach = set(access.scoped(educator, Capability.TEACH, Course, own=True).values_list("pk", flat=True))
    assert reach == {mine.pk, same_dept.pk}
    with pytest.raises(PermissionDenied):
        authoring.module_add(course=theirs, actor=educator, kind=ModuleKind.READING, title="x", body="y")


def test_publishing_needs_enough_questions_and_makes_a_version(educator, unit):
    course = authoring.course_create(actor=educator, title="Lines", department=unit.department)
    authoring.module_add(course=course, actor=educator, kind=ModuleKind.QUIZ, title="Quiz", draw_count=3)
    with pytest.raises(ValidationError, match="bank holds 0"):
        authoring.revision_publish(course=course, actor=educator)
    for n in range(3):
        authoring.question_add(
            course=course, actor=educator, stem=f"Q{n}", choices=[("a", True), ("b", False)]
        )
    revision = authoring.revision_publish(course=course, actor=educator)
    assert revision.state == RevisionState.PUBLISHED and revision.version.label == "1"


def test_bad_questions_are_refused(educator, make_course):
    course = make_course()
    with pytest.raises(ValidationError, match="exactly one"):
        authoring.question_add(course=course, actor=educator, stem="Q", choices=[("a", True), ("b", True)])
    with pytest.raises(ValidationError, match="two answers"):
        authoring.question_add(course=course, actor=educator, stem="Q", choices=[("a", True)])
    with pytest.raises(ValidationError, match="needs the case"):
        authoring.question_add(
            course=course, actor=educator, stem="Q", kind="case", choices=[("a", True), ("b", False)]
        )


def test_editing_a_published_course_makes_a_new_revision_and_learners_keep_theirs(
    make_person, educator, make_course, unit
):
    course = make_course()
    nurse, later = make_person(unit=unit), make_person(unit=unit)
    first = progress.enrol(person=nurse, course=course)
    authoring.module_add(
        course=course, actor=educator, kind=ModuleKind.READING, title="New part", body="More."
    )
    draft = course.revisions.get(state=RevisionState.DRAFT)
    assert draft.modules.count() == 3 and first.revision.modules.count() == 2
    authoring.revision_publish(course=course, actor=educator)
    assert progress.enrol(person=nurse, course=course).revision_id == first.revision_id
    assert progress.enrol(person=later, course=course).revision.number == 2
    finished = finish_online(course, nurse)
    record = Record.objects.get(person=nurse, verb=Verb.COMPLETED)
    assert record.version_id == finished.revision.version_id  # completed on revision 1


def test_completion_writes_the_ledger_and_closes_the_requirement(make_person, make_course, make_rule, unit):
    course = make_course()
    nurse = make_person(unit=unit)
    rule_apply(rule=make_rule(item=course.item, units=[unit]))
    now = timezone.now()
    assert item_status(course.item, nurse, now=now).progress == Progress.NOT_STARTED
    assert open_url(course.item, nurse) == reverse("course", args=[course.pk])
    enrolment = progress.enrol(person=nurse, course=course)
    reading, quiz = enrolment.revision.modules.all()
    progress.reading_done(enrolment=enrolment, module=reading, person=nurse)
    # Resumes where the learner stopped: the quiz.
    assert open_url(course.item, nurse) == reverse("course-module", args=[quiz.pk])
    status = item_status(course.item, nurse, now=now)
    assert status.progress == Progress.IN_PROGRESS and "1 of 2 steps" in status.detail
    finish_online(course, nurse)
    assert Record.objects.filter(person=nurse, verb=Verb.COMPLETED).count() == 1
    assert Assignment.objects.get(person=nurse).closed_reason == ClosedReason.COMPLETED
    assert item_status(course.item, nurse, now=now).progress == Progress.DONE


def test_marking_a_reading_twice_completes_once(make_person, educator, unit):
    course = authoring.course_create(actor=educator, title="Short", department=unit.department)
    authoring.module_add(course=course, actor=educator, kind=ModuleKind.READING, title="Read", body="x")
    authoring.revision_publish(course=course, actor=educator)
    nurse = make_person(unit=unit)
    enrolment = progress.enrol(person=nurse, course=course)
    module = enrolment.revision.modules.get()
    assert progress.reading_done(enrolment=enrolment, module=module, person=nurse) is True
    assert progress.reading_done(enrolment=enrolment, module=module, person=nurse) is False
    assert Record.objects.filter(person=nurse, verb=Verb.COMPLETED).count() == 1


def test_someone_elses_enrolment_is_refused(make_person, make_course, unit):
    course = make_course()
    nurse, other = make_person(unit=unit), make_person(unit=unit)
    enrolment = progress.enrol(person=nurse, course=course)
    with pytest.raises(PermissionDenied):
        progress.reading_done(enrolment=enrolment, module=enrolment.revision.modules.first(), person=other)


def test_video_counts_only_once_the_minimum_share_is_watched(make_person, make_course, unit):
    course = make_course(video=True)
    nurse = make_person(unit=unit)
    enrolment = progress.enrol(person=nurse, course=course)
    video = enrolment.revision.modules.get(kind=ModuleKind.VIDEO)
    assert progress.video_watched(enrolment=enrolment, module=video, person=nurse, percent=50) is False
    assert progress.video_watched(enrolment=enrolment, module=video, person=nurse, percent=30) is False
    assert enrolment.progress.get(module=video).watched_percent == 50
    assert progress.video_watched(enrolment=enrolment, module=video, person=nurse, percent=85) is True
    with pytest.raises(ValidationError):
        progress.video_watched(enrolment=enrolment, module=video, person=nurse, percent=140)


def test_a_skills_check_is_signed_off_by_a_validator_not_the_learner(make_person, educator, unit):
    course = authoring.course_create(actor=educator, title="Lines", department=unit.department)
    authoring.module_add(
        course=course, actor=educator, kind=ModuleKind.SKILLS, title="Dressing", checklist="x"
    )
    authoring.revision_publish(course=course, actor=educator)
    nurse = make_person(unit=unit)
    stranger = make_person(unit=f.UnitFactory(), grants=[(Capability.VALIDATE, f.UnitFactory())])
    enrolment = progress.enrol(person=nurse, course=course)
    module = enrolment.revision.modules.get()
    with pytest.raises(PermissionDenied):
        progress.skills_validate(validator=nurse, enrolment=enrolment, module=module)
    with pytest.raises(PermissionDenied):
        progress.skills_validate(validator=stranger, enrolment=enrolment, module=module)
    assert progress.skills_validate(validator=educator, enrolment=enrolment, module=module)
    verbs = sorted(Record.objects.filter(person=nurse).values_list("verb", flat=True))
    assert verbs == [Verb.COMPLETED, Verb.VALIDATED]
