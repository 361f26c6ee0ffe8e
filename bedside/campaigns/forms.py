"""The form an educator fills to set up a campaign."""

from __future__ import annotations

import re

from django import forms

from bedside.assignments.forms import AudienceForm, UnitChoiceField
from bedside.campaigns.models import Priority
from bedside.core.forms import AccessibleForm
from bedside.people.models import JobRole, Person, Unit
from bedside.records import kinds
from bedside.records.models import LearningItem
from bedside.rosters.importing_files import person_ids_ignoring_case


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LearningItem) -> str:
        label = kinds.get_kind(obj.kind).label if kinds.is_registered(obj.kind) else obj.kind
        return f"{obj.title} · {label}, {obj.minutes} min"


class CampaignForm(AudienceForm):
    """A campaign's what, why, who (the shared audience fields: units in scope and roles, plus named
    people) and when."""

    units_missing = "Choose at least one of your units, or name people below."

    name = forms.CharField(label="Name", max_length=200, help_text="For example: ICU cross-training")
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why now, in a sentence or two: people read it when they open the training.",
    )
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, initial=Priority.ROUTINE, widget=forms.RadioSelect
    )
    items = ItemChoiceField(
        label="Bundle",
        queryset=LearningItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The learning items everyone in the campaign must complete. Type to filter the list.",
    )
    named = forms.CharField(
        label="Named people (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Employee ids, separated by commas or new lines, of people to add beyond the units.",
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label="Deadline", widget=forms.DateInput(attrs={"type": "date"}))

    field_order = [
        "name",
        "reason",
        "priority",
        "items",
        "units",
        "job_roles",
        "named",
        "starts_on",
        "deadline",
    ]

    def __init__(self, *args, units, today, everyone_allowed: bool = False, **kwargs):
        super().__init__(*args, units=units, everyone_allowed=everyone_allowed, **kwargs)
        self.today = today
        self.fields["units"].help_text = "Whose staff take part. Type to filter the list."
        if everyone_allowed:
            self.fields["units"].help_text += " Leave all unticked (and name no one) for every unit."
        registered = [k.kind for k in kinds.registered_kinds()]
        self.fields["items"].queryset = LearningItem.objects.filter(
            active=True, kind__in=registered
        ).order_by("title")
        self.fields["name"].error_messages["required"] = "Enter the campaign's name."
        self.fields["reason"].error_messages["required"] = "Say why the campaign is needed."
        self.fields["items"].error_messages["required"] = "Choose at least one learning item."
        self.fields["starts_on"].error_messages["required"] = "Enter the day the campaign starts."
        self.fields["deadline"].error_messages["required"] = "Enter the deadline."
        for name in ("starts_on", "deadline"):
            self.fields[name].error_messages["invalid"] = "Enter a real date, e.g. 2026-12-10."
        self.initial.setdefault("starts_on", today)

    def clean_named(self) -> list[Person]:
        raw = [e for e in re.split(r"[\s,;]+", self.cleaned_data.get("named") or "") if e]
        if not raw:
            return []
        ids = person_ids_ignoring_case(raw)
        found = {e: Person(pk=ids[e.lower()]) for e in raw if e.lower() in ids}
        missing = [e for e in raw if e not in found]
        if missing:
            raise forms.ValidationError(
                f"No person in Bedside has the employee id {', '.join(missing[:10])}."
            )
        return list(Person.objects.filter(pk__in=[p.pk for p in found.values()]).order_by("pk"))

    def clean(self):
        data = super().clean()
        start, deadline = data.get("starts_on"), data.get("deadline")
        if deadline and deadline < self.today:
            self.add_error("deadline", "The deadline has passed; choose a day from today on.")
        elif start and deadline and deadline < start:
            self.add_error("deadline", "The deadline must be on or after the start.")
        return data

    def audience_given(self, data: dict) -> bool:
        return bool(data.get("units") or data.get("named"))


class ReadinessForm(AccessibleForm):
    """A readiness rule: what the people are cleared for, which items it takes, and for whom."""

    name = forms.CharField(
        label="Cleared for", max_length=120, help_text="For example: ICU float under team nursing"
    )
    items = ItemChoiceField(
        label="Items it takes",
        queryset=LearningItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="All must be complete and valid. Leave all unticked for the whole bundle.",
    )
    units = UnitChoiceField(
        label="Units (optional)",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every unit of the campaign.",
    )
    job_roles = forms.ModelMultipleChoiceField(
        label="Job roles (optional)",
        queryset=JobRole.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every role in the campaign.",
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = (
            "Name what the people are cleared for, e.g. ICU float under team nursing."
        )
        self.fields["items"].queryset = LearningItem.objects.filter(
            pk__in=campaign.items.values("item_id")
        ).order_by("title")
        members = campaign.members.all()
        self.fields["units"].queryset = (
            Unit.objects.filter(pk__in=members.values("unit_id"))
            .select_related("site")
            .order_by("site__code", "name")
        )
        self.fields["job_roles"].queryset = JobRole.objects.filter(
            pk__in=members.values("job_role_id")
        ).order_by("name")
