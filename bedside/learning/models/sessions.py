"""Classroom and virtual sessions of a course: rooms, seats, instructors, registrations, attendance."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bedside.core.outbox import Outbox
from bedside.learning.models.courses import Course
from bedside.people.models import Site


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    capacity = models.PositiveSmallIntegerField()
    equipment = models.TextField(blank=True)

    class Meta:
        ordering = ["site_id", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity} seats)"


class SessionMode(models.TextChoices):
    CLASSROOM = "classroom", "Classroom"
    VIRTUAL = "virtual", "Virtual"


def _checkin_secret() -> str:
    return secrets.token_hex(16)


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CourseSession(models.Model):
    """One sitting of a course at a time and place (or link), with a number of seats."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    mode = models.CharField(max_length=10, choices=SessionMode.choices, default=SessionMode.CLASSROOM)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    virtual_link = models.URLField(blank=True)
    seats = models.PositiveSmallIntegerField()
    instructors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="instructs")
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Learners may cancel up to this many hours before the start"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checkin_secret = models.CharField(max_length=64, default=_checkin_secret, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="session_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d %H:%M}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    WAITLISTED = "waitlisted", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"


LIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.ATTENDED)
SEAT_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)


class Registration(models.Model):
    """A learner's place in a session (a seat or the waiting list, in order of `queued_at`)."""

    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    queued_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    checkin_method = models.CharField(max_length=10, blank=True)  # code, roster
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["session_id", "queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status="cancelled"),
                name="registration_one_live_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.session_id}: {self.status}"


class CalendarFeed(models.Model):
    """A learner's personal iCalendar feed: the secret token in its URL, revocable by making a new one."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar of {self.person_id}"


class SessionNotice(Outbox):
    """A message to a learner about their place (a seat freed for them, a session cancelled, moved or
    shrunk), claimed in the transaction that caused it and sent after commit by a job, as the
    assignments reminders are: no mail leaves for a change that rolled back, and none twice."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60, help_text="What happened and when, e.g. promoted:<time>")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    batch = models.UUIDField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "key"], name="session_notice_once")]
        indexes = [
            models.Index(
                fields=["claimed_at"], condition=Q(sent_at__isnull=True), name="session_notice_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} to {self.recipient_id}"
