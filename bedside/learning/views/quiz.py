"""A quiz attempt: the questions drawn for it, one submit, then the review with explanations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bedside.learning.models import QuestionKind, QuizAttempt
from bedside.learning.quizzes import attempt_submit, attempts_used
from bedside.learning.views.learner import _after


def _answers(request: HttpRequest, attempt: QuizAttempt) -> dict[int, list[int]]:
    answers = {}
    for aq in attempt.questions.all():
        raw = request.POST.getlist(f"q{aq.position}")
        try:
            chosen = [int(v) for v in raw]
        except ValueError:
            raise ValidationError(f"Question {aq.position}: that answer is not one of its choices.") from None
        if chosen:
            answers[aq.position] = chosen
    return answers


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Only the learner's own attempt opens (someone else's is 404, as one that does not exist)."""
    attempt = (
        QuizAttempt.objects.select_related("module", "enrolment__course__item")
        .filter(pk=attempt_id, person=request.user)
        .first()
    )
    if attempt is None:
        raise Http404("There is no such quiz attempt of yours.")
    course = attempt.enrolment.course
    error = None
    if request.method == "POST":
        if attempt.submitted_at is not None:
            messages.info(request, "This attempt was already submitted: here is its review.")
            return redirect("quiz-attempt", attempt.pk)
        try:
            answers = _answers(request, attempt)
            missing = [aq.position for aq in attempt.questions.all() if aq.position not in answers]
            if missing and request.POST.get("confirm_unanswered") != "1":
                raise ValidationError(
                    f"Answer every question before submitting (question {', '.join(map(str, missing))} is empty)."
                )
            attempt = attempt_submit(person=request.user, attempt=attempt, answers=answers)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if attempt.passed:
                messages.success(request, f"Passed with {attempt.score_percent:.0f}%.")
            else:
                messages.error(
                    request,
                    f"Not passed: {attempt.score_percent:.0f}% (the pass mark is {attempt.module.pass_percent}%).",
                )
            return redirect("quiz-attempt", attempt.pk)
    rows = []
    for aq in attempt.questions.select_related("question").prefetch_related("question__choices"):
        rows.append(
            {
                "aq": aq,
                "multiple": aq.question.kind == QuestionKind.MULTIPLE,
                "choices": [
                    {"choice": c, "chosen": c.pk in (aq.chosen or []), "right": c.correct}
                    for c in aq.question.choices.all()
                ],
            }
        )
    module = attempt.module
    used = attempts_used(attempt.enrolment, module)
    context = {
        "attempt": attempt,
        "course": course,
        "module": module,
        "rows": rows,
        "error": error,
        "can_retry": bool(
            attempt.submitted_at
            and not attempt.passed
            and (not module.max_attempts or used < module.max_attempts)
        ),
    }
    return render(request, "learning/attempt.html", context)


@login_required
@require_http_methods(["POST"])
def attempt_continue(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = (
        QuizAttempt.objects.select_related("enrolment__course__item")
        .filter(pk=attempt_id, person=request.user)
        .first()
    )
    if attempt is None:
        raise Http404("There is no such quiz attempt of yours.")
    return _after(request, attempt.enrolment.course, attempt.enrolment)
