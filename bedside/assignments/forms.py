"""The form an educator edits a rule with: its name, who (units and roles in their scope), and when."""

from __future__ import annotations

import calendar

from django import forms

from bedside.assignments.models import AssignmentRule, DueFrom, Recurrence
from bedside.core.forms import AccessibleForm
from bedside.people.models import JobRole, Unit

MONTHS = [(n, calendar.month_name[n]) for n in range(1, 13)]
WINDOW_FIELDS = ("window_start_month", "window_start_day", "window_end_month", "window_end_day")


class RuleForm(AccessibleForm):
    name = forms.CharField(label="Name", max_length=200)
    units = forms.ModelMultipleChoiceField(
        label="Units",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Whose staff it requires.",
    )
    job_roles = forms.ModelMultipleChoiceField(
        label="Job roles (optional)",
        queryset=JobRole.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for every role on those units.",
    )
    due_days = forms.IntegerField(label="Due after (days)", min_value=0, max_value=730)
    due_from = forms.ChoiceField(label="Counted from", choices=DueFrom.choices)
    recurrence = forms.ChoiceField(label="Repeats", choices=Recurrence.choices, widget=forms.RadioSelect)
    interval_months = forms.IntegerField(label="Every (months)", min_value=1, max_value=60, required=False)
    window_start_month = forms.TypedChoiceField(
        label="Window opens (month)", choices=MONTHS, coerce=int, required=False, empty_value=None
    )
    window_start_day = forms.IntegerField(
        label="Window opens (day)", min_value=1, max_value=31, required=False
    )
    window_end_month = forms.TypedChoiceField(
        label="Window closes (month)", choices=MONTHS, coerce=int, required=False, empty_value=None
    )
    window_end_day = forms.IntegerField(
        label="Window closes (day)", min_value=1, max_value=31, required=False
    )
    grace_days = forms.IntegerField(label="Grace period (days)", min_value=0, max_value=90)

    def __init__(self, *args, units, everyone_allowed: bool, rule: AssignmentRule, **kwargs):
        initial = {
            name: getattr(rule, name)
            for name in (
                "name",
                "due_days",
                "due_from",
                "recurrence",
                "interval_months",
                "grace_days",
                *WINDOW_FIELDS,
            )
        }
        initial["units"] = [u.pk for u in rule.audience.units.all() if u in units]
        initial["job_roles"] = [r.pk for r in rule.audience.job_roles.all()]
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["units"].queryset = units
        self.fields["name"].error_messages["required"] = "Enter the rule's name."
        self.everyone_allowed = everyone_allowed
        if everyone_allowed:
            self.fields["units"].help_text += " Leave empty for every unit."

    def clean(self):
        data = super().clean()
        if not data.get("units") and not self.everyone_allowed and "units" not in self.errors:
            self.add_error("units", "Choose at least one of your units.")
        recurrence = data.get("recurrence")
        if recurrence == Recurrence.INTERVAL and not data.get("interval_months"):
            self.add_error("interval_months", "Say how many months a completion lasts, e.g. 12.")
        if recurrence == Recurrence.WINDOW:
            for name in WINDOW_FIELDS:
                if data.get(name) in (None, ""):
                    self.add_error(name, "A yearly window needs the day and month it opens and closes.")
        return data

    def rule_changes(self) -> dict:
        """The rule's own fields as edited (the audience is handled apart)."""
        data = self.cleaned_data
        changes = {name: data[name] for name in ("name", "due_days", "due_from", "recurrence", "grace_days")}
        changes["interval_months"] = (
            data["interval_months"] if data["recurrence"] == Recurrence.INTERVAL else None
        )
        for name in WINDOW_FIELDS:
            changes[name] = data[name] if data["recurrence"] == Recurrence.WINDOW else None
        return changes
