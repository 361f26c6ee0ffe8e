"""Forms for requiring training: who (an audience of units and roles) and when (a rule's terms).

`AudienceForm` and `RuleTermsForm` are the parts every "require this of these people" form
is made of: the rule edit form here, the new-attestation form, and the next apps' (a course,
a deck, a campaign) alike, so the fields, their limits and their messages are written once.
"""

from __future__ import annotations

import calendar

from django import forms

from bedside.assignments.models import AssignmentRule, DueFrom, Recurrence
from bedside.core.forms import AccessibleForm
from bedside.people.models import JobRole, Unit

MONTHS = [(n, calendar.month_name[n]) for n in range(1, 13)]
WINDOW_FIELDS = ("window_start_month", "window_start_day", "window_end_month", "window_end_day")
TERM_FIELDS = ("due_days", "due_from", "recurrence", "interval_months", "grace_days", *WINDOW_FIELDS)


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} · {obj.site.code}"


class AudienceForm(AccessibleForm):
    """Whose staff: units (within the educator's scope) and job roles, chosen with checkboxes.

    `units` is the queryset the educator may choose from; `everyone_allowed` (a system-wide
    grant) lets them leave every unit unticked to mean everyone. A form that reaches people
    another way too (a campaign's named persons) says so in `audience_given` and `units_missing`.
    """

    units_missing = "Choose at least one of your units."

    units = UnitChoiceField(
        label="Units",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Whose staff it requires. Type to filter the list.",
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
        self.fields["units"].queryset = units.select_related("site").order_by("site__code", "name")
        self.everyone_allowed = everyone_allowed
        if everyone_allowed:
            self.fields["units"].help_text += " Leave all unticked for every unit."

    def audience_given(self, data: dict) -> bool:
        return bool(data.get("units"))

    def clean(self):
        data = super().clean()
        if not self.audience_given(data) and not self.everyone_allowed and "units" not in self.errors:
            self.add_error("units", self.units_missing)
        return data


class RuleTermsForm(AccessibleForm):
    """When: due after N days from assignment or hire, once, every N months or in a yearly window."""

    due_days = forms.IntegerField(label="Due after (days)", min_value=0, max_value=730, initial=30)
    due_from = forms.ChoiceField(label="Counted from", choices=DueFrom.choices, initial=DueFrom.ASSIGNED)
    recurrence = forms.ChoiceField(
        label="Repeats", choices=Recurrence.choices, initial=Recurrence.NONE, widget=forms.RadioSelect
    )
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
    grace_days = forms.IntegerField(label="Grace period (days)", min_value=0, max_value=90, initial=0)

    def clean(self):
        data = super().clean()
        recurrence = data.get("recurrence")
        if recurrence == Recurrence.INTERVAL and not data.get("interval_months"):
            self.add_error("interval_months", "Say how many months a completion lasts, e.g. 12.")
        if recurrence == Recurrence.WINDOW:
            for name in WINDOW_FIELDS:
                if data.get(name) in (None, ""):
                    self.add_error(name, "A yearly window needs the day and month it opens and closes.")
        return data

    def rule_terms(self) -> dict:
        """The rule's terms as chosen; the fields of another kind of recurrence are cleared."""
        data = self.cleaned_data
        terms = {name: data[name] for name in ("due_days", "due_from", "recurrence", "grace_days")}
        terms["interval_months"] = (
            data["interval_months"] if data["recurrence"] == Recurrence.INTERVAL else None
        )
        for name in WINDOW_FIELDS:
            terms[name] = data[name] if data["recurrence"] == Recurrence.WINDOW else None
        return terms


class RuleForm(AudienceForm, RuleTermsForm):
    """An existing rule, edited: its name, audience (within the educator's scope) and terms."""

    name = forms.CharField(label="Name", max_length=200)

    field_order = ["name", "units", "job_roles", *TERM_FIELDS]

    def __init__(self, *args, units, everyone_allowed: bool, rule: AssignmentRule, **kwargs):
        initial = {name: getattr(rule, name) for name in ("name", *TERM_FIELDS)}
        initial["units"] = [u.pk for u in rule.audience.units.all() if u in units]
        initial["job_roles"] = [r.pk for r in rule.audience.job_roles.all()]
        super().__init__(*args, units=units, everyone_allowed=everyone_allowed, initial=initial, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the rule's name."

    def rule_changes(self) -> dict:
        """The rule's own fields as edited (the audience is handled apart)."""
        return {"name": self.cleaned_data["name"], **self.rule_terms()}
