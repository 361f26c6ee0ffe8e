"""The credits API: the caller's own claims and transcript, check-in, evaluation and claim.

Every operation acts for the caller (`request.auth`): nobody reads or claims another's credit here.
Refusals (a code out of window, reused or for another activity, a claim over the limit or before
the evaluation, a second claim) are 400 with the reason; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from bedside.audit.context import current_origin
from bedside.core.api_params import MAX_ID, Body, IsoDate, Page
from bedside.credits import credit_types, licences, queries, services
from bedside.credits.models import Activity, Claim

router = Router(tags=["credits"])
Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
CreditTypeCode = Literal["ama_pra_1", "ancc", "ipce", "hospital_ce"]


class Refused(Schema):
    detail: str


class ClaimOut(Schema):
    code: str
    activity_id: int
    activity: str
    provider: str
    credit_type: str
    credit_label: str
    amount: Decimal
    minutes_attended: int
    claimed_at: dt.datetime
    certificate_url: str
    verify_url: str
    badge_url: str


def _claim_out(c: Claim) -> dict:
    return {
        "code": c.code,
        "activity_id": c.activity_id,
        "activity": c.activity.title,
        "provider": c.activity.provider_name,
        "credit_type": c.credit_type,
        "credit_label": credit_types.label_of(c.credit_type),
        "amount": c.amount,
        "minutes_attended": c.minutes_attended,
        "claimed_at": c.claimed_at,
        "certificate_url": reverse("credits-certificate-pdf", args=[c.code]),
        "verify_url": reverse("credits-verify", args=[c.code]),
        "badge_url": reverse("credits-badge", args=[c.code]),
    }


class TotalOut(Schema):
    credit_type: str
    amount: Decimal


class TopicOut(Schema):
    topic: str
    required: Decimal
    earned: Decimal
    missing: Decimal


class LicenceOut(Schema):
    licence: str
    number: str
    period_start: dt.date
    period_end: dt.date
    required: Decimal
    earned: Decimal
    missing: Decimal
    complete: bool
    days_left: int
    topics: list[TopicOut]


class TranscriptOut(Schema):
    totals: list[TotalOut]
    licences: list[LicenceOut]
    claims: list[ClaimOut]


class AttendanceOut(Schema):
    activity_id: int
    method: str
    checked_in_at: dt.datetime | None
    minutes_attended: int


class CheckinIn(Body):
    code: str = Field(
        ..., min_length=1, max_length=80, description="The six digits on the screen, or the QR token"
    )
    device: str = Field("", max_length=64, description="Your device's id, if your app keeps one")


class EvaluationIn(Body):
    objectives_met: Literal["yes", "partly", "no"]
    free_of_bias: bool
    practice_change: Literal["yes", "partly", "no"]
    bias_comment: str = Field("", max_length=2000)
    practice_change_text: str = Field("", max_length=2000)
    comments: str = Field("", max_length=4000)


class EvaluationOut(Schema):
    activity_id: int
    submitted_at: dt.datetime


class ClaimIn(Body):
    credit_type: CreditTypeCode
    amount: Decimal | None = Field(
        None, gt=0, le=1000, max_digits=6, decimal_places=2, description="Omit to claim the most allowed"
    )


def _activity(activity_id: int) -> Activity:
    activity = Activity.objects.select_related("site", "item").filter(pk=activity_id).first()
    if activity is None:
        raise Http404("No such activity.")
    return activity


@router.get(
    "/credits/claims", response=list[ClaimOut], url_name="credits-claims-list", summary="Your credit claims"
)
@paginate(Page)
def claims_list(request: HttpRequest):
    """Your claims, newest first, with links to each certificate, its verification page and its badge."""
    return [_claim_out(c) for c in queries.claims_of(request.auth)]


@router.get(
    "/credits/transcript",
    response=TranscriptOut,
    url_name="credits-transcript-api",
    summary="Your credit transcript",
)
def transcript(
    request: HttpRequest,
    on: Annotated[
        IsoDate | None, Query(None, description="The day days-left is counted from (default: today)")
    ] = None,
):
    """Totals by credit type, each licence's period (earned, required, missing, by topic) and every claim."""
    claims = list(queries.claims_of(request.auth))
    progress = licences.licence_progress(request.auth, today=on or timezone.localdate(), claims=claims)
    totals: dict[str, Decimal] = {}
    for c in claims:
        totals[c.credit_type] = totals.get(c.credit_type, Decimal("0")) + c.amount
    return {
        "totals": [{"credit_type": t, "amount": a} for t, a in sorted(totals.items())],
        "licences": [
            {
                "licence": lp.licence.licence_type.name,
                "number": lp.licence.number,
                "period_start": lp.licence.period_start,
                "period_end": lp.licence.period_end,
                "required": lp.required,
                "earned": lp.earned,
                "missing": lp.missing,
                "complete": lp.complete,
                "days_left": lp.days_left,
                "topics": [
                    {"topic": t.topic, "required": t.required, "earned": t.earned, "missing": t.missing}
                    for t in lp.topics
                ],
            }  # fmt: skip
            for lp in progress
        ],
        "claims": [_claim_out(c) for c in claims],
    }


@router.post(
    "/credits/activities/{activity_id}/checkin",
    response={200: AttendanceOut, 400: Refused},
    url_name="credits-checkin-api",
    summary="Check in to an activity with its code",
)
def checkin(request: HttpRequest, activity_id: Id, body: CheckinIn):
    """400 when the code is out of its window, expired, for another activity, or you already checked in."""
    activity = _activity(activity_id)
    attendance = services.checkin(
        activity=activity, person=request.auth, code=body.code, device=body.device, ip=current_origin().origin
    )
    return {
        "activity_id": activity.pk,
        "method": attendance.method,
        "checked_in_at": attendance.checked_in_at,
        "minutes_attended": attendance.minutes_attended(),
    }


@router.post(
    "/credits/activities/{activity_id}/evaluation",
    response={200: EvaluationOut, 400: Refused},
    url_name="credits-evaluate-api",
    summary="Evaluate an activity you attended",
)
def evaluate(request: HttpRequest, activity_id: Id, body: EvaluationIn):
    """400 before you attended, when bias is reported without a comment, or a second time."""
    evaluation = services.evaluation_submit(
        activity=_activity(activity_id), person=request.auth, **body.dict()
    )
    return {"activity_id": evaluation.activity_id, "submitted_at": evaluation.submitted_at}


@router.post(
    "/credits/activities/{activity_id}/claim",
    response={200: ClaimOut, 400: Refused},
    url_name="credits-claim-api",
    summary="Claim credit for an activity",
)
def claim(request: HttpRequest, activity_id: Id, body: ClaimIn):
    """400 before attending or evaluating, over the offer or the time attended, off its steps, or a second claim."""
    made = services.claim(
        activity=_activity(activity_id), person=request.auth, credit_type=body.credit_type, amount=body.amount
    )
    made.activity = Activity.objects.get(pk=made.activity_id)
    return _claim_out(made)
