"""Learning paths: ordered courses with prerequisites, the learner's place, the path's own completion."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bedside.audit.models import AuditEntry
from bedside.learning import paths, progress
from bedside.learning.models import ModuleKind, PathStep
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


def _path_of(educator, make_course, unit, titles):
    path = paths.path_create(actor=educator, title="Residency year", department=unit.department)
    steps = [paths.path_step_add(path=path, actor=educator, course=make_course(title=t)) for t in titles]
    return path, steps


def _order(path):
    return [s.course.item.title for s in path.steps.select_related("course__item")]


def test_a_step_moves_but_never_before_what_it_needs(educator, make_course, unit):
    path, (a, b, c) = _path_of(educator, make_course, unit, ["A", "B", "C"])
    with pytest.raises(ValidationError, match="“B” needs “A” first"):
        paths.path_step_move(path=path, actor=educator, step=b, up=True)
    with pytest.raises(ValidationError, match="“B” needs “A” first"):
        paths.path_step_move(path=path, actor=educator, step=a, up=False)
    paths.path_step_prerequisites_set(path=path, actor=educator, step=c, prerequisites=[a])
    paths.path_step_move(path=path, actor=educator, step=c, up=True)
    assert _order(path) == ["A", "C", "B"]
    assert AuditEntry.objects.filter(action="path.step_move", target_id=str(c.pk)).exists()
    with pytest.raises(ValidationError, match="only steps that come before it"):
        paths.path_step_prerequisites_set(path=path, actor=educator, step=c, prerequisites=[b])
    assert list(PathStep.objects.get(pk=c.pk).prerequisites.all()) == [a]


def test_removing_a_step_hands_its_prerequisites_to_what_needed_it(educator, make_course, make_person, unit):
    path, (a, b, c) = _path_of(educator, make_course, unit, ["A", "B", "C"])
    paths.path_step_remove(path=path, actor=educator, step=b)
    assert _order(path) == ["A", "C"]
    assert list(PathStep.objects.get(pk=c.pk).prerequisites.all()) == [a]
    assert list(path.steps.values_list("position", flat=True)) == [1, 2]
    with pytest.raises(PermissionDenied):
        paths.path_step_remove(path=path, actor=make_person(unit=unit), step=a)


@pytest.mark.parametrize("bad", ["abc", "9" * 30, "²"])
def test_a_step_or_prerequisite_id_that_names_no_step_is_refused(client, educator, make_course, unit, bad):
    # filter(pk="abc") raised, "²" passed isdigit() and broke int(), 30 nines overflowed SQLite: 500s.
    path, (a, b, c) = _path_of(educator, make_course, unit, ["A", "B", "C"])
    paths.path_step_prerequisites_set(path=path, actor=educator, step=c, prerequisites=[])
    client.force_login(educator)
    url = reverse("teach-path", args=[path.pk])
    moved = client.post(url, {"action": "up", "step": bad}, follow=True)
    assert moved.status_code == 200 and "Choose a step of this path." in moved.content.decode()
    needs = client.post(url, {"action": "needs", "step": c.pk, "needs": [a.pk, bad]}, follow=True)
    assert needs.status_code == 200 and "Choose steps of this path." in needs.content.decode()
    assert _order(path) == ["A", "B", "C"] and not PathStep.objects.get(pk=c.pk).prerequisites.exists()


def test_the_path_page_reorders_and_removes_steps(client, educator, make_course, unit):
    path, (a, b, c) = _path_of(educator, make_course, unit, ["A", "B", "C"])
    paths.path_step_prerequisites_set(path=path, actor=educator, step=c, prerequisites=[])
    client.force_login(educator)
    url = reverse("teach-path", args=[path.pk])
    assert client.post(url, {"action": "up", "step": c.pk}).status_code == 302
    assert _order(path) == ["A", "C", "B"]
    client.post(url, {"action": "up", "step": b.pk})
    assert _order(path) == ["A", "B", "C"]
    answer = client.post(url, {"action": "up", "step": b.pk}, follow=True)
    assert "cannot come before it" in answer.content.decode()
    assert _order(path) == ["A", "B", "C"]
    client.post(url, {"action": "needs", "step": c.pk, "needs": [a.pk, b.pk]})
    assert set(PathStep.objects.get(pk=c.pk).prerequisites.all()) == {a, b}
    client.post(url, {"action": "remove", "step": b.pk})
    assert _order(path) == ["A", "C"]
    page = client.get(url).content.decode()
    assert "Move “C” up" in page and "after A" in page
