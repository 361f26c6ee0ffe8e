"""Learning paths: a learner sees their place on one; an educator builds one from published courses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from bedside.core.forms import AccessibleForm, parse_id
from bedside.learning import paths, queries
from bedside.learning.models import Course, LearningPath
from bedside.learning.scopes import AUTHORS, authoring_departments
from bedside.people import access
from bedside.people.models import Department


@login_required
@require_safe
def path(request: HttpRequest, path_id: int) -> HttpResponse:
    found = get_object_or_404(queries.paths_for(request.user), pk=path_id)
    places = paths.place_on(found, request.user)
    done = sum(1 for p in places if p.done)
    return render(request, "learning/path.html", {"path": found, "places": places, "done": done})


class PathForm(AccessibleForm):
    title = forms.CharField(
        label="Title", max_length=300, help_text="For example: New-graduate nurse residency"
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    department = forms.ModelChoiceField(
        label="Department", queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = lambda d: f"{d.name} · {d.site.code}"


class StepForm(AccessibleForm):
    course = forms.ModelChoiceField(label="Course", queryset=Course.objects.none())
    after_previous = forms.BooleanField(
        label="Opens only once the step before it is done", required=False, initial=True
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].label_from_instance = lambda c: c.item.title


def _require_educator(request: HttpRequest) -> None:
    if not access.has_any(request.user, AUTHORS):
        raise PermissionDenied("Learning paths are built by educators.")


@login_required
@require_http_methods(["GET", "POST"])
def teach_paths(request: HttpRequest) -> HttpResponse:
    _require_educator(request)
    form = PathForm(request.POST or None, departments=authoring_departments(request.user))
    if request.method == "POST" and form.is_valid():
        made = paths.path_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"“{made.item.title}” created. Add its courses in order.")
        return redirect("teach-path", made.pk)
    rows = [
        p
        for p in LearningPath.objects.select_related("item").order_by("item__title")
        if _may_edit(request, p)
    ]
    return render(request, "learning/teach_paths.html", {"paths": rows, "form": form})


def _may_edit(request: HttpRequest, path: LearningPath) -> bool:
    try:
        paths.require_path_author(request.user, path)
    except PermissionDenied:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def teach_path(request: HttpRequest, path_id: int) -> HttpResponse:
    _require_educator(request)
    found = LearningPath.objects.select_related("item").filter(pk=path_id).first()
    if found is None or not _may_edit(request, found):
        raise Http404(
            "You can edit only the paths of your departments and those you own: this one is not, or does not exist."
        )
    action = request.POST.get("action", "add") if request.method == "POST" else ""
    if action in ("up", "down", "remove", "needs"):
        _step_action(request, found, action)
        return redirect("teach-path", found.pk)
    form = StepForm(request.POST or None, courses=queries.published_courses())
    if request.method == "POST" and form.is_valid():
        try:
            paths.path_step_add(
                path=found,
                actor=request.user,
                course=form.cleaned_data["course"],
                after_previous=form.cleaned_data["after_previous"],
            )
        except ValidationError as exc:
            form.add_error("course", exc.messages[0])
        else:
            messages.success(request, "Course added to the path.")
            return redirect("teach-path", found.pk)
    steps = list(found.steps.select_related("course__item").prefetch_related("prerequisites"))
    rows = [
        {
            "step": s,
            "needs": [p for p in s.prerequisites.all()],
            "earlier": steps[:n],
            "first": n == 0,
            "last": n == len(steps) - 1,
        }
        for n, s in enumerate(steps)
    ]
    titles = {s.pk: s.course.item.title for s in steps}
    for row in rows:
        row["need_titles"] = [titles[p.pk] for p in row["needs"]]
        row["need_ids"] = {p.pk for p in row["needs"]}
    return render(request, "learning/teach_path.html", {"path": found, "rows": rows, "form": form})


def _step_action(request: HttpRequest, found: LearningPath, action: str) -> None:
    step = (
        found.steps.select_related("course__item").filter(pk=parse_id(request.POST.get("step")) or 0).first()
    )
    if step is None:
        messages.error(request, "Choose a step of this path.")
        return
    title = step.course.item.title
    try:
        if action == "remove":
            paths.path_step_remove(path=found, actor=request.user, step=step)
            messages.success(
                request, f"“{title}” taken off the path; what needed it now needs what it needed."
            )
        elif action == "needs":
            ids = [parse_id(v) for v in request.POST.getlist("needs")]
            needs = list(found.steps.filter(pk__in=ids))
            if len(needs) != len(set(ids)):
                raise ValidationError("Choose steps of this path.")
            paths.path_step_prerequisites_set(path=found, actor=request.user, step=step, prerequisites=needs)
            messages.success(request, f"Saved what “{title}” needs first.")
        else:
            paths.path_step_move(path=found, actor=request.user, step=step, up=action == "up")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
