"""A course's report for its educators, with a chart of question difficulty and CSV or Excel downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bedside.core.exports import csv_response, xlsx_response
from bedside.learning import course_reports
from bedside.learning.views.authoring import authored


@login_required
@require_safe
def course_report(request: HttpRequest, course_id: int) -> HttpResponse:
    course = authored(request, course_id)
    questions = course_reports.question_figures(course)
    chart = {
        "labels": [f"Q{q.question_id}" for q in questions],
        "difficulty": [round(100 * q.difficulty) if q.difficulty is not None else None for q in questions],
    }
    context = {
        "course": course,
        "figures": course_reports.enrolment_figures(course),
        "questions": questions,
        "sessions": course_reports.session_figures(course),
        "chart": chart,
        "min_answers": course_reports.MIN_ANSWERS,
    }
    return render(request, "learning/report.html", context)


@login_required
@require_safe
def course_report_export(request: HttpRequest, course_id: int, fmt: str) -> HttpResponse:
    """Question figures and session figures in one sheet each (CSV: the questions)."""
    course = authored(request, course_id)
    header = ["Question id", "Question", "Answers", "Right", "Difficulty (share right)", "Discrimination"]
    rows = [
        [q.question_id, q.stem, q.answers, q.right, q.difficulty, q.discrimination]
        for q in course_reports.question_figures(course)
    ]
    name = f"course-{course.pk}-questions"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows, sheet_title="Questions")
    raise Http404("Choose csv or xlsx.")
