"""Learning paths: ordered courses with prerequisites (a new-graduate residency year, ICU cross-training).

A path is itself a learning item (kind "path"), so a rule can require it; it completes when every
course on it is done, and the ledger says so.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from bedside.learning.models.courses import Course
from bedside.people.models import Department
from bedside.records.models import LearningItem


class LearningPath(models.Model):
    item = models.OneToOneField(LearningItem, on_delete=models.PROTECT, related_name="learning_path")
    summary = models.TextField(blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.item.title


class PathStep(models.Model):
    """A course at a place on the path; it opens once its prerequisites (steps of the same path) are done."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="path_steps")
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="unlocks")

    class Meta:
        ordering = ["path_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["path", "position"], name="path_step_unique_position"),
            models.UniqueConstraint(fields=["path", "course"], name="path_step_unique_course"),
        ]

    def __str__(self) -> str:
        return f"{self.path_id}.{self.position}: {self.course_id}"
