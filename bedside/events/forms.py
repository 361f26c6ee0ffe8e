"""Organisers' forms: a series, an event, a speaker with disclosures, moderators, a schedule."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

from bedside.core.forms import AccessibleForm
from bedside.credits.models import Topic
from bedside.events.credit import CreditTerms
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


def _credit_max(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=5, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )  # fmt: skip


class CreditOffersFields(forms.Form):
    """The credit a talk offers, in both the CME office's forms: each credit type's maximum (none: not
    offered), the accredited provider, its activity ID, and whether a claim waits for the evaluation."""

    ama_pra_1 = _credit_max("AMA PRA Category 1 Credit™ (maximum)")
    ancc = _credit_max("ANCC contact hours (maximum)")
    ipce = _credit_max("IPCE credit (maximum)")
    hospital_ce = _credit_max("Hospital CE hours (maximum)")
    provider_name = forms.CharField(label="Accredited provider", max_length=200, required=False)
    accreditor_activity_id = forms.CharField(label="Activity ID (PARS)", max_length=40, required=False)
    evaluation_required = forms.BooleanField(
        required=False, initial=True, label="Evaluation required before a claim"
    )

    OFFER_FIELDS = ("ama_pra_1", "ancc", "ipce", "hospital_ce")


class CreditForm(CreditOffersFields, AccessibleForm):
    """The CME office's part of an event: whether and what credit it offers, and on what terms.

    Used with prefix "credit" beside the event's own form; `terms(tz)` gives the service's CreditTerms
    (the enduring date read as the end of that day where the event is)."""

    offers_credit = forms.BooleanField(required=False, label="This talk offers continuing-education credit")
    joint_provider_name = forms.CharField(
        label="Joint provider",
        max_length=200,
        required=False,
        help_text="Leave empty unless jointly provided",
    )
    commercial_supporters = forms.CharField(
        label="Commercial supporters", max_length=300, required=False, help_text="Leave empty if none"
    )
    target_audience = forms.CharField(max_length=300, required=False)
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Licence topics it counts toward",
    )  # fmt: skip
    enduring_until = forms.DateField(
        required=False, label="Credit for watching the recording until", help_text="Leave empty for live credit only",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    checkin_opens_minutes = forms.IntegerField(
        label="Check-in opens (minutes before the start)", initial=15, min_value=0, max_value=1440
    )
    checkin_closes_minutes = forms.IntegerField(
        label="Check-in closes (minutes after the end)", initial=30, min_value=0, max_value=1440
    )

    field_order = (
        "offers_credit", *CreditOffersFields.OFFER_FIELDS, "provider_name", "accreditor_activity_id",
        "joint_provider_name", "commercial_supporters", "target_audience", "topics", "evaluation_required",
    )  # fmt: skip

    def __init__(self, *args, offered: bool = False, **kwargs):
        kwargs.setdefault("prefix", "credit")
        super().__init__(*args, **kwargs)
        self.offered = offered  # the event offers credit already: it cannot be withdrawn here

    @classmethod
    def initial_from(cls, terms: CreditTerms, tz: zoneinfo.ZoneInfo) -> dict:
        offers = dict(terms.offers)
        return {
            "offers_credit": True, **{name: offers.get(name) for name in cls.OFFER_FIELDS},
            "provider_name": terms.provider_name, "accreditor_activity_id": terms.accreditor_activity_id,
            "joint_provider_name": terms.joint_provider_name, "commercial_supporters": terms.commercial_supporters,
            "target_audience": terms.target_audience, "topics": list(terms.topics),
            "evaluation_required": terms.evaluation_required,
            "enduring_until": terms.enduring_until.astimezone(tz).date() if terms.enduring_until else None,
            "checkin_opens_minutes": terms.checkin_opens_minutes,
            "checkin_closes_minutes": terms.checkin_closes_minutes,
        }  # fmt: skip

    def clean(self):
        data = super().clean()
        if not data.get("offers_credit"):
            if self.offered:
                self.add_error(
                    "offers_credit",
                    "This talk offers credit already: change what it offers, but it cannot be withdrawn here.",
                )
            return data
        if not any(data.get(name) for name in self.OFFER_FIELDS):
            self.add_error("ama_pra_1", "Offer at least one credit type, with its maximum (e.g. 1.00).")
        if not (data.get("provider_name") or "").strip():
            self.add_error("provider_name", "Name the accredited provider.")
        return data

    @property
    def wants_credit(self) -> bool:
        return bool(self.cleaned_data.get("offers_credit"))

    def terms(self, tz: zoneinfo.ZoneInfo) -> CreditTerms:
        d = self.cleaned_data
        until = d.get("enduring_until")
        return CreditTerms(
            offers={name: d[name] for name in self.OFFER_FIELDS if d.get(name)},
            provider_name=d["provider_name"], accreditor_activity_id=d["accreditor_activity_id"],
            joint_provider_name=d["joint_provider_name"], commercial_supporters=d["commercial_supporters"],
            target_audience=d["target_audience"], evaluation_required=d["evaluation_required"],
            enduring_until=dt.datetime.combine(until, dt.time(23, 59), tzinfo=tz) if until else None,
            checkin_opens_minutes=d["checkin_opens_minutes"], checkin_closes_minutes=d["checkin_closes_minutes"],
            topics=tuple(d["topics"]),
        )  # fmt: skip


class SeriesCreditForm(CreditOffersFields, AccessibleForm):
    """What each talk the series schedules from now on offers (the CME office); no maximum: none."""

    enduring_days = forms.IntegerField(
        required=False, min_value=1, max_value=730, label="Credit for watching the recording (days after each talk)",
        help_text="Leave empty for live credit only",
    )  # fmt: skip

    def offers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.OFFER_FIELDS}


class RecordingForm(AccessibleForm):
    """The recording after the talk: a video link or an MP4 file, the slides as a PDF, its length."""

    video_url = forms.URLField(required=False, label="Video link", help_text="Where the recording plays")
    video_file = forms.FileField(
        required=False, label="Or the video file", help_text="MP4, at most 200 MB (the library's limit)"
    )
    slides = forms.FileField(
        required=False, label="Slides", help_text="PDF, at most 20 MB; its text is searchable"
    )
    minutes = forms.IntegerField(
        min_value=1,
        max_value=1440,
        label="Length (minutes)",
        help_text="Watching can count at most this long",
    )
