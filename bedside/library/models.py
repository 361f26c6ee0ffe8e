"""The care-resource library: resources, their versions, collections, tags and point-of-care codes.

A resource is a `LearningItem` of kind "library" (one row in the catalogue). Its versions are
written here and go through a workflow (draft, in review, published, retired); a published
version's catalogue row is the `ItemVersion` it points at (one truth: label and publication
time live there, never copied here). A published version's content never changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from bedside.people.models import Audience, Site
from bedside.records.models import ItemVersion, LearningItem

KIND = "library"
KEY_POINTS_MAX = 1200  # about 200 words: read in two minutes at the bedside


class ResourceKind(models.TextChoices):
    PROTOCOL = "protocol", "Protocol"
    GUIDELINE = "guideline", "Guideline"
    HOW_TO = "how_to", "How-to"
    CHECKLIST = "checklist", "Checklist"
    VIDEO = "video", "Video"
    SLIDES = "slides", "Slide deck"
    ARTICLE = "article", "Article"
    LINK = "link", "External link"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """One care resource; what it says lives in its versions."""

    item = models.OneToOneField(LearningItem, on_delete=models.PROTECT, related_name="resource")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Its stable address, e.g. covid-19-proning"
    )
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The site that curates it; empty for the whole system's library",
    )
    audience = models.ForeignKey(
        Audience,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whom it concerns",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="resources")
    link = models.URLField(blank=True, help_text="For external links and hosted videos")
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item__title", "pk"]

    def __str__(self) -> str:
        return self.item.title

    @property
    def title(self) -> str:
        return self.item.title


CONTENT_FIELDS = (
    "body",
    "key_points",
    "change_summary",
    "owner_id",
    "effective_on",
    "next_review_on",
    "requires_acknowledgment",
    "acknowledge_within_days",
)


class ResourceVersion(models.Model):
    """What a resource says at one time. Immutable once published: a change is a new version."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="versions")
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    item_version = models.OneToOneField(
        ItemVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_version",
        help_text="The catalogue's version, set when published",
    )
    body = models.TextField(blank=True, help_text="Markdown")
    key_points = models.TextField(help_text="One point a line; readable in two minutes")
    change_summary = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField()
    next_review_on = models.DateField()
    requires_acknowledgment = models.BooleanField(default=False)
    acknowledge_within_days = models.PositiveSmallIntegerField(default=14)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["resource_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "in_review"]) | models.Q(item_version__isnull=False),
                name="library_version_published_has_item_version",
            ),
            models.CheckConstraint(
                condition=models.Q(next_review_on__gte=models.F("effective_on")),
                name="library_version_review_after_effective",
            ),
            # At most one draft or review in progress per resource.
            models.UniqueConstraint(
                fields=["resource"],
                condition=models.Q(status__in=["draft", "in_review"]),
                name="library_version_one_open_draft",
            ),
            models.UniqueConstraint(
                fields=["resource"],
                condition=models.Q(status="published"),
                name="library_version_one_published",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_review_on"])]

    def __str__(self) -> str:
        return f"{self.resource} ({self.label})"

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        row._stored = dict(zip(field_names, values, strict=True))
        return row

    def save(self, *args, **kwargs):  # noqa: DJ012 (from_db above records what the row held)
        stored = getattr(self, "_stored", None)
        if stored and stored.get("status") in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
            changed = [f for f in CONTENT_FIELDS if f in stored and stored[f] != getattr(self, f)]
            if changed:
                raise ValidationError("A published version cannot be edited: start a new version instead.")
        super().save(*args, **kwargs)
        self._stored = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    @property
    def label(self) -> str:
        if self.item_version_id is None:
            return "draft"
        return f"v{self.item_version.label}"

    @property
    def published_at(self):
        return self.item_version.published_at if self.item_version_id else None

    @property
    def is_open(self) -> bool:
        return self.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)

    def key_point_lines(self) -> list[str]:
        return [line.strip().lstrip("-*• ").strip() for line in self.key_points.splitlines() if line.strip()]


class Attachment(models.Model):
    """A file of a version (PDF, image, video), its type checked from its content; or a link."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="library/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField(default=0)
    text = models.TextField(blank=True, help_text="Text read from the file, for search")

    class Meta:
        ordering = ["version_id", "pk"]

    def __str__(self) -> str:
        return self.name


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "Waiting"
    APPROVED = "approved", "Approved"
    CHANGES = "changes", "Sent back"


class Review(models.Model):
    """A named reviewer's decision on one version submitted for review."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1, help_text="Each submission for review is a round")
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices, default=ReviewDecision.PENDING)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version_id", "round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "round", "reviewer"], name="library_review_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} on {self.version_id} (round {self.round})"


class Collection(models.Model):
    """A curated, ordered set of resources (e.g. "COVID-19 care"); public ones are open to the world."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(default=False, help_text="Readable without an account")
    licence = models.CharField(max_length=120, blank=True, help_text="e.g. CC BY 4.0")
    licence_url = models.URLField(blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now, help_text="Last change of its text or its list")
    resources = models.ManyToManyField(Resource, through="CollectionEntry", related_name="collections")

    class Meta:
        ordering = ["position", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class CollectionEntry(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["collection_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "resource"], name="library_entry_once_per_collection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection_id} #{self.position}: {self.resource_id}"


class ResourceSeen(models.Model):
    """The latest version a person has opened of a resource: "what changed for me" starts after it."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "resource"], name="library_seen_once_per_resource")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} saw {self.version_id}"


class EntryCode(models.Model):
    """A point-of-care QR code on a device, room or unit that opens a resource's key points."""

    code = models.SlugField(max_length=16, unique=True)
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="codes")
    place = models.CharField(max_length=120, help_text="Where it hangs, e.g. 'Ventilator V60, MICU bay 4'")
    scans = models.PositiveIntegerField(default=0)
    last_scanned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["resource_id", "place", "pk"]

    def __str__(self) -> str:
        return f"{self.code} ({self.place})"


class Synonym(models.Model):
    """A term clinicians type and what the library calls it (proning = prone positioning)."""

    term = models.CharField(max_length=60, unique=True)
    means = models.CharField(max_length=200)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} = {self.means}"


class SearchEntry(models.Model):
    """The searchable text of a resource's current published version (accents folded).

    The databases' own indexes are built on it in the migrations: an FTS5 table kept in step by
    triggers on SQLite, a stored weighted tsvector with a GIN index on PostgreSQL.
    """

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="search_entry")
    title = models.TextField()
    key_points = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    attachments = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Nothing stored"


class ImportPhase(models.TextChoices):
    READING = "reading", "Reading the ZIP"
    CHECKING = "checking", "Checking rows and files"
    SAVING = "saving", "Saving"


class LibraryImport(models.Model):
    """One uploaded ZIP of an existing library (documents and a metadata CSV) and what became of it.

    All or nothing: every bad row or file is named in `errors` and nothing is stored, or every
    row becomes a published resource. The resources (and new collections) join `site`'s library,
    or the whole system's when it names none; its curators see the import.
    """

    file_name = models.CharField(max_length=255)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="library/imports/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    phase = models.CharField(max_length=10, choices=ImportPhase.choices, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text='[{"where": "row 3", "message": "..."}]')
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
