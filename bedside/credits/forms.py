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
