"""Continuing-education activities, attendance, evaluations and credit claims.

An activity is a `LearningItem` of kind "credit" (one row in the catalogue): attendance and
claims are written to the ledger against it (verbs attended and claimed), so a claim closes a
requirement like any completion. What the ledger does not hold lives here: the activity's
accreditation, the credit it offers, who checked in from which device, the evaluations, and the
claim that a certificate and a badge are issued for.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from bedside.credits.credit_types import CreditType
from bedside.people.models import Site
from bedside.records.models import LearningItem, Record

KIND = "credit"


def _secret() -> str:
    return secrets.token_hex(16)


def _public_code() -> str:
    return secrets.token_urlsafe(12)


class ActivityFormat(models.TextChoices):
    """The accreditor's activity types (ACCME PARS codes in `PARS_TYPES`)."""

    COURSE = "course", "Live course"
    RSS = "rss", "Regularly scheduled series"
    INTERNET_LIVE = "internet_live", "Internet live course"
    ENDURING = "enduring", "Enduring material"
    INTERNET_ENDURING = "internet_enduring", "Internet enduring material"
    JOURNAL = "journal", "Journal-based CME"


LIVE_FORMATS = frozenset({ActivityFormat.COURSE, ActivityFormat.RSS, ActivityFormat.INTERNET_LIVE})


class Topic(models.Model):
    """A subject a licence may require credit in (risk management, opioid education ...)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One accredited activity: a talk, a conference, an enduring material, a journal article."""

    item = models.OneToOneField(LearningItem, on_delete=models.PROTECT, related_name="credit_activity")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    objectives = models.TextField(blank=True, help_text="One learning objective a line")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_activities",
        help_text="Its time zone and who runs it; none: the system's CME office",
    )
    format = models.CharField(max_length=20, choices=ActivityFormat.choices, default=ActivityFormat.RSS)
    location = models.CharField(max_length=200, blank=True)
    # Accreditation
    provider_name = models.CharField(max_length=200)
    accreditor_activity_id = models.CharField(
        max_length=40, blank=True, help_text="e.g. the PARS activity id"
    )
    joint_providership = models.BooleanField(default=False)
    joint_provider_name = models.CharField(max_length=200, blank=True)
    commercial_support = models.BooleanField(default=False)
    commercial_supporters = models.CharField(max_length=300, blank=True)
    target_audience = models.CharField(max_length=300, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="activities")
    # Attendance and credit
    checkin_opens_minutes = models.PositiveSmallIntegerField(default=15, help_text="Minutes before the start")
    checkin_closes_minutes = models.PositiveSmallIntegerField(default=30, help_text="Minutes after the end")
    evaluation_required = models.BooleanField(default=True)
    enduring_allowed = models.BooleanField(
        default=False, help_text="Watching or reading it later can earn credit (until `enduring_until`)"
    )
    enduring_until = models.DateTimeField(null=True, blank=True)
    checkin_secret = models.CharField(max_length=64, default=_secret, editable=False)
    # A higher app (events) links back; credits never imports it.
    source_app = models.CharField(max_length=30, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Cancelled: no check-in, time, evaluation, claim or certificate after this",
    )

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["source_app", "source_id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_live(self) -> bool:
        return self.format in LIVE_FORMATS

    @property
    def checkin_opens_at(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(minutes=self.checkin_opens_minutes)

    @property
    def checkin_closes_at(self) -> dt.datetime:
        return self.ends_at + dt.timedelta(minutes=self.checkin_closes_minutes)

    def objective_lines(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.objectives.splitlines() if line.strip(" -•\t")]

    def enduring_open(self, now: dt.datetime) -> bool:
        """Whether credit can be earned now without having been there live."""
        if self.cancelled_at is not None:
            return False
        if not self.is_live:
            return self.starts_at <= now and (self.enduring_until is None or now <= self.enduring_until)
        return (
            self.enduring_allowed
            and now > self.ends_at
            and (self.enduring_until is None or now <= self.enduring_until)
        )


class CreditOffer(models.Model):
    """The most of one credit type an activity awards."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="offers")
    credit_type = models.CharField(max_length=30, choices=CreditType.choices)
    max_amount = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["activity_id", "credit_type"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "credit_type"], name="credit_offer_one_per_type"),
            models.CheckConstraint(condition=models.Q(max_amount__gt=0), name="credit_offer_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.max_amount} {self.get_credit_type_display()}"


class AttendanceMethod(models.TextChoices):
    QR = "qr", "Scanned the room code"
    CODE = "code", "Typed the code read out"
    PRESENCE = "presence", "Time in the virtual room"
    ENDURING = "enduring", "Completed later (enduring)"


class Attendance(models.Model):
    """One person's attendance at an activity: at most one row each, however they came."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=AttendanceMethod.choices)
    checked_in_at = models.DateTimeField(null=True, blank=True, help_text="When the code was accepted")
    minutes_present = models.PositiveIntegerField(
        default=0, help_text="Time counted in a virtual room or later"
    )
    presence_source = models.CharField(max_length=40, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=32, blank=True)
    record = models.OneToOneField(Record, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="attendance_once_per_person"),
        ]
        indexes = [models.Index(fields=["device_id"]), models.Index(fields=["person", "activity"])]

    def __str__(self) -> str:
        return f"{self.person} at {self.activity}"

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None

    def minutes_attended(self) -> int:
        """Minutes that count toward credit: the whole activity for a code check-in, else the time counted."""
        if self.checked_in_at is not None:
            return self.activity.minutes
        return (
            min(self.minutes_present, self.activity.minutes)
            if self.activity.is_live
            else self.minutes_present
        )


class Agreement(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Evaluation(models.Model):
    """A learner's evaluation of an activity, required before a claim."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="evaluations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    objectives_met = models.CharField(max_length=8, choices=Agreement.choices)
    free_of_bias = models.BooleanField(help_text="Free of commercial bias")
    bias_comment = models.TextField(blank=True)
    practice_change = models.CharField(max_length=8, choices=Agreement.choices)
    practice_change_text = models.TextField(blank=True)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity_id", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="evaluation_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.activity} by {self.person}"


class Claim(models.Model):
    """Credit claimed by a person for an activity: one a person, backed by one ledger record."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="claims")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credit_type = models.CharField(max_length=30, choices=CreditType.choices)
    amount = models.DecimalField(max_digits=5, decimal_places=2)
    minutes_attended = models.PositiveIntegerField()
    claimed_at = models.DateTimeField(default=timezone.now)
    record = models.OneToOneField(Record, on_delete=models.PROTECT, related_name="credit_claim")
    code = models.CharField(
        max_length=24, unique=True, default=_public_code, help_text="In the verification URL"
    )

    class Meta:
        ordering = ["-claimed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="claim_once_per_person"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="claim_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_credit_type_display()} · {self.activity}"


from bedside.credits.models_licences import Licence, LicenceType, TopicRequirement  # noqa: E402, F401
