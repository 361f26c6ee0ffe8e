"""Forms of the credits pages: check-in, evaluation, claim, time spent, and the CME office's activity."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from bedside.core.forms import AccessibleForm
from bedside.credits.credit_types import CreditType
from bedside.credits.models import Agreement


class CheckinForm(AccessibleForm):
    code = forms.CharField(
        label="Check-in code",
        max_length=80,
        help_text="The six digits on the screen or read out by the host, or scan the code with your camera.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


class EvaluationForm(AccessibleForm):
    objectives_met = forms.ChoiceField(
        label="Were the learning objectives met?", choices=Agreement.choices, widget=forms.RadioSelect
    )
    free_of_bias = forms.ChoiceField(
        label="Was the activity free of commercial bias?", choices=YES_NO, widget=forms.RadioSelect
    )
    bias_comment = forms.CharField(
        label="If not, what bias did you notice?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    practice_change = forms.ChoiceField(
        label="Will you change your practice because of it?",
        choices=Agreement.choices,
        widget=forms.RadioSelect,
    )
    practice_change_text = forms.CharField(
        label="What will you change?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comments = forms.CharField(
        label="Other comments (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClaimForm(AccessibleForm):
    credit_type = forms.ChoiceField(label="Credit type", choices=CreditType.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label="Amount to claim",
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
        help_text="Claim only the credit that matches the time you took part.",
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    attest = forms.BooleanField(
        label="I claim only the credit commensurate with the extent of my participation.", required=True
    )

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_type"].choices = [
            (o.credit_type, f"{o.label} (up to {o.claimable})") for o in offers
        ]
        if len(offers) == 1:
            self.fields["credit_type"].initial = offers[0].credit_type
            self.fields["amount"].initial = offers[0].claimable


class TimeSpentForm(AccessibleForm):
    minutes = forms.IntegerField(
        label="Minutes you spent on it",
        min_value=1,
        max_value=1440,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ActivityForm(AccessibleForm):
    """The CME office's activity set-up: times are read in the chosen site's zone."""

    title = forms.CharField(max_length=300)
    format = forms.ChoiceField(choices=[])
    site = forms.ModelChoiceField(queryset=None, required=False, empty_label="Whole system (the CME office)")
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    location = forms.CharField(max_length=200, required=False, help_text="Room, or “Online”")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    objectives = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One learning objective a line"
    )
    target_audience = forms.CharField(max_length=300, required=False)
    topics = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                            help_text="Licence topics it counts toward")  # fmt: skip
    provider_name = forms.CharField(label="Accredited provider", max_length=200)
    accreditor_activity_id = forms.CharField(label="Activity ID (PARS)", max_length=40, required=False)
    joint_providership = forms.BooleanField(required=False)
    joint_provider_name = forms.CharField(max_length=200, required=False)
    commercial_support = forms.BooleanField(label="Commercial support received", required=False)
    commercial_supporters = forms.CharField(max_length=300, required=False)
    ama_pra_1 = forms.DecimalField(
        label="AMA PRA Category 1 Credit™ (maximum)",
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )
    ancc = forms.DecimalField(
        label="ANCC contact hours (maximum)", required=False, min_value=0, max_digits=5, decimal_places=2
    )
    ipce = forms.DecimalField(
        label="IPCE credit (maximum)", required=False, min_value=0, max_digits=5, decimal_places=2
    )
    hospital_ce = forms.DecimalField(
        label="Hospital CE hours (maximum)", required=False, min_value=0, max_digits=5, decimal_places=2
    )
    checkin_opens_minutes = forms.IntegerField(
        label="Check-in opens (minutes before the start)", initial=15, min_value=0, max_value=1440
    )
    checkin_closes_minutes = forms.IntegerField(
        label="Check-in closes (minutes after the end)", initial=30, min_value=0, max_value=1440
    )
    evaluation_required = forms.BooleanField(
        label="Evaluation required before a claim", required=False, initial=True
    )
    enduring_allowed = forms.BooleanField(label="Credit for watching or reading it later", required=False)
    enduring_until = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    OFFER_FIELDS = ("ama_pra_1", "ancc", "ipce", "hospital_ce")

    def __init__(self, *args, sites=None, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        from bedside.credits.models import ActivityFormat

        self.fields["format"].choices = ActivityFormat.choices
        self.fields["site"].queryset = sites
        self.fields["topics"].queryset = topics

    def clean(self):
        import zoneinfo

        from django.utils import timezone

        from bedside.people.timezones import system_tz

        data = super().clean()
        site = data.get("site")
        tz = zoneinfo.ZoneInfo(site.time_zone) if site else system_tz()
        for name in ("starts_at", "ends_at", "enduring_until"):
            value = data.get(name)
            if value is not None:  # typed as a wall-clock time where the activity happens
                naive = timezone.make_naive(value) if timezone.is_aware(value) else value
                data[name] = timezone.make_aware(naive, tz)
        if not any(data.get(f) for f in self.OFFER_FIELDS):
            self.add_error("ama_pra_1", "Offer at least one credit type.")
        return data

    def offers(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.OFFER_FIELDS if self.cleaned_data.get(f)}

    def activity_fields(self) -> dict:
        skip = set(self.OFFER_FIELDS) | {"topics"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}
