"""Certificates: the PDF (WeasyPrint, from an HTML template) with its verification URL and QR code."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bedside.core.rotating_codes import qr_png_data_uri
from bedside.credits import credit_types
from bedside.credits.models import Claim
from bedside.credits.services import activity_zone, cancelled_on


def verify_url(claim: Claim) -> str:
    return settings.BEDSIDE_BASE_URL.rstrip("/") + reverse("credits-verify", args=[claim.code])


def certificate_context(claim: Claim) -> dict:
    activity = claim.activity
    tz: zoneinfo.ZoneInfo = activity_zone(activity)
    url = verify_url(claim)
    return {
        "claim": claim,
        "activity": activity,
        "person": claim.person,
        "label": credit_types.label_of(claim.credit_type),
        "unit": credit_types.rule_for(claim.credit_type).unit,
        "starts": timezone.localtime(activity.starts_at, tz),
        "ends": timezone.localtime(activity.ends_at, tz),
        "claimed": timezone.localtime(claim.claimed_at, tz),
        "verify_url": url,
        "qr": qr_png_data_uri(url, scale=4),
        "ama": claim.credit_type == credit_types.CreditType.AMA_PRA_1,
        "cancelled": cancelled_on(activity),  # no certificate or badge is issued for a cancelled activity
    }


def certificate_pdf(claim: Claim) -> bytes:
    """The certificate as a one-page A4 landscape PDF."""
    from weasyprint import HTML  # imported here: loading pango takes a moment, pages that never print skip it

    html = render_to_string("credits/certificate_pdf.html", certificate_context(claim))
    return HTML(string=html, base_url=settings.BEDSIDE_BASE_URL).write_pdf()
