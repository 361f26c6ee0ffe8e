"""Organisers' forms: a series, an event, a speaker with disclosures, moderators, a schedule."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

from bedside.core.forms import AccessibleForm
from bedside.events.models import DisclosureStatus, Mode, Weekday
from bedside.events.services import Disclosed, EventFields
from bedside.learning.models import Room
from bedside.people.models import Department, Person


class SeriesForm(AccessibleForm):
    title = forms.CharField(max_length=200)
    department = forms.ModelChoiceField(queryset=Department.objects.none())
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label="Day of the week")
    at = forms.TimeField(
        label="Starts at (the site's local time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.IntegerField(min_value=5, max_value=600, initial=60)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    public = forms.BooleanField(required=False, label="Open to clinicians outside the hospital")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class EventForm(AccessibleForm):
    title = forms.CharField(max_length=200)
    department = forms.ModelChoiceField(queryset=Department.objects.none())
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Starts at (local time)", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Ends at (local time)", widget=forms.TimeInput(attrs={"type": "time"}))
    mode = forms.ChoiceField(choices=Mode.choices, initial=Mode.HYBRID)
    room = forms.ModelChoiceField(queryset=Room.objects.select_related("site"), required=False)
    stream_url = forms.URLField(required=False, label="Stream link")
    meeting_url = forms.URLField(required=False, label="Meeting link")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    objectives = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One learning objective per line"
    )
    registration_required = forms.BooleanField(required=False, label="People register for a place")
    public = forms.BooleanField(required=False, label="Open to clinicians outside the hospital")
    premoderated = forms.BooleanField(
        required=False, label="Questions show only once a moderator approves them"
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def clean(self):
        data = super().clean()
        dept = data.get("department")
        if dept and data.get("day") and data.get("start") and data.get("end"):
            tz = zoneinfo.ZoneInfo(dept.site.time_zone)
            data["starts_at"] = dt.datetime.combine(data["day"], data["start"], tzinfo=tz)
            data["ends_at"] = dt.datetime.combine(data["day"], data["end"], tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", "The event must end after it starts.")
        return data

    def event_fields(self) -> EventFields:
        d = self.cleaned_data
        return EventFields(
            title=d["title"], starts_at=d["starts_at"], ends_at=d["ends_at"], mode=d["mode"], room=d["room"],
            stream_url=d["stream_url"], meeting_url=d["meeting_url"], description=d["description"],
            objectives=d["objectives"], registration_required=d["registration_required"], public=d["public"],
            premoderated=d["premoderated"],
        )  # fmt: skip


class SpeakerForm(AccessibleForm):
    name = forms.CharField(
        max_length=200, required=False, help_text="Leave empty for a person of the hospital"
    )
    email = forms.EmailField(
        required=False, label="E-mail of a speaker from the hospital (gives them the speaker's view)"
    )
    credentials = forms.CharField(max_length=100, required=False)
    affiliation = forms.CharField(max_length=200, required=False)
    disclosure = forms.ChoiceField(choices=DisclosureStatus.choices)
    relationships = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line: company | nature | how it was mitigated",
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if not email:
            return None
        person = Person.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise ValidationError("No one at the hospital signs in with this e-mail address.")
        return person

    def clean_relationships(self) -> list[Disclosed]:
        found = []
        for n, line in enumerate(self.cleaned_data["relationships"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not all(parts):
                raise ValidationError(f"Line {n}: write company | nature | how it was mitigated.")
            found.append(Disclosed(*parts))
        return found

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("email"):
            self.add_error("name", "Give the speaker's name, or the e-mail of a speaker from the hospital.")
        return data


class ModeratorsForm(AccessibleForm):
    emails = forms.CharField(
        required=False, label="Moderators' e-mail addresses", help_text="Separated by commas"
    )

    def clean_emails(self) -> list[Person]:
        found = []
        for email in [e.strip() for e in self.cleaned_data["emails"].split(",") if e.strip()]:
            person = Person.objects.filter(email__iexact=email, is_active=True).first()
            if person is None:
                raise ValidationError(f"No one at the hospital signs in with {email}.")
            found.append(person)
        return found


class ScheduleForm(AccessibleForm):
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    weeks = forms.IntegerField(min_value=1, max_value=52, initial=8)
    mode = forms.ChoiceField(choices=Mode.choices, initial=Mode.HYBRID)
    room = forms.ModelChoiceField(queryset=Room.objects.select_related("site"), required=False)
    stream_url = forms.URLField(required=False, label="Stream link")
    meeting_url = forms.URLField(required=False, label="Meeting link")
