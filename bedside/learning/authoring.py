"""Writes an educator makes: courses, their draft revision's modules and questions, publishing, requiring.

Every service takes the actor and checks access itself: an author teaches the course's department
(a unit grant on one of its units will do) or owns the course; administrators reach everything.
Editing a published course edits a new draft revision; learners in progress keep theirs.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning.models import (
    Choice,
    Course,
    CourseRevision,
    Modality,
    Module,
    ModuleKind,
    Question,
    QuestionKind,
    RevisionState,
)
from bedside.learning.scopes import AUTHORS, authoring_departments
from bedside.people import access
from bedside.people.models import Audience, Department, Person
from bedside.records.models import ItemVersion, LearningItem

KIND = "course"
MODULE_FIELDS = (
    "title",
    "minutes",
    "body",
    "resource_version",
    "video_url",
    "min_watched_percent",
    "draw_count",
    "pass_percent",
    "max_attempts",
    "checklist",
)


def require_author(actor: Person | None, course: Course) -> None:
    """The actor may edit this course (None: a job or command)."""
    if actor is None:
        return
    if not access.can(actor, AUTHORS, course, own=True):
        raise PermissionDenied("You can edit only the courses of your departments and those you own.")


@transaction.atomic
def course_create(
    *,
    actor: Person | None,
    title: str,
    summary: str = "",
    modality: str = Modality.ONLINE,
    minutes: int = 30,
    department: Department | None = None,
    audience: Audience | None = None,
    credit_hours: Decimal = Decimal("0"),
    now=None,
) -> Course:
    """A new course with an empty draft revision 1; the actor owns it."""
    now = now or timezone.now()
    if not title.strip():
        raise ValidationError("Give the course a title.")
    if modality not in Modality.values:
        raise ValidationError(f"Unknown modality {modality!r}.")
    if actor is not None:
        if not access.has_any(actor, AUTHORS):
            raise PermissionDenied("Courses are written by educators.")
        if department is not None and not authoring_departments(actor).filter(pk=department.pk).exists():
            raise PermissionDenied("You can file courses only under departments you teach.")
    item = LearningItem.objects.create(
        kind=KIND, title=title.strip(), minutes=minutes, owner=actor, created_at=now
    )
    course = Course.objects.create(
        item=item,
        summary=summary,
        modality=modality,
        department=department,
        owner=actor,
        audience=audience,
        credit_hours=credit_hours,
        created_at=now,
    )
    CourseRevision.objects.create(course=course, number=1, created_by=actor, created_at=now)
    audit(actor=actor, action="course.create", target=course, changes={"title": title, "modality": modality})
    return course


@transaction.atomic
def course_update(*, course: Course, actor: Person | None, **changes) -> Course:
    """Change a course's description (title, summary, modality, minutes, audience, credit hours)."""
    require_author(actor, course)
    item_fields = {k: changes.pop(k) for k in ("title", "minutes") if k in changes}
    for name, value in changes.items():
        setattr(course, name, value)
    course.full_clean(exclude=["item", "owner", "department", "audience"])
    course.save()
    if item_fields:
        LearningItem.objects.filter(pk=course.item_id).update(**item_fields)
        for name, value in item_fields.items():
            setattr(course.item, name, value)
    audit(
        actor=actor,
        action="course.update",
        target=course,
        changes={k: str(v) for k, v in {**item_fields, **changes}.items()},
    )
    return course


def published_revision(course: Course) -> CourseRevision | None:
    return course.revisions.filter(state=RevisionState.PUBLISHED).first()


def draft_revision(course: Course) -> CourseRevision | None:
    return course.revisions.filter(state=RevisionState.DRAFT).first()


