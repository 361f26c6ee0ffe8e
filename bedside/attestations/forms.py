"""The form an educator fills to require an attestation of an audience."""

from __future__ import annotations

import calendar

from django import forms

from bedside.assignments.models import DueFrom, Recurrence
from bedside.core.forms import AccessibleForm
from bedside.people.models import JobRole, Unit

MONTHS = [(n, calendar.month_name[n]) for n in range(1, 13)]


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} · {obj.site.code}"


class AudienceForm(AccessibleForm):
    """Whose staff: units (within the educator's scope) and job roles, chosen with checkboxes."""

    units = UnitChoiceField(
        label="Units",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Whose staff must attest. Type to filter the list.",
    )
    job_roles = forms.ModelMultipleChoiceField(
        label="Job roles (optional)",
        queryset=JobRole.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every role on those units.",
    )

    def __init__(self, *args, units, everyone_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units.order_by("site__code", "name")
        self.everyone_allowed = everyone_allowed
        if everyone_allowed:
            self.fields["units"].help_text += " Leave all unticked for every unit."

    def clean(self):
        data = super().clean()
        if not data.get("units") and not self.everyone_allowed and "units" not in self.errors:
            self.add_error("units", "Choose at least one of your units.")
        return data


class RequiredAttestationForm(AudienceForm):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example: Restraint and seclusion policy"
    )
    statement = forms.CharField(
        label="What people attest to",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences, e.g. “I have read the restraint policy and will follow it.”",
    )
    link = forms.URLField(label="Link to the policy (optional)", required=False)
    minutes = forms.IntegerField(label="Minutes it takes", min_value=1, max_value=240, initial=5)
    due_days = forms.IntegerField(label="Due after (days)", min_value=0, max_value=730, initial=30)
    due_from = forms.ChoiceField(label="Counted from", choices=DueFrom.choices, initial=DueFrom.ASSIGNED)
    recurrence = forms.ChoiceField(
        label="Repeats", choices=Recurrence.choices, initial=Recurrence.NONE, widget=forms.RadioSelect
    )
    interval_months = forms.IntegerField(label="Every (months)", min_value=1, max_value=60, required=False)
    window_start_month = forms.TypedChoiceField(
        label="Window opens (month)", choices=MONTHS, coerce=int, required=False
    )
    window_start_day = forms.IntegerField(
        label="Window opens (day)", min_value=1, max_value=31, required=False
    )
    window_end_month = forms.TypedChoiceField(
        label="Window closes (month)", choices=MONTHS, coerce=int, required=False
    )
    window_end_day = forms.IntegerField(
        label="Window closes (day)", min_value=1, max_value=31, required=False
    )
    grace_days = forms.IntegerField(label="Grace period (days)", min_value=0, max_value=90, initial=0)

    field_order = ["title", "statement", "link", "minutes", "units", "job_roles"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = "Enter a title, e.g. the policy's name."
        self.fields["statement"].error_messages["required"] = "Enter what people attest to."

    def clean(self):
        data = super().clean()
        recurrence = data.get("recurrence")
        if recurrence == Recurrence.INTERVAL and not data.get("interval_months"):
            self.add_error("interval_months", "Say how many months a completion lasts, e.g. 12.")
        if recurrence == Recurrence.WINDOW:
            for name in ("window_start_month", "window_start_day", "window_end_month", "window_end_day"):
                if data.get(name) in (None, ""):
                    self.add_error(name, "A yearly window needs the day and month it opens and closes.")
        return data

    def rule_terms(self) -> dict:
        data = self.cleaned_data
        terms = {
            "due_days": data["due_days"],
            "due_from": data["due_from"],
            "recurrence": data["recurrence"],
            "grace_days": data["grace_days"],
        }
        if data["recurrence"] == Recurrence.INTERVAL:
            terms["interval_months"] = data["interval_months"]
        if data["recurrence"] == Recurrence.WINDOW:
            for name in ("window_start_month", "window_start_day", "window_end_month", "window_end_day"):
                terms[name] = data[name]
        return terms
