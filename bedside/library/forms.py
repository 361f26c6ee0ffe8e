"""Curators' forms: a new resource, a draft, sending it for review; a reviewer's decision."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from bedside.core.forms import AccessibleForm
from bedside.library.models import KEY_POINTS_MAX, ResourceKind
from bedside.people.models import Audience, Capability, Person

DATE = forms.DateInput(attrs={"type": "date"})


class VersionFields(AccessibleForm):
    key_points = forms.CharField(
        label="Key points",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=KEY_POINTS_MAX,
        help_text=f"One point a line, read in two minutes on a phone (at most {KEY_POINTS_MAX:,} characters).",
    )
    body = forms.CharField(
        label="Full text (Markdown)", widget=forms.Textarea(attrs={"rows": 14}), required=False,
        help_text="Headings with ##, lists with -, **bold**. HTML is not allowed.",
    )  # fmt: skip
    change_summary = forms.CharField(
        label="What changed", widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text="For the people who read it again: one or two sentences.",
    )  # fmt: skip
    effective_on = forms.DateField(label="Effective from", widget=DATE)
    next_review_on = forms.DateField(label="Next review", widget=DATE)
    requires_acknowledgment = forms.BooleanField(
        label="Requires acknowledgment", required=False,
        help_text="Everyone it concerns must acknowledge this version.",
    )  # fmt: skip
    acknowledge_within_days = forms.IntegerField(
        label="Acknowledge within (days)", min_value=1, max_value=365, initial=14
    )

    def clean(self):
        data = super().clean()
        effective, review = data.get("effective_on"), data.get("next_review_on")
        if effective and review and review < effective:
            self.add_error("next_review_on", "The next review comes after the effective date.")
        return data


class ResourceForm(VersionFields):
    title = forms.CharField(label="Title", max_length=300, help_text="What a clinician would look for")
    kind = forms.ChoiceField(label="Kind", choices=ResourceKind.choices)
    audience = forms.ModelChoiceField(
        label="Whom it concerns", queryset=Audience.objects.order_by("name"), required=False,
        empty_label="Everyone (no audience)",
    )  # fmt: skip
    tags = forms.CharField(label="Tags", required=False, help_text="Comma-separated, e.g. icu, ventilation")
    minutes = forms.IntegerField(label="Minutes to read", min_value=1, max_value=240, initial=2)
    link = forms.URLField(label="Link (for videos and external links)", required=False)

    field_order = ["title", "kind", "audience", "tags", "minutes", "link", "key_points", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["effective_on"].initial = today
        self.fields["next_review_on"].initial = today + dt.timedelta(days=365)
        self.fields["change_summary"].initial = "First version."

    def tag_names(self) -> list[str]:
        return [t for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]


class ReviewersForm(AccessibleForm):
    reviewers = forms.ModelMultipleChoiceField(
        label="Reviewers",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each must approve before it is published.",
        error_messages={"required": "Choose at least one reviewer."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Reviewers are the library's curators and the clinical educators.
        grants = (Capability.CURATE, Capability.TEACH, Capability.ADMINISTER)
        self.fields["reviewers"].queryset = (
            Person.objects.filter(grants__capability__in=grants)
            .distinct()
            .order_by("last_name", "first_name")
        )


class DecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve for publishing"), ("changes", "Send back with comments")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="Comments", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changes" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what needs to change before it can be published.")
        return data


class CodeForm(AccessibleForm):
    place = forms.CharField(
        label="Where the code hangs", max_length=120, help_text="e.g. Ventilator V60, MICU bay 4"
    )


class AttachmentForm(AccessibleForm):
    file = forms.FileField(
        label="Add a file",
        help_text="A PDF (up to 20 MB), a PNG or JPEG image (5 MB) or an MP4 video (200 MB).",
        error_messages={"required": "Choose a file to attach."},
    )
