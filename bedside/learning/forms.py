"""Forms of the learning pages: catalogue filters, authoring, sessions, check-in."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone

from bedside.core.forms import AccessibleForm
from bedside.learning.models import Modality, ModuleKind, QuestionKind, Room, SessionMode
from bedside.people.models import Department, JobRole, Person, Unit
from bedside.records.models import ItemVersion

DURATIONS = [
    ("", "Any length"),
    ("15", "Up to 15 minutes"),
    ("60", "Up to an hour"),
    ("61", "More than an hour"),
]


class CatalogueFilter(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    modality = forms.ChoiceField(label="Modality", choices=[("", "Any")] + Modality.choices, required=False)
    duration = forms.ChoiceField(label="Length", choices=DURATIONS, required=False)
    for_me = forms.BooleanField(label="Only courses meant for me", required=False)


class CourseForm(AccessibleForm):
    title = forms.CharField(label="Title", max_length=300, help_text="For example: Central line care bundle")
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    modality = forms.ChoiceField(label="Modality", choices=Modality.choices, initial=Modality.BLENDED)
    minutes = forms.IntegerField(label="Estimated minutes", min_value=1, max_value=2400, initial=45)
    credit_hours = forms.DecimalField(
        label="Credit hours", min_value=0, max_value=99, decimal_places=2, initial=0
    )
    department = forms.ModelChoiceField(
        label="Department",
        queryset=Department.objects.none(),
        required=False,
        help_text="Its educators may edit the course too. Leave empty to keep it to yourself.",
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = lambda d: f"{d.name} · {d.site.code}"
        self.fields["title"].error_messages["required"] = "Enter the course's title."


class ModuleForm(AccessibleForm):
    """The fields of one kind of module; the view shows only those that apply to the kind."""

    FIELDS = {
        ModuleKind.READING: ("title", "minutes", "body", "resource_version"),
        ModuleKind.VIDEO: ("title", "minutes", "video_url", "min_watched_percent"),
        ModuleKind.QUIZ: ("title", "minutes", "draw_count", "pass_percent", "max_attempts"),
        ModuleKind.SESSION: ("title", "minutes"),
        ModuleKind.SKILLS: ("title", "minutes", "checklist"),
    }

    title = forms.CharField(label="Title", max_length=200)
    minutes = forms.IntegerField(label="Minutes it takes", min_value=1, max_value=600, initial=10)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="Plain text; a blank line starts a paragraph. Or choose a library resource below.",
    )
    # Rendered by the library picker (radio buttons from a search), not by its widget.
    resource_version = forms.ModelChoiceField(
        label="Library resource",
        queryset=ItemVersion.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose a published library resource from the search."},
    )
    video_url = forms.URLField(label="Video address", help_text="An MP4 or WebM file the browser can play")
    min_watched_percent = forms.IntegerField(
        label="Share to watch (%)", min_value=1, max_value=100, initial=90
    )
    draw_count = forms.IntegerField(label="Questions per attempt", min_value=1, max_value=100, initial=5)
    pass_percent = forms.IntegerField(label="Pass mark (%)", min_value=1, max_value=100, initial=80)
    max_attempts = forms.IntegerField(
        label="Attempts allowed", min_value=0, max_value=20, initial=3, help_text="0: no limit"
    )
    checklist = forms.CharField(
        label="What the validator observes",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One step a line.",
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS[kind]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["title"].error_messages["required"] = "Enter the module's title."
        if "resource_version" in self.fields:
            self.fields["resource_version"].queryset = library_versions()

    def clean(self):
        data = super().clean()
        reading = "resource_version" in self.fields and "resource_version" not in self.errors
        if reading and not data.get("body", "").strip() and not data.get("resource_version"):
            self.add_error("body", "Write the reading's text, or choose a library resource for it.")
        return data


LIBRARY_KIND = "library"  # a library resource is a catalogue item of this kind (docs/contracts.md)


def library_versions():
    """Published versions of library resources still in the library (the catalogue's ItemVersions)."""
    return ItemVersion.objects.filter(item__kind=LIBRARY_KIND, item__active=True).select_related("item")


class QuestionForm(AccessibleForm):
    kind = forms.ChoiceField(
        label="Kind", choices=QuestionKind.choices, widget=forms.RadioSelect, initial="single"
    )
    case_text = forms.CharField(
        label="Case (case-based only)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    stem = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 2}))
    choice_1 = forms.CharField(label="Answer 1", max_length=500)
    choice_2 = forms.CharField(label="Answer 2", max_length=500)
    choice_3 = forms.CharField(label="Answer 3 (optional)", max_length=500, required=False)
    choice_4 = forms.CharField(label="Answer 4 (optional)", max_length=500, required=False)
    right = forms.MultipleChoiceField(
        label="Right answer(s)",
        choices=[(str(n), f"Answer {n} is right") for n in range(1, 5)],
        widget=forms.CheckboxSelectMultiple,
    )
    explanation = forms.CharField(
        label="Explanation shown after submitting", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def choices(self) -> list[tuple[str, bool]]:
        right = set(self.cleaned_data["right"])
        return [(self.cleaned_data.get(f"choice_{n}") or "", str(n) in right) for n in range(1, 5)]


class RequireForm(AccessibleForm):
    units = forms.ModelMultipleChoiceField(
        label="Units",
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Whose staff must complete it.",
    )
    job_roles = forms.ModelMultipleChoiceField(
        label="Job roles (optional)",
        queryset=JobRole.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every role on those units.",
    )
    due_days = forms.IntegerField(label="Due after (days)", min_value=0, max_value=730, initial=30)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units.order_by("site__code", "name")
        self.fields["units"].label_from_instance = lambda u: f"{u.name} · {u.site.code}"
        self.fields["units"].error_messages["required"] = "Choose at least one of your units."


class SessionForm(AccessibleForm):
    mode = forms.ChoiceField(
        label="Kind", choices=SessionMode.choices, widget=forms.RadioSelect, initial="classroom"
    )
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    room = forms.ModelChoiceField(label="Room (classroom)", queryset=Room.objects.none(), required=False)
    virtual_link = forms.URLField(label="Link (virtual)", required=False)
    seats = forms.IntegerField(label="Seats", min_value=1, max_value=500, initial=12)
    instructors = forms.ModelMultipleChoiceField(
        label="Instructors",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the roster and take attendance.",
    )
    cancel_cutoff_hours = forms.IntegerField(
        label="Learners may cancel up to (hours before)", min_value=0, max_value=336, initial=24
    )

    def __init__(self, *args, rooms, instructors, tz: zoneinfo.ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.fields["room"].queryset = rooms
        self.fields["instructors"].queryset = instructors
        self.fields["instructors"].label_from_instance = lambda p: p.full_name

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            data["starts_at"] = dt.datetime.combine(data["day"], data["start"], tzinfo=self.tz)
            data["ends_at"] = dt.datetime.combine(data["day"], data["end"], tzinfo=self.tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", "The session must end after it starts.")
            elif data["starts_at"] <= timezone.now():
                self.add_error("day", "Choose a time in the future.")
        return data


class CheckinForm(AccessibleForm):
    code = forms.CharField(
        label="Check-in code",
        max_length=80,
        help_text="The six digits on the screen, or scan the code.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
