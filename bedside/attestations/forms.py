"""The form an educator fills to require an attestation of an audience."""

from __future__ import annotations

from django import forms

from bedside.assignments.forms import TERM_FIELDS, AudienceForm, RuleTermsForm


class RequiredAttestationForm(AudienceForm, RuleTermsForm):
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

    field_order = ["title", "statement", "link", "minutes", "units", "job_roles", *TERM_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = "Enter a title, e.g. the policy's name."
        self.fields["statement"].error_messages["required"] = "Enter what people attest to."
