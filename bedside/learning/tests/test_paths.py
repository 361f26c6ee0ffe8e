"""Learning paths: ordered courses with prerequisites, the learner's place, the path's own completion."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bedside.learning import paths, progress
from bedside.learning.models import ModuleKind
from bedside.learning.quizzes import attempt_start, attempt_submit
from bedside.learning.tests.conftest import right_answers
from bedside.records.models import Record, Verb

pytestmark = pytest.mark.django_db


def finish(course, nurse):
    enrolment = progress.enrol(person=nurse, course=course)
    for module in enrolment.revision.modules.all():
        if module.kind == ModuleKind.READING:
            progress.reading_done(enrolment=enrolment, module=module, person=nurse)
        else:
            attempt = attempt_start(person=nurse, enrolment=enrolment, module=module)
            attempt_submit(person=nurse, attempt=attempt, answers=right_answers(attempt))


def test_the_learners_place_follows_prerequisites_and_the_path_completes(
    client, educator, make_person, make_course, unit
):
    first, second = make_course(title="ICU basics"), make_course(title="Ventilator basics")
    path = paths.path_create(actor=educator, title="ICU cross-training", department=unit.department)
    paths.path_step_add(path=path, actor=educator, course=first)
    paths.path_step_add(path=path, actor=educator, course=second)
    nurse = make_person(unit=unit)
    places = paths.place_on(path, nurse)
    assert [(p.open, p.current, p.done) for p in places] == [(True, True, False), (False, False, False)]
    client.force_login(nurse)
    page = client.get(reverse("learning-path", args=[path.pk])).content.decode()
    assert "You are here" in page and "After: ICU basics" in page
    finish(first, nurse)
    assert [p.current for p in paths.place_on(path, nurse)] == [False, True]
    finish(second, nurse)
    assert Record.objects.filter(person=nurse, item=path.item, verb=Verb.COMPLETED).count() == 1


def test_only_educators_in_scope_build_paths(make_person, educator, make_course, unit):
    nurse = make_person(unit=unit)
    with pytest.raises(PermissionDenied):
        paths.path_create(actor=nurse, title="Residency")
    path = paths.path_create(actor=educator, title="Residency")
    other = make_person(unit=unit, grants=[("teach", make_person().jobs.first().unit)])
    with pytest.raises(PermissionDenied):
        paths.path_step_add(path=path, actor=other, course=make_course())
