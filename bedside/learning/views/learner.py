"""Learner pages: the catalogue, a course page with progress and resume, the module player."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bedside.learning import progress, queries
from bedside.learning.forms import CatalogueFilter
from bedside.learning.models import Course, Enrolment, ModuleKind
from bedside.learning.quizzes import attempt_start, attempts_used, open_attempt
from bedside.people.models import Person
from bedside.records.kinds import item_status


def published_or_404(course_id: int, person: Person) -> Course:
    """A published course the person may open (`queries.courses_for`), else 404."""
    course = queries.courses_for(person).filter(pk=course_id).first()
    if course is None:
        raise Http404("There is no such course, or it is not published.")
    return course


@login_required
@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = list(queries.catalogue(request.user, **{k: v for k, v in filters.items() if v}))
    learning_paths = queries.paths_for(request.user).filter(steps__isnull=False).distinct()
    learning_paths = learning_paths.order_by("item__title")
    return render(
        request, "learning/catalogue.html", {"form": form, "courses": courses, "paths": learning_paths}
    )


@login_required
@require_http_methods(["GET", "POST"])
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course: its steps with the learner's progress, its sessions, and one button to start or resume."""
    course = published_or_404(course_id, request.user)
    person = request.user
    now = timezone.now()
    if request.method == "POST":
        try:
            enrolment = progress.enrol(person=person, course=course, now=now)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("course", course.pk)
        nxt = progress.next_module(enrolment)
        return redirect("course-module", nxt.pk) if nxt else redirect("course", course.pk)
    enrolment = progress.open_enrolment(person, course)
    revision = enrolment.revision if enrolment else course.revisions.get(state="published")
    done = queries.progress_by_module(enrolment)
    modules = [(m, done.get(m.pk)) for m in revision.modules.all()]
    nxt = progress.next_module(enrolment) if enrolment else None
    context = {
        "course": course,
        "enrolment": enrolment,
        "modules": modules,
        "done_count": sum(1 for _, p in modules if p and p.done_at),
        "next": nxt,
        "status": item_status(course.item, person, now=now),
        "sessions": queries.sessions_with_places(course, person, now),
        "has_session_module": any(m.kind == ModuleKind.SESSION for m, _ in modules),
    }
    return render(request, "learning/course.html", context)


def _enrolment_and_module(request: HttpRequest, module_id: int):
    """The module's course (published), and the learner's enrolment and module when the module is
    part of their version of it; (course, None, None) when they have not started."""
    from bedside.learning.models import Module

    found = Module.objects.filter(pk=module_id).values_list("revision__course_id", flat=True).first()
    if found is None:
        raise Http404("There is no such step.")
    course = published_or_404(found, request.user)
    enrolment = progress.open_enrolment(request.user, course)
    if enrolment is None:
        return course, None, None
    module = enrolment.revision.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404("That step is not part of your version of this course.")
    return course, enrolment, module


@login_required
@require_http_methods(["GET", "POST"])
def module(request: HttpRequest, module_id: int) -> HttpResponse:
    """The player for one step: read, watch, take the quiz, book the session, or see the skills check."""
    course, enrolment, module = _enrolment_and_module(request, module_id)
    if enrolment is None:
        messages.info(request, "Start the course first.")
        return redirect("course", course.pk)
    person = request.user
    if request.method == "POST":
        try:
            if module.kind == ModuleKind.READING:
                progress.reading_done(enrolment=enrolment, module=module, person=person)
            elif module.kind == ModuleKind.QUIZ:
                attempt = attempt_start(person=person, enrolment=enrolment, module=module)
                return redirect("quiz-attempt", attempt.pk)
            else:
                raise ValidationError("This step is not finished from here.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("course-module", module.pk)
        return _after(request, course, enrolment)
    row = queries.progress_by_module(enrolment).get(module.pk)
    context = {
        "course": course,
        "enrolment": enrolment,
        "module": module,
        "row": row,
        "modules": list(enrolment.revision.modules.all()),
        "paragraphs": [p for p in module.body.split("\n\n") if p.strip()],
        "checklist": [s for s in module.checklist.splitlines() if s.strip()],
    }
    if module.resource_version_id:
        from bedside.records.kinds import is_registered, open_url

        item = module.resource_version.item
        if is_registered(item.kind):
            context["resource"] = {"title": item.title, "url": open_url(item, person)}
    if module.kind == ModuleKind.QUIZ:
        context |= {
            "used": attempts_used(enrolment, module),
            "open_attempt": open_attempt(enrolment, module),
            "attempts": module.attempts.filter(enrolment=enrolment, submitted_at__isnull=False).order_by(
                "number"
            ),
        }
    if module.kind == ModuleKind.SESSION:
        now = timezone.now()
        context |= {"sessions": queries.sessions_with_places(course, person, now)}
    return render(request, "learning/module.html", context)


def _after(request: HttpRequest, course: Course, enrolment: Enrolment) -> HttpResponse:
    """On to the next step, or back to the course page when none is left."""
    enrolment = Enrolment.objects.select_related("revision").get(pk=enrolment.pk)
    if enrolment.completed_at:
        messages.success(request, f"Done: you completed “{course.title}”.")
        return redirect("course", course.pk)
    nxt = progress.next_module(enrolment)
    if nxt is None:
        return redirect("course", course.pk)
    messages.success(request, "Saved. On to the next step.")
    return redirect("course-module", nxt.pk)


@login_required
@require_POST
def video_progress(request: HttpRequest, module_id: int) -> HttpResponse:
    """The player's script reports the share watched (our own count of seconds played, not seeking)."""
    course, enrolment, module = _enrolment_and_module(request, module_id)
    if enrolment is None or module.kind != ModuleKind.VIDEO:
        raise Http404("No video of yours here.")
    try:
        percent = int(request.POST.get("percent", ""))
        done = progress.video_watched(
            enrolment=enrolment, module=module, person=request.user, percent=percent
        )
    except (ValueError, ValidationError):
        return JsonResponse({"detail": "percent must be a whole number from 0 to 100"}, status=400)
    return JsonResponse({"done": done or bool(queries.progress_by_module(enrolment)[module.pk].done_at)})


@login_required
@require_POST
def video_done(request: HttpRequest, module_id: int) -> HttpResponse:
    """The 'Continue' button under a video: on once the share is watched, else says how much is left."""
    course, enrolment, module = _enrolment_and_module(request, module_id)
    if enrolment is None or module.kind != ModuleKind.VIDEO:
        raise Http404("No video of yours here.")
    row = queries.progress_by_module(enrolment).get(module.pk)
    if row is None or row.done_at is None:
        watched = row.watched_percent if row else 0
        messages.error(
            request, f"Watch at least {module.min_watched_percent}% of the video first (so far {watched}%)."
        )
        return redirect("course-module", module.pk)
    return _after(request, course, enrolment)