@transaction.atomic
def draft_for(*, course: Course, actor: Person | None) -> CourseRevision:
    """The course's draft revision: the open one, or a new copy of the published one."""
    require_author(actor, course)
    Course.objects.select_for_update().filter(pk=course.pk).first()  # one draft at a time
    draft = draft_revision(course)
    if draft is not None:
        return draft
    number = (course.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = CourseRevision.objects.create(course=course, number=number, created_by=actor)
    base = published_revision(course)
    if base is not None:
        Module.objects.bulk_create(
            Module(
                revision=draft, position=m.position, kind=m.kind, **{f: getattr(m, f) for f in MODULE_FIELDS}
            )
            for m in base.modules.all()
        )
    audit(actor=actor, action="course.draft", target=draft, changes={"number": number})
    return draft


def _check_module(kind: str, fields: dict) -> None:
    if kind not in ModuleKind.values:
        raise ValidationError(f"Unknown module kind {kind!r}.")
    if not (fields.get("title") or "").strip():
        raise ValidationError("Give the module a title.")
    if (
        kind == ModuleKind.READING
        and not (fields.get("body") or "").strip()
        and not fields.get("resource_version")
    ):
        raise ValidationError("A reading needs its text (or a resource to open).")
    if kind == ModuleKind.VIDEO and not fields.get("video_url"):
        raise ValidationError("A video needs the address it plays from.")
    if kind == ModuleKind.VIDEO and not 1 <= int(fields.get("min_watched_percent", 90)) <= 100:
        raise ValidationError("The share to watch is a percentage from 1 to 100.")
    if kind == ModuleKind.QUIZ:
        if int(fields.get("draw_count", 5)) < 1:
            raise ValidationError("A quiz draws at least one question.")
        if not 1 <= int(fields.get("pass_percent", 80)) <= 100:
            raise ValidationError("The pass mark is a percentage from 1 to 100.")


@transaction.atomic
def module_add(*, course: Course, actor: Person | None, kind: str, **fields) -> Module:
    """Append a module to the course's draft revision (made from the published one if needed)."""
    _check_module(kind, fields)
    draft = draft_for(course=course, actor=actor)
    position = (draft.modules.aggregate(n=Max("position"))["n"] or 0) + 1
    module = Module.objects.create(revision=draft, position=position, kind=kind, **fields)
    audit(
        actor=actor, action="module.add", target=module, changes={"kind": kind, "title": fields.get("title")}
    )
    return module


@transaction.atomic
def module_update(*, module: Module, actor: Person | None, **fields) -> Module:
    """Change a module of a draft revision; a published one is edited through a new draft."""
    course = module.revision.course
    draft = draft_for(course=course, actor=actor)
    if module.revision_id != draft.pk:
        module = draft.modules.get(position=module.position)
    merged = {f: getattr(module, f) for f in MODULE_FIELDS} | fields
    _check_module(module.kind, merged)
    for name, value in fields.items():
        setattr(module, name, value)
    module.save()
    audit(actor=actor, action="module.update", target=module, changes={k: str(v) for k, v in fields.items()})
    return module


@transaction.atomic
def module_remove(*, module: Module, actor: Person | None) -> None:
    """Remove a module from the draft (the published revision keeps it) and close the gap."""
    draft = draft_for(course=module.revision.course, actor=actor)
    target = draft.modules.filter(position=module.position).first()
    if target is None:
        return
    position = target.position
    audit(actor=actor, action="module.remove", target=target, changes={"title": target.title})
    target.delete()
    for later in draft.modules.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def module_move(*, module: Module, actor: Person | None, up: bool) -> None:
    """Swap a draft module with its neighbour."""
    draft = draft_for(course=module.revision.course, actor=actor)
    target = draft.modules.get(position=module.position)
    other = draft.modules.filter(position=target.position + (-1 if up else 1)).first()
    if other is None:
        return
    a, b = target.position, other.position
    target.position = 0
    target.save(update_fields=["position"])
    other.position = a
    other.save(update_fields=["position"])
    target.position = b
    target.save(update_fields=["position"])
    audit(actor=actor, action="module.move", target=target, changes={"from": a, "to": b})


@transaction.atomic
def question_add(
    *,
    course: Course,
    actor: Person | None,
    stem: str,
    choices: list[tuple[str, bool]],
    kind: str = QuestionKind.SINGLE,
    explanation: str = "",
    case_text: str = "",
) -> Question:
    """Add a question to the course's bank: at least two choices; one right answer unless multiple choice."""
    require_author(actor, course)
    if kind not in QuestionKind.values:
        raise ValidationError(f"Unknown question kind {kind!r}.")
    if not stem.strip():
        raise ValidationError("Write the question.")
    choices = [(t.strip(), bool(c)) for t, c in choices if t.strip()]
    if len(choices) < 2:
        raise ValidationError("A question needs at least two answers to choose from.")
    right = sum(1 for _, c in choices if c)
    if kind == QuestionKind.MULTIPLE and right < 1:
        raise ValidationError("Mark at least one answer as right.")
    if kind != QuestionKind.MULTIPLE and right != 1:
        raise ValidationError("Mark exactly one answer as right (or make it multiple choice).")
    if kind == QuestionKind.CASE and not case_text.strip():
        raise ValidationError("A case-based question needs the case.")
    question = Question.objects.create(
        course=course, kind=kind, stem=stem.strip(), explanation=explanation, case_text=case_text
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=n, text=t, correct=c) for n, (t, c) in enumerate(choices, 1)
    )
    audit(actor=actor, action="question.add", target=question, changes={"kind": kind})
    return question


