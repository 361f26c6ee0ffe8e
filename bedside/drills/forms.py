from __future__ import annotations

import datetime as dt

from django import forms

from bedside.core.forms import AccessibleForm
from bedside.drills.models import Scenario, ThreatCategory


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
