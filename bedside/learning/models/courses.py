"""Courses, their revisions and ordered modules, and a learner's enrolment and progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.people.models import Audience, Department
from bedside.records.models import ItemVersion, LearningItem


class Modality(models.TextChoices):
    ONLINE = "online", "Online"
    CLASSROOM = "classroom", "Classroom"
    BLENDED = "blended", "Blended"
    SIMULATION = "simulation", "Simulation"


class Course(models.Model):
    """A course is a learning item of kind "course"; its content lives in revisions."""

    item = models.OneToOneField(LearningItem, on_delete=models.PROTECT, related_name="course")
    summary = models.TextField(blank=True)
    modality = models.CharField(max_length=12, choices=Modality.choices, default=Modality.ONLINE)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose educators may edit it (besides its owner)",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.ForeignKey(
        Audience, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Who it is for"
    )
    credit_hours = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(credit_hours__gte=0), name="course_credit_hours_gte_0")
        ]

    def __str__(self) -> str:
        return self.item.title

    @property
    def title(self) -> str:
        return self.item.title


class RevisionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class CourseRevision(models.Model):
    """The content of one version of a course. Published, it is frozen and names its `ItemVersion`
    (the catalogue's version, which records and pinned requirements point at); editing a published
    course makes a new draft revision, so learners in progress keep theirs."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=RevisionState.choices, default=RevisionState.DRAFT)
    version = models.OneToOneField(
        ItemVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="course_revision"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="course_revision_unique_number"),
            models.UniqueConstraint(
                fields=["course"], condition=Q(state="draft"), name="course_one_draft_revision"
            ),
            models.UniqueConstraint(
                fields=["course"], condition=Q(state="published"), name="course_one_published_revision"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(version__isnull=False),
                name="course_revision_published_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} revision {self.number}"


class ModuleKind(models.TextChoices):
    READING = "reading", "Reading"
    VIDEO = "video", "Video"
    QUIZ = "quiz", "Quiz"
    SESSION = "session", "Session"
    SKILLS = "skills", "Skills check"


class Module(models.Model):
    """One step of a revision, in order. Fields that do not apply to its kind stay empty."""

    revision = models.ForeignKey(CourseRevision, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ModuleKind.choices)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(default=5)
    # Reading: the course's own page (body), or a version of another learning item (the seam for a
    # library resource version: it opens through that item's kind, whatever app owns it).
    body = models.TextField(blank=True)
    resource_version = models.ForeignKey(
        ItemVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Video: where it plays from, and the share a learner must watch (measured in the browser).
    video_url = models.URLField(blank=True)
    min_watched_percent = models.PositiveSmallIntegerField(default=90)
    # Quiz: questions drawn from the course's bank.
    draw_count = models.PositiveSmallIntegerField(default=5)
    pass_percent = models.PositiveSmallIntegerField(default=80)
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="0: no limit")
    # Skills check: what the validator observes.
    checklist = models.TextField(blank=True)

    class Meta:
        ordering = ["revision_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "position"], name="module_unique_position"),
            models.CheckConstraint(condition=Q(min_watched_percent__lte=100), name="module_watched_lte_100"),
            models.CheckConstraint(condition=Q(pass_percent__lte=100), name="module_pass_lte_100"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Enrolment(models.Model):
    """A learner on a course, pinned to the revision they started (or that their requirement pins)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments_learning"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    revision = models.ForeignKey(CourseRevision, on_delete=models.PROTECT, related_name="enrolments")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course"],
                condition=Q(completed_at__isnull=True),
                name="enrolment_one_open_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.course_id} r{self.revision_id}"


class ModuleProgress(models.Model):
    """How far a learner is in one module of their enrolment."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    watched_percent = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="progress_unique_module"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.module_id}"
