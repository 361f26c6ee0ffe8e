"""Transcripts: a person's requirements and learning record, for them and for those who oversee them."""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bedside.assignments.queries import STATUS_LABELS, required, with_status
from bedside.core.exports import csv_response
from bedside.core.humanize import local
from bedside.people import access
from bedside.people.models import Person, active_jobs
from bedside.people.timezones import tz_of
from bedside.records.queries import transcript


def _subject(request: HttpRequest, person_id: int | None) -> Person:
    if person_id is None:
        return request.user
    return access.get_in_scope(
        request.user,
        access.OVERSIGHT,
        Person.objects.all(),
        own=True,
        pk=person_id,
        denied="You can only see your own record: other people's are for their educators and managers.",
        missing="You can only see people on your units: this person is not on them, or does not exist.",
    )


@login_required
@require_GET
def person_transcript(request: HttpRequest, person_id: int | None = None) -> HttpResponse:
    subject = _subject(request, person_id)
    requirements = (
        with_status(required().filter(person=subject)).select_related("item").order_by("due_at", "pk")
    )
    rows = [(a, a.status, STATUS_LABELS[a.status]) for a in requirements]
    jobs = active_jobs(timezone.localdate()).filter(person=subject).select_related("unit", "job_role")
    return render(
        request,
        "reports/transcript.html",
        {
            "subject": subject,
            "own": subject.pk == request.user.pk,
            "records": transcript(subject)[:500],
            "requirements": rows,
            "jobs": jobs,
            "tz": tz_of(subject),  # a person's dates in their own site's zone, whoever looks
        },
    )


@login_required
@require_GET
def person_transcript_csv(request: HttpRequest, person_id: int | None = None) -> HttpResponse:
    subject = _subject(request, person_id)
    name = re.sub(r"[^A-Za-z0-9_-]", "", subject.employee_id or "") or f"person-{subject.pk}"
    header = ["record_id", "date", "item", "kind", "version", "verb", "score", "credit", "credit_type",
              "valid_until", "source", "evidence"]  # fmt: skip
    tz = tz_of(subject)
    rows = (
        [
            r.pk,
            local(r.at, tz).isoformat(timespec="minutes"),
            r.item.title,
            r.item.kind,
            r.version.label if r.version else "",
            r.verb,
            r.score or "",
            r.credit_amount or "",
            r.credit_type,
            local(r.valid_until, tz).date().isoformat() if r.valid_until else "",
            r.source_kind,
            r.evidence,
        ]  # fmt: skip
        for r in transcript(subject).iterator(chunk_size=2000)
    )
    return csv_response(f"transcript-{name}", header, rows)
