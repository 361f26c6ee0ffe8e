"""Certificates: the learner's page and PDF, and the public verification page behind the QR code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bedside.credits import certificates
from bedside.credits.models import Claim
from bedside.people import access
from bedside.people.models import Capability

NOT_YOURS = "This certificate is not yours, or does not exist."
DENIED = "Certificates are for the person who earned them and the CME office."


def own_claim(request: HttpRequest, code: str) -> Claim:
    """The learner's own claim, or one the CME office reaches; 403/404 by the house rule."""
    rows = Claim.objects.select_related("activity__site", "person", "record")
    return access.get_in_scope(
        request.user, Capability.CME, rows, own=True, code=code, denied=DENIED, missing=NOT_YOURS
    )


@login_required
@require_safe
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    claim = own_claim(request, code)
    return render(request, "credits/certificate.html", certificates.certificate_context(claim))


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    claim = own_claim(request, code)
    response = HttpResponse(certificates.certificate_pdf(claim), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{claim.code}.pdf"'
    return response


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding the certificate's address (or its QR code) sees that it is genuine."""
    claim = Claim.objects.select_related("activity__site", "person").filter(code=code).first()
    context = certificates.certificate_context(claim) if claim else {}
    return render(
        request, "credits/verify.html", {**context, "found": claim is not None}, status=200 if claim else 404
    )
