"""Practice drills: decks of cards studied with FSRS, and in situ simulation drills on units.

A deck is a learning item of kind "deck" (the catalogue row in `records`); each learner's
memory of each card is one `CardState` row, and every answer is one `ReviewLog` row, kept
whole (an undone answer is marked, never removed), so parameters can be refitted from them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from bedside.people.models import Audience, Unit
from bedside.records.models import ItemVersion, LearningItem

IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "webp", "svg"]


class Deck(models.Model):
    """Cards an educator keeps, with an audience, a recall goal and a desired retention for scheduling."""

    item = models.OneToOneField(LearningItem, on_delete=models.PROTECT, related_name="deck")
    description = models.TextField(blank=True)
    # Where the deck belongs for access: educators who teach this unit (or its department or site)
    # look after it; none means a system-wide deck (system-wide teachers and the owner).
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    audience = models.ForeignKey(
        Audience,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who the deck is for (assign it through a rule to require it)",
    )
    desired_retention = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.7), MaxValueValidator(0.97)],
        help_text="FSRS schedules each review for this chance of recall",
    )
    goal_recall = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.5), MaxValueValidator(0.99)],
        help_text="Mastery: the learner's predicted recall of the whole deck at or above this",
    )
    new_per_day = models.PositiveSmallIntegerField(default=10, help_text="New cards a learner meets a day")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=0.7, desired_retention__lte=0.97),
                name="deck_retention_range",
            ),
            models.CheckConstraint(
                condition=models.Q(goal_recall__gte=0.5, goal_recall__lte=0.99), name="deck_goal_range"
            ),
        ]

    def __str__(self) -> str:
        return self.item.title

    @property
    def title(self) -> str:
        return self.item.title


class CardKind(models.TextChoices):
    BASIC = "basic", "Basic (front and back)"
    CLOZE = "cloze", "Cloze (fill the gap)"
    SBA = "sba", "Single best answer"


class Card(models.Model):
    """One thing to remember. A cloze card hides the text in {{c1::...}}; a single-best-answer card has
    options (one correct) and an explanation.

    `cites` is the seam to the library: the catalogue version of a care resource the card rests on.
    When that resource gets a newer version the card is flagged for its deck's owner (see `citations`).
    """

    deck = models.ForeignKey(Deck, on_delete=models.PROTECT, related_name="cards")
    kind = models.CharField(max_length=8, choices=CardKind.choices, default=CardKind.BASIC)
    front = models.TextField(help_text="Question, or the cloze text with {{c1::hidden words}}")
    back = models.TextField(blank=True)
    options = models.JSONField(default=list, blank=True, help_text="Single best answer: the options")
    correct_option = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.TextField(blank=True)
    image = models.FileField(
        upload_to="drills/cards/", blank=True, validators=[FileExtensionValidator(IMAGE_TYPES)]
    )
    image_alt = models.CharField(max_length=200, blank=True)
    cites = models.ForeignKey(
        ItemVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version of a library resource this card rests on",
    )
    flagged_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deck_id", "position", "pk"]
        indexes = [models.Index(fields=["deck", "active"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="sba") | models.Q(correct_option__isnull=False),
                name="card_sba_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.front[:60]

    @property
    def studiable(self) -> bool:
        return self.active and self.flagged_at is None


class MemoryState(models.IntegerChoices):
    """As FSRS numbers them."""

    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class CardState(models.Model):
    """One learner's memory of one card, as FSRS keeps it."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="states")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")  # copied for the queue
    state = models.PositiveSmallIntegerField(choices=MemoryState.choices, default=MemoryState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    introduced_at = models.DateTimeField(help_text="First answer: counts against the day's new cards")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "card"], name="card_state_one_per_learner")]
        indexes = [
            models.Index(fields=["person", "due"]),
            models.Index(fields=["deck", "person"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · card {self.card_id} · due {self.due:%Y-%m-%d}"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewLog(models.Model):
    """One answer, kept whole. `before` holds the card's state before it, so the last answer can be
    undone (the log stays, marked `undone_at`, and fitting leaves it out)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state = models.PositiveSmallIntegerField(choices=MemoryState.choices, help_text="State before")
    elapsed_days = models.FloatField(default=0, help_text="Days since the previous review")
    before = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=12, default="bedside")  # bedside, anki
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reviewed_at", "pk"]
        indexes = [
            models.Index(fields=["person", "reviewed_at"]),
            models.Index(fields=["card", "reviewed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · card {self.card_id} · {self.get_rating_display()}"


class ChosenDeck(models.Model):
    """A deck a learner chose to study, besides those required of them."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "deck"], name="chosen_deck_once")]

    def __str__(self) -> str:
        return f"{self.person_id} · deck {self.deck_id}"


class LearnerParameters(models.Model):
    """FSRS parameters fitted to one learner's reviews by the nightly job; defaults until then."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    parameters = models.JSONField()
    fitted_at = models.DateTimeField()
    reviews_used = models.PositiveIntegerField()
    log_loss = models.FloatField(null=True, blank=True)
    default_log_loss = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"FSRS parameters of {self.person_id}"


from bedside.drills.models_sim import (  # noqa: E402  (the simulation half of the app's models)
    DrillStatus,
    SafetyThreat,
    Scenario,
    ScenarioKind,
    SimAction,
    SimDrill,
    SimParticipant,
    ThreatCategory,
    ThreatStatus,
)

__all__ = [
    "Card",
    "CardKind",
    "CardState",
    "ChosenDeck",
    "Deck",
    "DrillStatus",
    "LearnerParameters",
    "MemoryState",
    "Rating",
    "ReviewLog",
    "SafetyThreat",
    "Scenario",
    "ScenarioKind",
    "SimAction",
    "SimDrill",
    "SimParticipant",
    "ThreatCategory",
    "ThreatStatus",
]
