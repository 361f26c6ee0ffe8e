"""Certificates: the learner's page and PDF, and the public verification page behind the QR code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from bedside.credits import badges, certificates
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


def _not_issued(request: HttpRequest, claim: Claim) -> HttpResponse | None:
    """A cancelled activity issues no certificate or badge: the certificate page says why (410)."""
    if claim.activity.cancelled_at is None:
        return None
    return render(request, "credits/certificate.html", certificates.certificate_context(claim), status=410)


@login_required
@require_safe
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    claim = own_claim(request, code)
    return render(request, "credits/certificate.html", certificates.certificate_context(claim))


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    claim = own_claim(request, code)
    if (refused := _not_issued(request, claim)) is not None:
        return refused
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


@login_required
@require_safe
def badge(request: HttpRequest, code: str) -> HttpResponse:
    """The signed Open Badges 3.0 credential (VC-JWT) to keep in a wallet or send to a board."""
    claim = own_claim(request, code)
    if (refused := _not_issued(request, claim)) is not None:
        return refused
    response = HttpResponse(badges.badge_jwt(claim), content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="badge-{claim.code}.jwt"'
    return response


@require_safe
def issuer(request: HttpRequest) -> JsonResponse:
    """Public: the issuer's Open Badges profile and the key its badges are signed with."""
    return JsonResponse(badges.issuer_profile(), json_dumps_params={"indent": 2})


@require_http_methods(["GET", "POST"])
def verify_badge(request: HttpRequest) -> HttpResponse:
    """Public: paste a badge (the .jwt file's text) and see whether it is genuine."""
    result = None
    token = ""
    if request.method == "POST":
        token = request.POST.get("badge", "")[:20000]
        result = badges.verify(token)
    context = {"result": result, "token": token}
    if result is not None and result.claim is not None:
        context.update(certificates.certificate_context(result.claim))
    return render(
        request, "credits/verify_badge.html", context, status=200 if result is None or result.valid else 422
    )
