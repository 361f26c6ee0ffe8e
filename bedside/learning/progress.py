"""A learner's way through a course: enrolment pinned to a revision, module progress, completion.

Completion writes the ledger (`record_add`, verb completed, of the revision's version); the
assignments app listens and closes the requirement. Nothing here imports a writer of assignments.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning import queries
from bedside.learning.models import (
    Course,
    CourseRevision,
    Enrolment,
    Module,
    ModuleKind,
    ModuleProgress,
    RevisionState,
)
from bedside.people.models import Person
from bedside.records.models import Record, SourceKind, Verb
from bedside.records.services import record_add


def open_enrolment(person: Person, course: Course) -> Enrolment | None:
    return (
        Enrolment.objects.select_related("revision__version")
        .filter(person=person, course=course, completed_at__isnull=True)
        .first()
    )


def _pinned_revision(person: Person, course: Course) -> CourseRevision | None:
    """The revision the person's current requirement pins (a cycle of kind version), if any."""
    from bedside.assignments.models import Assignment, CycleKind

    pinned = (
        Assignment.objects.filter(
            person=person, item=course.item_id, current=True, cycle_kind=CycleKind.VERSION
        )
        .values_list("cycle_version_id", flat=True)
        .first()
    )
    if pinned is None:
        return None
    return (
        course.revisions.select_related("version")
        .filter(version_id=pinned)
        .exclude(state=RevisionState.DRAFT)
        .first()
    )


@transaction.atomic
def enrol(*, person: Person, course: Course, now: dt.datetime | None = None) -> Enrolment:
    """The person's open enrolment, or a new one on the revision their requirement pins, else the published."""
    found = open_enrolment(person, course)
    if found is not None:
        return found
    if not queries.may_open(person, course):
        raise ValidationError("This course is for the hospital's staff.")
    revision = (
        _pinned_revision(person, course)
        or course.revisions.select_related("version").filter(state=RevisionState.PUBLISHED).first()
    )
    if revision is None:
        raise ValidationError("This course is not published yet.")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                person=person, course=course, revision=revision, started_at=now or timezone.now()
            )
    except IntegrityError:  # a second tab enrolled at the same moment
        return open_enrolment(person, course)
    audit(actor=person, action="enrolment.create", target=enrolment, changes={"revision": revision.number})
    return enrolment


def require_own(enrolment: Enrolment, person: Person) -> None:
    if enrolment.person_id != person.pk:
        raise PermissionDenied("This is someone else's course.")


def module_of(enrolment: Enrolment, module_id: int) -> Module:
    """A module of the enrolment's own revision (a module of another revision is not theirs to do)."""
    module = enrolment.revision.modules.filter(pk=module_id).first()
    if module is None:
        raise ValidationError("That module is not part of your version of this course.")
    return module


def done_modules(enrolment: Enrolment) -> set[int]:
    return set(
        ModuleProgress.objects.filter(enrolment=enrolment, done_at__isnull=False).values_list(
            "module_id", flat=True
        )
    )


def next_module(enrolment: Enrolment) -> Module | None:
    """Where the learner resumes: the first module of their revision not done yet."""
    done = done_modules(enrolment)
    return next((m for m in enrolment.revision.modules.all() if m.pk not in done), None)


def _progress(enrolment: Enrolment, module: Module) -> ModuleProgress:
    row, _ = ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
    return row


@transaction.atomic
def module_complete(
    *,
    enrolment: Enrolment,
    module: Module,
    person: Person | None,
    now: dt.datetime | None = None,
    validated_by: Person | None = None,
) -> bool:
    """Mark one module done (once; a second call changes nothing) and complete the course when all are.

    Returns whether this call marked it. `person` None: a job, an instructor or a validator acting.
    """
    if person is not None:
        require_own(enrolment, person)
    if module.revision_id != enrolment.revision_id:
        raise ValidationError("That module is not part of this version of the course.")
    now = now or timezone.now()
    row = _progress(enrolment, module)
    marked = ModuleProgress.objects.filter(pk=row.pk, done_at__isnull=True).update(
        done_at=now, validated_by=validated_by
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(last_module=module)
    if marked:
        audit(
            actor=person or validated_by, action="module.complete", target=row, changes={"module": module.pk}
        )
        course_complete_if_done(enrolment=enrolment, now=now)
    return bool(marked)


@transaction.atomic
def reading_done(*, enrolment: Enrolment, module: Module, person: Person, now=None) -> bool:
    if module.kind != ModuleKind.READING:
        raise ValidationError("Only a reading is marked as read.")
    return module_complete(enrolment=enrolment, module=module, person=person, now=now)


@transaction.atomic
def video_watched(*, enrolment: Enrolment, module: Module, person: Person, percent: int, now=None) -> bool:
    """Keep the highest share watched that the player reported; done once it reaches the module's minimum."""
    require_own(enrolment, person)
    if module.kind != ModuleKind.VIDEO:
        raise ValidationError("Only a video has a share watched.")
    if not 0 <= percent <= 100:
        raise ValidationError("The share watched is a percentage from 0 to 100.")
    row = _progress(enrolment, module)
    ModuleProgress.objects.filter(pk=row.pk, watched_percent__lt=percent).update(watched_percent=percent)
    Enrolment.objects.filter(pk=enrolment.pk).update(last_module=module)
    if percent >= module.min_watched_percent:
        return module_complete(enrolment=enrolment, module=module, person=person, now=now)
    return False


def course_complete_if_done(*, enrolment: Enrolment, now: dt.datetime) -> Record | None:
    """When every module of the revision is done, close the enrolment and write the completion, once."""
    total = enrolment.revision.modules.count()
    if total == 0 or len(done_modules(enrolment)) < total:
        return None
    closed = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(completed_at=now)
    if not closed:
        return None
    course = enrolment.course
    revision = enrolment.revision
    record = record_add(
        person=enrolment.person,
        item=course.item,
        verb=Verb.COMPLETED,
        by=enrolment.person,
        at=now,
        version=revision.version,
        credit_amount=course.credit_hours or None,
        credit_type="credit hours" if course.credit_hours else "",
        evidence=f"Completed every module of revision {revision.number} in Bedside",
        source_kind=SourceKind.PERSON,
        source_ref=f"enrolment:{enrolment.pk}",
    )
    from bedside.learning.paths import complete_paths_for

    complete_paths_for(person=enrolment.person, course=course, now=now)
    return record


@transaction.atomic
def skills_validate(
    *, validator: Person, enrolment: Enrolment, module: Module, now=None, note: str = ""
) -> bool:
    """A validator (validate or teach over the learner) signs off a skills check; the ledger says who."""
    from bedside.people import access
    from bedside.people.models import Capability

    if module.kind != ModuleKind.SKILLS:
        raise ValidationError("Only a skills check is validated.")
    if validator.pk == enrolment.person_id:
        raise PermissionDenied("You cannot validate your own skills check.")
    if not access.can(validator, (Capability.VALIDATE, Capability.TEACH), enrolment.person):
        raise PermissionDenied("You can validate only people on the units you oversee.")
    now = now or timezone.now()
    row = _progress(enrolment, module)
    if ModuleProgress.objects.select_for_update().get(pk=row.pk).done_at is not None:
        return False
    record_add(
        person=enrolment.person,
        item=enrolment.course.item,
        verb=Verb.VALIDATED,
        by=validator,
        at=now,
        version=enrolment.revision.version,
        evidence=f"Skills check “{module.title}” observed by {validator.full_name}. {note}".strip(),
    )
    return module_complete(enrolment=enrolment, module=module, person=None, now=now, validated_by=validator)
