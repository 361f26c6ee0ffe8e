"""A person's credit transcript: the page's rows, its CSV and its PDF (WeasyPrint)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from bedside.core.exports import csv_response
from bedside.credits import credit_types, licences, queries
from bedside.credits.services import activity_zone
from bedside.people.models import Person

CSV_HEADER = [
    "claimed_on", "activity", "format", "provider", "accreditor_activity_id", "activity_start",
    "credit_type", "amount", "minutes_attended", "topics", "certificate_code",
]  # fmt: skip


def transcript_context(person: Person, *, now: dt.datetime) -> dict:
    claims = list(queries.claims_of(person))
    for c in claims:
        c.zone = activity_zone(c.activity)
        c.label = credit_types.label_of(c.credit_type)
    today = timezone.localdate(now)
    return {
        "person": person,
        "claims": claims,
        "totals": queries.totals_by_type(claims),
        "licences": licences.licence_progress(person, today=today, claims=claims),
        "generated": now,
    }


def transcript_csv(person: Person, *, now: dt.datetime) -> HttpResponse:
    context = transcript_context(person, now=now)
    rows = (
        [
            timezone.localtime(c.claimed_at, c.zone).date(),
            c.activity.title,
            c.activity.get_format_display(),
            c.activity.provider_name,
            c.activity.accreditor_activity_id,
            timezone.localtime(c.activity.starts_at, c.zone).date(),
            c.label,
            c.amount,
            c.minutes_attended,
            "; ".join(t.name for t in c.activity.topics.all()),
            c.code,
        ]
        for c in context["claims"]
    )
    return csv_response(f"credit-transcript-{timezone.localdate(now):%Y-%m-%d}", CSV_HEADER, rows)


def transcript_pdf(person: Person, *, now: dt.datetime) -> bytes:
    from weasyprint import HTML

    html = render_to_string("credits/transcript_pdf.html", transcript_context(person, now=now))
    return HTML(string=html, base_url=settings.BEDSIDE_BASE_URL).write_pdf()
