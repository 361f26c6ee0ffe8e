"""Learning paths: a learner sees their place on one; an educator builds one from published courses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from bedside.core.forms import AccessibleForm
from bedside.learning import paths, queries
from bedside.learning.models import Course, LearningPath
from bedside.learning.scopes import AUTHORS, authoring_departments
from bedside.people import access
from bedside.people.models import Department


@login_required
@require_safe
def path(request: HttpRequest, path_id: int) -> HttpResponse:
    found = get_object_or_404(LearningPath.objects.select_related("item"), pk=path_id, item__active=True)
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
    steps = found.steps.select_related("course__item").prefetch_related("prerequisites__course__item")
    return render(request, "learning/teach_path.html", {"path": found, "steps": steps, "form": form})
