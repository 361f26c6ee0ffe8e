"""Question banks, questions with choices and explanations, and a learner's attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.learning.models.courses import Course, Enrolment, Module


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    CASE = "case", "Case-based"  # a case text, then a single-choice question on it


class Question(models.Model):
    """A question of a course's bank; a quiz module draws from the bank of its course."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    case_text = models.TextField(blank=True)
    stem = models.TextField()
    explanation = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.stem[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_unique_position")
        ]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One attempt at a quiz module: questions drawn at the start, scored once when submitted."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attempts")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module", "number"], name="attempt_unique_number"),
            models.UniqueConstraint(
                fields=["enrolment", "module"],
                condition=Q(submitted_at__isnull=True),
                name="attempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.person_id} at {self.module_id}"


class AttemptQuestion(models.Model):
    """A drawn question in an attempt, and the learner's answer (choice positions) once given."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    chosen = models.JSONField(default=list, blank=True)  # Choice ids
    answered_at = models.DateTimeField(null=True, blank=True)
    correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_question_unique_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"