@transaction.atomic
def question_retire(*, question: Question, actor: Person | None) -> None:
    require_author(actor, question.course)
    Question.objects.filter(pk=question.pk).update(active=False)
    audit(actor=actor, action="question.retire", target=question)


def publish_problems(course: Course, draft: CourseRevision) -> list[str]:
    """What stops the draft from being published, in words."""
    problems = []
    modules = list(draft.modules.all())
    if not modules:
        problems.append("Add at least one module.")
    bank = course.questions.filter(active=True).count()
    for m in modules:
        if m.kind == ModuleKind.QUIZ and bank < m.draw_count:
            problems.append(
                f"“{m.title}” draws {m.draw_count} questions but the bank holds {bank}: add questions "
                "or draw fewer."
            )
    return problems


@transaction.atomic
def revision_publish(*, course: Course, actor: Person | None, now=None) -> CourseRevision:
    """Publish the draft: it gets the next `ItemVersion`; the previous revision retires, and those who
    started it keep it. The item's minutes become the sum of its modules'."""
    require_author(actor, course)
    now = now or timezone.now()
    Course.objects.select_for_update().filter(pk=course.pk).first()
    draft = draft_revision(course)
    if draft is None:
        raise ValidationError("There is no draft to publish: edit the course first.")
    problems = publish_problems(course, draft)
    if problems:
        raise ValidationError(problems)
    course.revisions.filter(state=RevisionState.PUBLISHED).update(state=RevisionState.RETIRED)
    version = ItemVersion.objects.create(item=course.item, label=str(draft.number), published_at=now)
    draft.state, draft.version, draft.published_at = RevisionState.PUBLISHED, version, now
    draft.save(update_fields=["state", "version", "published_at"])
    minutes = draft.modules.aggregate(m=Sum("minutes"))["m"] or course.item.minutes
    LearningItem.objects.filter(pk=course.item_id).update(minutes=minutes, active=True)
    course.item.minutes = minutes
    audit(
        actor=actor,
        action="course.publish",
        target=draft,
        changes={"number": draft.number, "version": version.pk},
    )
    return draft


@transaction.atomic
def course_require(*, course: Course, actor: Person, units, job_roles=(), due_days: int = 30, name: str = ""):
    """Require a published course of staff on some units: an audience and a rule, as attestations do."""
    from bedside.assignments.rules import rule_create
    from bedside.people.services import audience_create

    require_author(actor, course)
    if published_revision(course) is None:
        raise ValidationError("Publish the course before requiring it.")
    title = name or course.title
    audience = audience_create(name=f"Required: {title}", actor=actor, units=units, job_roles=job_roles)
    return rule_create(name=title, audience=audience, item=course.item, actor=actor, due_days=due_days)
