from __future__ import annotations

import datetime as dt

from django import forms

from bedside.core.forms import AccessibleForm
from bedside.drills.models import CardKind, Scenario, ThreatCategory


class PlanForm(AccessibleForm):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.select_related("item"), empty_label=None)
    unit = forms.ModelChoiceField(queryset=None, empty_label=None)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label="Start time (unit's local time)"
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def planned_at(self) -> dt.datetime:
        import zoneinfo

        data = self.cleaned_data
        tz = zoneinfo.ZoneInfo(data["unit"].site.time_zone)
        return dt.datetime.combine(data["day"], data["time"], tzinfo=tz).astimezone(dt.UTC)


class ThreatForm(AccessibleForm):
    category = forms.ChoiceField(choices=ThreatCategory.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    owner = forms.ModelChoiceField(queryset=None, empty_label=None, help_text="Who will fix it")
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Fix by")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class AnkiImportForm(AccessibleForm):
    file = forms.FileField(
        label="Anki deck (.apkg)", help_text="Basic and Cloze notes, with images and review history"
    )
    unit = forms.ModelChoiceField(
        queryset=None, empty_label=None, help_text="The unit whose educators look after it"
    )
    title = forms.CharField(required=False, max_length=200, help_text="Leave empty to keep the deck's name")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DeckForm(AccessibleForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    unit = forms.ModelChoiceField(
        queryset=None, empty_label=None, help_text="The unit whose educators look after it"
    )
    goal_recall = forms.IntegerField(
        min_value=50,
        max_value=99,
        initial=90,
        label="Goal: predicted recall (%)",
        help_text="Reaching it writes mastery to the learner's record",
    )
    new_per_day = forms.IntegerField(min_value=1, max_value=100, initial=10, label="New cards a day")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CardForm(AccessibleForm):
    kind = forms.ChoiceField(choices=CardKind.choices, initial=CardKind.BASIC)
    front = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a cloze card hide words as {{c1::hidden words}}",
    )
    back = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Back (answer)")
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Options (single best answer)",
        help_text="One option a line",
    )
    correct_option = forms.IntegerField(
        min_value=1, max_value=10, required=False, label="Correct option (its line number)"
    )
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    image = forms.FileField(required=False, help_text="PNG, JPEG, GIF, WebP or SVG")
    image_alt = forms.CharField(max_length=200, required=False, label="Image description")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        options = [line.strip() for line in data["options"].splitlines() if line.strip()]
        correct = data["correct_option"] - 1 if data["correct_option"] else None
        return {
            "kind": data["kind"], "front": data["front"], "back": data["back"], "options": options,
            "correct_option": correct, "explanation": data["explanation"], "image": data["image"],
            "image_alt": data["image_alt"],
        }  # fmt: skip
