"""Learning paths: build one (an educator), and a learner's place on it.

A step is done when the person holds a current completion of its course; it is open when every
prerequisite is done; the learner's place is the first open step not done. When a course
completion finishes a path, the path's own completion goes to the ledger (so a rule that
requires the path closes through the records hook).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning.models import Course, LearningPath, PathStep
from bedside.learning.scopes import AUTHORS, authoring_departments
from bedside.people import access
from bedside.people.models import Department, Person
from bedside.records.kinds import Progress, item_status
from bedside.records.models import LearningItem, Record, SourceKind, Verb
from bedside.records.services import record_add

KIND = "path"


def require_path_author(actor: Person | None, path: LearningPath) -> None:
    if actor is None or access.is_admin(actor) or path.owner_id == actor.pk:
        return
    if path.department_id and authoring_departments(actor).filter(pk=path.department_id).exists():
        return
    raise PermissionDenied("You can edit only the paths of your departments and those you own.")


@transaction.atomic
def path_create(
    *, actor: Person | None, title: str, summary: str = "", department: Department | None = None, now=None
) -> LearningPath:
    if not title.strip():
        raise ValidationError("Give the path a title.")
    if actor is not None:
        if not access.has_any(actor, AUTHORS):
            raise PermissionDenied("Learning paths are built by educators.")
        if department is not None and not authoring_departments(actor).filter(pk=department.pk).exists():
            raise PermissionDenied("You can file paths only under departments you teach.")
    now = now or timezone.now()
    item = LearningItem.objects.create(kind=KIND, title=title.strip(), minutes=0, owner=actor, created_at=now)
    path = LearningPath.objects.create(
        item=item, summary=summary, department=department, owner=actor, created_at=now
    )
    audit(actor=actor, action="path.create", target=path, changes={"title": title})
    return path


@transaction.atomic
def path_step_add(
    *, path: LearningPath, actor: Person | None, course: Course, after_previous: bool = True, prerequisites=()
) -> PathStep:
    """Append a course; by default it needs the step before it. Prerequisites come from the same path."""
    require_path_author(actor, path)
    if path.steps.filter(course=course).exists():
        raise ValidationError("That course is already on the path.")
    position = (path.steps.aggregate(n=Max("position"))["n"] or 0) + 1
    step = PathStep.objects.create(path=path, position=position, course=course)
    needs = list(prerequisites)
    if after_previous and position > 1:
        needs.append(path.steps.get(position=position - 1))
    if any(p.path_id != path.pk for p in needs):
        raise ValidationError("Prerequisites must be steps of the same path.")
    step.prerequisites.set(needs)
    _path_minutes(path)
    audit(
        actor=actor,
        action="path.step_add",
        target=step,
        changes={"course": course.pk, "needs": [p.pk for p in needs]},
    )
    return step


def _path_minutes(path: LearningPath) -> None:
    minutes = sum(s.course.item.minutes for s in path.steps.select_related("course__item"))
    LearningItem.objects.filter(pk=path.item_id).update(minutes=minutes)


@transaction.atomic
def path_step_move(*, path: LearningPath, actor: Person | None, step: PathStep, up: bool) -> PathStep:
    """Swap a step with its neighbour, unless that puts a step before one it needs."""
    require_path_author(actor, path)
    LearningPath.objects.select_for_update().filter(pk=path.pk).first()  # one reorder at a time
    step = path.steps.select_related("course__item").get(pk=step.pk)
    other = (
        path.steps.select_related("course__item").filter(position=step.position + (-1 if up else 1)).first()
    )
    if other is None:
        raise ValidationError("That step is already " + ("first." if up else "last."))
    earlier, later = (other, step) if up else (step, other)
    if later.prerequisites.filter(pk=earlier.pk).exists():
        raise ValidationError(
            f"“{later.course.item.title}” needs “{earlier.course.item.title}” first: it cannot come before it."
        )
    a, b = step.position, other.position
    PathStep.objects.filter(pk=step.pk).update(position=0)
    PathStep.objects.filter(pk=other.pk).update(position=a)
    PathStep.objects.filter(pk=step.pk).update(position=b)
    step.position = b
    audit(actor=actor, action="path.step_move", target=step, changes={"from": a, "to": b})
    return step


@transaction.atomic
def path_step_remove(*, path: LearningPath, actor: Person | None, step: PathStep) -> None:
    """Take a course off the path; steps that needed it need what it needed instead (the chain holds)."""
    require_path_author(actor, path)
    LearningPath.objects.select_for_update().filter(pk=path.pk).first()
    step = path.steps.get(pk=step.pk)
    inherited = list(step.prerequisites.all())
    dependants = list(step.unlocks.all())
    for d in dependants:
        d.prerequisites.remove(step)
        d.prerequisites.add(*[p for p in inherited if p.pk != d.pk])
    position = step.position
    audit(
        actor=actor,
        action="path.step_remove",
        target=step,
        changes={"course": step.course_id, "dependants": [d.pk for d in dependants]},
    )
    step.delete()
    for later in path.steps.filter(position__gt=position).order_by("position"):
        PathStep.objects.filter(pk=later.pk).update(position=later.position - 1)
    _path_minutes(path)


@transaction.atomic
def path_step_prerequisites_set(
    *, path: LearningPath, actor: Person | None, step: PathStep, prerequisites
) -> PathStep:
    """Choose what a step needs first: only steps that come before it on the same path."""
    require_path_author(actor, path)
    step = path.steps.get(pk=step.pk)
    needs = list(prerequisites)
    if any(p.path_id != path.pk or p.position >= step.position for p in needs):
        raise ValidationError("A step can need only steps that come before it on the same path.")
    step.prerequisites.set(needs)
    audit(actor=actor, action="path.step_needs", target=step, changes={"needs": [p.pk for p in needs]})
    return step


@dataclass(frozen=True)
class StepPlace:
    step: PathStep
    done: bool
    open: bool
    current: bool
    needs: list[str]


def place_on(path: LearningPath, person: Person, *, now: dt.datetime | None = None) -> list[StepPlace]:
    """Each step with whether it is done, open (prerequisites done) and the learner's current one."""
    now = now or timezone.now()
    steps = list(path.steps.select_related("course__item").prefetch_related("prerequisites__course__item"))
    done = {s.pk: item_status(s.course.item, person, now=now).progress == Progress.DONE for s in steps}
    places, current_found = [], False
    for s in steps:
        prereqs = list(s.prerequisites.all())
        is_open = all(done[p.pk] for p in prereqs)
        current = not current_found and is_open and not done[s.pk]
        current_found = current_found or current
        needs = [p.course.item.title for p in prereqs if not done[p.pk]]
        places.append(StepPlace(s, done[s.pk], is_open, current, needs))
    return places


def complete_paths_for(*, person: Person, course: Course, now: dt.datetime) -> list[Record]:
    """After a course completion: write the completion of each path it finishes for the person (once)."""
    written = []
    for path in LearningPath.objects.filter(steps__course=course).select_related("item").distinct():
        places = place_on(path, person, now=now)
        if not places or not all(p.done for p in places):
            continue
        if item_status(path.item, person, now=now).progress == Progress.DONE:
            continue
        written.append(
            record_add(
                person=person,
                item=path.item,
                verb=Verb.COMPLETED,
                by=person,
                at=now,
                evidence=f"Completed every course of the path ({len(places)})",
                source_kind=SourceKind.PERSON,
                source_ref=f"path:{path.pk}",
            )
        )
    return written
