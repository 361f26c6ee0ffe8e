"""Course reports for its educators: enrolment and completion, each question's difficulty and
discrimination, and each session's fill and no-show rates. Aggregated in the database, so a
course with many learners costs a few grouped queries, not a row per learner.

- Difficulty is the share of answers that were right (0 to 1; low is hard).
- Discrimination is the point-biserial correlation between getting the question right and the
  attempt's score: near 0 or below, the question does not tell strong learners from weak ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.functions import Cast

from bedside.learning.models import (
    AttemptQuestion,
    Course,
    CourseSession,
    Enrolment,
    QuizAttempt,
    RegistrationStatus,
)

MIN_ANSWERS = 5  # fewer answers than this give no discrimination figure: too few to mean anything


@dataclass(frozen=True)
class QuestionFigures:
    question_id: int
    stem: str
    answers: int
    right: int
    difficulty: float | None
    discrimination: float | None


@dataclass(frozen=True)
class SessionFigures:
    session: CourseSession
    seats: int
    booked: int
    attended: int
    no_show: int
    waiting: int

    @property
    def fill(self) -> float:
        return self.booked / self.seats if self.seats else 0.0

    @property
    def no_show_rate(self) -> float | None:
        ended = self.attended + self.no_show
        return self.no_show / ended if ended else None


def enrolment_figures(course: Course) -> dict:
    row = Enrolment.objects.filter(course=course).aggregate(
        enrolled=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )
    row["in_progress"] = row["enrolled"] - row["completed"]
    row["rate"] = row["completed"] / row["enrolled"] if row["enrolled"] else None
    attempts = QuizAttempt.objects.filter(enrolment__course=course, submitted_at__isnull=False).aggregate(
        attempts=Count("pk"), passed=Count("pk", filter=Q(passed=True)), mean=Avg("score_percent")
    )
    return {**row, **attempts}


def question_figures(course: Course) -> list[QuestionFigures]:
    """Per question of the bank, over every submitted attempt of the course, hardest first."""
    answered = AttemptQuestion.objects.filter(
        attempt__enrolment__course=course, attempt__submitted_at__isnull=False
    )
    score = Cast(F("attempt__score_percent"), FloatField())
    overall = QuizAttempt.objects.filter(enrolment__course=course, submitted_at__isnull=False).aggregate(
        mean=Avg(Cast("score_percent", FloatField())),
        mean_sq=Avg(Cast("score_percent", FloatField()) * Cast("score_percent", FloatField())),
    )
    sd = None
    if overall["mean"] is not None:
        variance = max(overall["mean_sq"] - overall["mean"] ** 2, 0.0)
        sd = math.sqrt(variance) or None
    rows = (
        answered.values("question_id", "question__stem")
        .annotate(
            answers=Count("pk"),
            right=Count("pk", filter=Q(correct=True)),
            m1=Avg(score, filter=Q(correct=True)),
            m0=Avg(score, filter=~Q(correct=True)),
        )
        .order_by("question_id")
    )
    found = []
    for r in rows:
        n, right = r["answers"], r["right"]
        p = right / n if n else None
        disc = None
        if sd and n >= MIN_ANSWERS and 0 < right < n and r["m1"] is not None and r["m0"] is not None:
            disc = (r["m1"] - r["m0"]) / sd * math.sqrt(p * (1 - p))
        found.append(QuestionFigures(r["question_id"], r["question__stem"], n, right, p, disc))
    return sorted(found, key=lambda q: (q.difficulty if q.difficulty is not None else 2, q.question_id))


def session_figures(course: Course) -> list[SessionFigures]:
    S = RegistrationStatus
    rows = (
        CourseSession.objects.filter(course=course, cancelled_at__isnull=True)
        .select_related("room")
        .annotate(
            booked=Count(
                "registrations", filter=Q(registrations__status__in=(S.REGISTERED, S.ATTENDED, S.NO_SHOW))
            ),
            attended=Count("registrations", filter=Q(registrations__status=S.ATTENDED)),
            no_show=Count("registrations", filter=Q(registrations__status=S.NO_SHOW)),
            waiting=Count("registrations", filter=Q(registrations__status=S.WAITLISTED)),
        )
        .order_by("starts_at")
    )
    return [SessionFigures(s, s.seats, s.booked, s.attended, s.no_show, s.waiting) for s in rows]
