"""Quiz attempts: questions drawn at random from the course's bank, answers, one scoring per attempt.

A double submit scores once (a conditional update on `submitted_at`); an answer for an attempt
that is closed or someone else's is refused and writes nothing. The score goes to the ledger
(passed or failed, with the score) and a pass completes the module.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning.models import (
    AttemptQuestion,
    Enrolment,
    Module,
    ModuleKind,
    Question,
    QuestionKind,
    QuizAttempt,
)
from bedside.learning.progress import module_complete, require_own
from bedside.people.models import Person
from bedside.records.models import Verb
from bedside.records.services import record_add


def attempts_used(enrolment: Enrolment, module: Module) -> int:
    return QuizAttempt.objects.filter(enrolment=enrolment, module=module, submitted_at__isnull=False).count()


def open_attempt(enrolment: Enrolment, module: Module) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(enrolment=enrolment, module=module, submitted_at__isnull=True).first()


@transaction.atomic
def attempt_start(
    *, person: Person, enrolment: Enrolment, module: Module, now: dt.datetime | None = None, rng=None
) -> QuizAttempt:
    """The open attempt, or a new one with its own random draw; refused once the attempts are used up."""
    require_own(enrolment, person)
    if module.kind != ModuleKind.QUIZ or module.revision_id != enrolment.revision_id:
        raise ValidationError("That is not a quiz of your version of this course.")
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()  # one start at a time
    found = open_attempt(enrolment, module)
    if found is not None:
        return found
    used = attempts_used(enrolment, module)
    if module.max_attempts and used >= module.max_attempts:
        raise ValidationError(
            f"You have used all {module.max_attempts} attempts at this quiz: ask your educator."
        )
    pool = list(
        Question.objects.filter(course_id=enrolment.course_id, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pool:
        raise ValidationError("This quiz has no questions yet.")
    drawn = (rng or random.SystemRandom()).sample(pool, min(module.draw_count, len(pool)))
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment, module=module, person=person, number=used + 1, started_at=now or timezone.now()
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, question_id=q, position=n) for n, q in enumerate(drawn, 1)
    )
    audit(actor=person, action="quiz.start", target=attempt, changes={"questions": drawn})
    return attempt


def _require_open_and_own(attempt: QuizAttempt, person: Person) -> None:
    if attempt.person_id != person.pk:
        raise PermissionDenied("This quiz attempt is someone else's.")
    if attempt.submitted_at is not None:
        raise ValidationError("This attempt is closed: it was already submitted.")


def _checked_choices(aq: AttemptQuestion, choice_ids: list[int]) -> list[int]:
    valid = {c.pk for c in aq.question.choices.all()}
    chosen = sorted({int(c) for c in choice_ids})
    if not chosen:
        raise ValidationError(f"Question {aq.position}: choose an answer.")
    if set(chosen) - valid:
        raise ValidationError(f"Question {aq.position}: that answer is not one of its choices.")
    if aq.question.kind != QuestionKind.MULTIPLE and len(chosen) != 1:
        raise ValidationError(f"Question {aq.position}: choose one answer.")
    return chosen


@transaction.atomic
def attempt_answer(
    *, person: Person, attempt: QuizAttempt, position: int, choice_ids: list[int], now=None
) -> None:
    """Save one answer of an open attempt of the person's own."""
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    _require_open_and_own(attempt, person)
    aq = attempt.questions.select_related("question").filter(position=position).first()
    if aq is None:
        raise ValidationError("That question is not in this attempt.")
    aq.chosen = _checked_choices(aq, choice_ids)
    aq.answered_at = now or timezone.now()
    aq.save(update_fields=["chosen", "answered_at"])


def _is_correct(aq: AttemptQuestion) -> bool:
    right = sorted(c.pk for c in aq.question.choices.all() if c.correct)
    return sorted(aq.chosen) == right


@transaction.atomic
def attempt_submit(
    *, person: Person, attempt: QuizAttempt, answers: dict[int, list[int]] | None = None, now=None
) -> QuizAttempt:
    """Score the attempt once: a second submit returns the scored attempt and writes nothing.

    `answers` (position -> choice ids) are saved first; unanswered questions count as wrong.
    """
    now = now or timezone.now()
    locked = (
        QuizAttempt.objects.select_for_update()
        .select_related("module", "enrolment__course__item")
        .get(pk=attempt.pk)
    )
    if locked.person_id != person.pk:
        raise PermissionDenied("This quiz attempt is someone else's.")
    if locked.submitted_at is not None:
        return locked
    rows = list(locked.questions.select_related("question").prefetch_related("question__choices"))
    by_position = {aq.position: aq for aq in rows}
    for position, choice_ids in (answers or {}).items():
        aq = by_position.get(int(position))
        if aq is None:
            raise ValidationError("That question is not in this attempt.")
        aq.chosen, aq.answered_at = _checked_choices(aq, choice_ids), now
    for aq in rows:
        aq.correct = bool(aq.chosen) and _is_correct(aq)
    AttemptQuestion.objects.bulk_update(rows, ["chosen", "answered_at", "correct"])
    right = sum(1 for aq in rows if aq.correct)
    score = (Decimal(100 * right) / Decimal(len(rows) or 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    passed = score >= locked.module.pass_percent
    updated = QuizAttempt.objects.filter(pk=locked.pk, submitted_at__isnull=True).update(
        submitted_at=now, score_percent=score, passed=passed
    )
    if not updated:  # pragma: no cover - the row lock makes this unreachable
        return QuizAttempt.objects.get(pk=locked.pk)
    locked.submitted_at, locked.score_percent, locked.passed = now, score, passed
    enrolment = locked.enrolment
    record_add(
        person=person,
        item=enrolment.course.item,
        verb=Verb.PASSED if passed else Verb.FAILED,
        by=person,
        at=now,
        version=enrolment.revision.version,
        score=score,
        evidence=f"Quiz “{locked.module.title}”, attempt {locked.number}: {right} of {len(rows)} right",
        source_ref=f"attempt:{locked.pk}",
    )
    audit(actor=person, action="quiz.submit", target=locked, changes={"score": str(score), "passed": passed})
    if passed:
        module_complete(enrolment=enrolment, module=locked.module, person=person, now=now)
    return locked
