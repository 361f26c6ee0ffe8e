"""Grand rounds: series and their events, speakers with disclosures, registration, and the live dialogue.

Times are stored in UTC; a series' weekly slot is a local time in its site's zone, so each event of
the series starts at the same wall-clock time across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bedside.credits.models import Activity
from bedside.learning.models import Room
from bedside.people.models import Audience, Department, Site


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Series(models.Model):
    """A recurring programme, e.g. Medicine Grand Rounds every Thursday at 08:00 in its site's zone."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", help_text="The department that runs it"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    local_start = models.TimeField(help_text="Start time in the site's time zone")
    minutes = models.PositiveSmallIntegerField(default=60)
    audience = models.ForeignKey(Audience, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(default=False, help_text="Open to clinicians outside the hospital")
    # Credit each scheduled talk offers by default (set by the CME office): {credit type: maximum}; empty = none.
    credit_offers = models.JSONField(default=dict, blank=True)
    credit_provider = models.CharField(max_length=200, blank=True, help_text="The accredited provider")
    credit_accreditor_id = models.CharField(max_length=40, blank=True, help_text="e.g. the PARS activity id")
    credit_evaluation_required = models.BooleanField(default=True)
    credit_enduring_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Watching the recording earns credit for this many days after each talk",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "series"
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=5), name="series_minutes_at_least_5"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="series_weekday_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.site.time_zone)

    @property
    def offers_credit(self) -> bool:
        return bool(self.credit_offers)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid (in the room and online)"


class Event(models.Model):
    """One talk: when and where (room, stream, meeting link), what it teaches, and for whom."""

    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.HYBRID)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stream_url = models.URLField(blank=True, help_text="Where to watch online")
    meeting_url = models.URLField(blank=True, help_text="Meeting link to take part online")
    objectives = models.TextField(blank=True, help_text="Learning objectives, one per line")
    audience = models.ForeignKey(Audience, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    registration_required = models.BooleanField(default=False)
    public = models.BooleanField(default=False, help_text="Open to clinicians outside the hospital")
    premoderated = models.BooleanField(
        default=False, help_text="Questions show to everyone only once a moderator approves them"
    )
    moderators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="events_moderated")
    # The CME activity this talk offers credit through (credits never imports events: it links back by
    # source_app="events", source_id=<event id>). Its title, times, objectives and site follow the event.
    activity = models.OneToOneField(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    dialogue_closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at")]

    def __str__(self) -> str:
        return self.title

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.site.time_zone)

    @property
    def offers_credit(self) -> bool:
        return self.activity_id is not None

    @property
    def in_room(self) -> bool:
        return self.mode in (Mode.IN_PERSON, Mode.HYBRID)

    @property
    def online(self) -> bool:
        return self.mode in (Mode.VIRTUAL, Mode.HYBRID)

    @property
    def capacity(self) -> int | None:
        """Seats in the room, where the event has a room; online places are not counted."""
        return self.room.capacity if self.room_id and self.in_room else None

    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def dialogue_open(self, now: dt.datetime) -> bool:
        """Questions and polls are taken from 30 minutes before the start to 30 minutes after the end."""
        if self.cancelled_at or self.dialogue_closed_at:
            return False
        return self.starts_at - dt.timedelta(minutes=30) <= now <= self.ends_at + dt.timedelta(minutes=30)


class DisclosureStatus(models.TextChoices):
    PENDING = "pending", "Not yet received"
    NONE = "none", "Nothing to disclose"
    RELATIONSHIPS = "relationships", "Has financial relationships"


class Speaker(models.Model):
    """A speaker of an event: a person of the hospital (who then gets the speaker's view) or a guest."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=100, blank=True, help_text="e.g. MD, FACP")
    affiliation = models.CharField(max_length=200, blank=True)
    disclosure = models.CharField(
        max_length=14, choices=DisclosureStatus.choices, default=DisclosureStatus.PENDING
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event_id", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Relationship(models.Model):
    """A speaker's financial relationship with an ineligible company, and how it was mitigated."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="relationships")
    company = models.CharField(max_length=200)
    nature = models.CharField(max_length=100, help_text="e.g. consultant, speakers' bureau, research grant")
    mitigation = models.TextField(help_text="How the relationship was mitigated, e.g. content peer-reviewed")

    class Meta:
        ordering = ["speaker_id", "pk"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.nature}, {self.company}"


class Attendance(models.TextChoices):
    ROOM = "room", "In the room"
    ONLINE = "online", "Online"


class Registration(models.Model):
    """A person's place at an event, in the room or online (one live place per person and event)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="event_places"
    )
    attendance = models.CharField(max_length=6, choices=Attendance.choices)
    registered_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(cancelled_at__isnull=True),
                name="event_one_live_place",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.event_id} ({self.attendance})"


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Asked"
    APPROVED = "approved", "For the speaker"
    ANSWERED = "answered", "Answered"
    HIDDEN = "hidden", "Hidden"
    MERGED = "merged", "Merged"


VISIBLE_STATUSES = (QuestionStatus.OPEN, QuestionStatus.APPROVED, QuestionStatus.ANSWERED)


class Question(models.Model):
    """A question asked during an event; `rev` grows with each change, so viewers keep the newest."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=500)
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=QuestionStatus.choices, default=QuestionStatus.OPEN)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    votes = models.PositiveIntegerField(default=0)
    rev = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "-votes", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="question_merged_names_target",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Vote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="vote_rows")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "person"], name="vote_once_per_question")]

    def __str__(self) -> str:
        return f"{self.person_id} for {self.question_id}"


class PollStatus(models.TextChoices):
    DRAFT = "draft", "Ready"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Poll(models.Model):
    """A short poll the moderator opens during the talk; everyone sees the counts live."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="polls")
    prompt = models.CharField(max_length=300)
    status = models.CharField(max_length=6, choices=PollStatus.choices, default=PollStatus.DRAFT)
    rev = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.prompt


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["poll_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class PollAnswer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="answers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="poll_one_answer_each")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.option_id}"


class LiveMessage(models.Model):
    """What changed in an event's dialogue, in order: the log every server reads from (and replays from).

    Written in the same transaction as the change; a viewer that reconnects asks for what came after
    the last id it saw. `moderators` messages (a question awaiting approval) go to moderators only.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    payload = models.JSONField()
    moderators = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["event", "id"], name="livemessage_event_id"),
            models.Index(fields=["at"], name="livemessage_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of {self.event_id}"


from bedside.events.models_recordings import Recording, Watching, WatchTime  # noqa: E402, F401
