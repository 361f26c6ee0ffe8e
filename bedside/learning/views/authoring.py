"""Authoring pages for educators: their courses, the draft's modules and questions, publishing,
preview as a learner, requiring it of units, and scheduling sessions. Scoped by the access
registry: courses of the departments they teach, and those they own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bedside.core.forms import parse_id
from bedside.learning import authoring, sessions
from bedside.learning.forms import (
    LIBRARY_KIND,
    CourseForm,
    ModuleForm,
    QuestionForm,
    RequireForm,
    SessionForm,
    library_versions,
)
from bedside.learning.models import Course, CourseSession, Module, ModuleKind, Room
from bedside.learning.scopes import AUTHORS, authoring_departments
from bedside.people import access
from bedside.people.models import Person
from bedside.people.timezones import system_tz
from bedside.records.search import search_items

DENIED = "Course authoring is for educators."
MISSING = (
    "You can only edit the courses of your departments and those you own: this one is not, or does not exist."
)


def _require_educator(request: HttpRequest) -> None:
    if not access.has_any(request.user, AUTHORS):
        raise PermissionDenied(DENIED)


def authored(request: HttpRequest, course_id: int) -> Course:
    rows = Course.objects.select_related("item", "department").distinct()
    return access.get_in_scope(
        request.user, AUTHORS, rows, own=True, denied=DENIED, missing=MISSING, pk=course_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def courses(request: HttpRequest) -> HttpResponse:
    """The educator's courses, and the form for a new one."""
    _require_educator(request)
    form = CourseForm(request.POST or None, departments=authoring_departments(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = authoring.course_create(actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"“{course.title}” created as a draft. Add its modules.")
            return redirect("teach-course", course.pk)
    rows = (
        access.scoped(request.user, AUTHORS, Course, own=True)
        .select_related("item", "department")
        .prefetch_related("revisions")
        .distinct()
        .order_by("item__title")
    )
    return render(request, "learning/teach_courses.html", {"courses": rows, "form": form})


@login_required
@require_safe
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    """One course for its authors: the draft (or published) modules, the question bank, the sessions."""
    course = authored(request, course_id)
    draft = authoring.draft_revision(course)
    published = authoring.published_revision(course)
    shown = draft or published
    context = {
        "course": course,
        "draft": draft,
        "published": published,
        "modules": list(shown.modules.all()) if shown else [],
        "problems": authoring.publish_problems(course, draft) if draft else [],
        "questions": course.questions.filter(active=True).prefetch_related("choices"),
        "sessions": CourseSession.objects.filter(course=course)
        .select_related("room")
        .order_by("-starts_at")[:20],
        "kinds": ModuleKind.choices,
    }
    return render(request, "learning/teach_course.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def module_new(request: HttpRequest, course_id: int) -> HttpResponse:
    course = authored(request, course_id)
    kind = request.GET.get("kind") or request.POST.get("kind") or ModuleKind.READING
    if kind not in ModuleKind.values:
        kind = ModuleKind.READING
    form = ModuleForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            authoring.module_add(course=course, actor=request.user, kind=kind, **fields)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Module added to the draft.")
            return redirect("teach-course", course.pk)
    context = {"course": course, "form": form, "kind": kind, "kind_label": ModuleKind(kind).label}
    if kind == ModuleKind.READING:
        q = (request.GET.get("library_q") or "").strip()[:100]
        chosen = form.cleaned_data.get("resource_version") if form.is_bound and form.is_valid() else None
        picked = request.POST.get("resource_version") or ""
        if chosen is None and picked.isdigit():
            chosen = library_versions().filter(pk=int(picked[:12])).first()
        context |= {"library_q": q, "hits": _library_hits(q), "chosen": chosen}
    return render(request, "learning/teach_module.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def module_edit(request: HttpRequest, module_id: int) -> HttpResponse:
    """Change a module; a published course's module is changed in a new draft (learners keep theirs)."""
    module = Module.objects.filter(pk=module_id).select_related("revision", "resource_version__item").first()
    course = authored(request, module.revision.course_id if module else 0)
    kind = module.kind
    initial = {name: getattr(module, name) for name in ModuleForm.FIELDS[kind]}
    form = ModuleForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            authoring.module_update(module=module, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” changed in the draft.")
            return redirect("teach-course", course.pk)
    context = {
        "course": course,
        "form": form,
        "kind": kind,
        "kind_label": ModuleKind(kind).label,
        "module": module,
    }
    if kind == ModuleKind.READING:
        chosen = module.resource_version if not form.is_bound else None
        if form.is_bound and form.is_valid():
            chosen = form.cleaned_data.get("resource_version")
        q = (request.GET.get("library_q") or "").strip()[:100]
        context |= {"library_q": q, "hits": _library_hits(q), "chosen": chosen}
    return render(request, "learning/teach_module.html", context)


PICKER_HITS = 12


def _library_hits(q: str) -> list:
    """Published library resources answering `q`, through the catalogue's search registry."""
    hits = [h for h in search_items(q, kinds=(LIBRARY_KIND,), limit=PICKER_HITS) if h.version_id]
    current = set(library_versions().filter(pk__in=[h.version_id for h in hits]).values_list("pk", flat=True))
    return [h for h in hits if h.version_id in current]


@login_required
@require_safe
def library_picker(request: HttpRequest, course_id: int) -> HttpResponse:
    """The picker's results for a search (htmx swaps them under the search box)."""
    course = authored(request, course_id)
    q = (request.GET.get("library_q") or "").strip()[:100]
    return render(
        request,
        "learning/_library_picker.html",
        {"course": course, "library_q": q, "hits": _library_hits(q), "chosen": None},
    )


@login_required
@require_POST
def module_action(request: HttpRequest, course_id: int) -> HttpResponse:
    """Move a module up or down, or remove it, in the draft."""
    course = authored(request, course_id)
    shown = authoring.draft_revision(course) or authoring.published_revision(course)
    module = shown.modules.filter(pk=parse_id(request.POST.get("module")) or 0).first() if shown else None
    action = request.POST.get("action")
    if module is None or action not in ("up", "down", "remove"):
        messages.error(request, "Choose a module of this course and what to do with it.")
    elif action == "remove":
        authoring.module_remove(module=module, actor=request.user)
        messages.success(request, f"“{module.title}” removed from the draft.")
    else:
        authoring.module_move(module=module, actor=request.user, up=action == "up")
    return redirect("teach-course", course.pk)


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, course_id: int) -> HttpResponse:
    course = authored(request, course_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            authoring.question_add(
                course=course,
                actor=request.user,
                kind=data["kind"],
                stem=data["stem"],
                case_text=data["case_text"],
                explanation=data["explanation"],
                choices=form.choices(),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Question added to the bank.")
            if request.POST.get("another"):
                return redirect("teach-question-new", course.pk)
            return redirect("teach-course", course.pk)
    return render(request, "learning/teach_question.html", {"course": course, "form": form})


@login_required
@require_POST
def publish(request: HttpRequest, course_id: int) -> HttpResponse:
    course = authored(request, course_id)
    try:
        revision = authoring.revision_publish(course=course, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Published as version {revision.number}. Learners already on an earlier version keep it.",
        )
    return redirect("teach-course", course.pk)


@login_required
@require_safe
def preview(request: HttpRequest, course_id: int) -> HttpResponse:
    """The draft (or published) revision as a learner sees it, without writing anything."""
    course = authored(request, course_id)
    shown = authoring.draft_revision(course) or authoring.published_revision(course)
    modules = list(shown.modules.all()) if shown else []
    steps = [
        {
            "module": m,
            "paragraphs": [p for p in m.body.split("\n\n") if p.strip()],
            "checklist": [s for s in m.checklist.splitlines() if s.strip()],
        }
        for m in modules
    ]
    sample = list(course.questions.filter(active=True).prefetch_related("choices")[:3])
    return render(
        request,
        "learning/preview.html",
        {"course": course, "revision": shown, "steps": steps, "sample": sample},
    )


@login_required
@require_http_methods(["GET", "POST"])
def require(request: HttpRequest, course_id: int) -> HttpResponse:
    """Require the published course of staff on units the educator teaches."""
    course = authored(request, course_id)
    units = access.units_in_scope(request.user, AUTHORS).select_related("site")
    form = RequireForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = authoring.course_require(
                course=course,
                actor=request.user,
                units=data["units"],
                job_roles=data["job_roles"],
                due_days=data["due_days"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"“{course.title}” is now required; it is being assigned.")
            return redirect("rule", rule.pk)
    return render(request, "learning/teach_require.html", {"course": course, "form": form})


def session_choices(request: HttpRequest, course: Course) -> tuple:
    """Rooms of the sites the educator teaches (and the course's), and who may instruct."""
    site_ids = set(access.units_in_scope(request.user, AUTHORS).values_list("site_id", flat=True))
    if course.department_id:
        site_ids.add(course.department.site_id)
    rooms = (
        Room.objects.filter(site_id__in=site_ids).select_related("site")
        if not access.is_admin(request.user)
        else Room.objects.all()
    )
    instructors = Person.objects.filter(is_active=True).order_by("last_name", "first_name")
    if not access.is_admin(request.user):
        instructors = instructors.filter(
            pk__in=access.persons_in_scope(request.user, AUTHORS).values("pk")
        ) | Person.objects.filter(pk=request.user.pk)
    return rooms, instructors


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, course_id: int) -> HttpResponse:
    course = authored(request, course_id)
    rooms, instructors = session_choices(request, course)
    tz = system_tz()
    form = SessionForm(request.POST or None, rooms=rooms, instructors=instructors, tz=tz)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = sessions.session_create(
                actor=request.user,
                course=course,
                mode=data["mode"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                seats=data["seats"],
                room=data["room"],
                virtual_link=data["virtual_link"],
                instructors=data["instructors"],
                cancel_cutoff_hours=data["cancel_cutoff_hours"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Session scheduled; learners can book it from the course page.")
            return redirect("session-roster", session.pk)
    return render(request, "learning/teach_session.html", {"course": course, "form": form, "tz": tz})
