"""Reads of the credits app: a person's state on an activity (the panel), transcripts, office summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from bedside.credits import credit_types
from bedside.credits.models import Activity, Attendance, Claim, CreditOffer, Evaluation
from bedside.credits.services import cancelled_on, checkin_open
from bedside.people.models import Person


@dataclass(frozen=True)
class OfferLine:
    credit_type: str
    label: str
    max_amount: Decimal
    claimable: Decimal  # what this person may claim now (0 before attending)


@dataclass
class Panel:
    """What one person may do on one activity now, in order: check in, evaluate, claim, certificate."""

    activity: Activity
    attendance: Attendance | None
    evaluation: Evaluation | None
    claim: Claim | None
    offers: list[OfferLine]
    checkin_open: bool
    enduring_open: bool
    not_yet: bool  # before the check-in window
    minutes_attended: int
    step: str  # "wait", "checkin", "record_time", "watch", "evaluate", "claim", "done", "closed", "cancelled"
    urls: dict[str, str] = field(default_factory=dict)
    cancelled: str = ""  # "This activity was cancelled on 26 Nov 2026", or ""

    @property
    def attended(self) -> bool:
        return self.attendance is not None

    @property
    def evaluated(self) -> bool:
        return self.evaluation is not None


def _step(activity: Activity, attendance, evaluation, claim, checkin: bool, enduring: bool, now) -> str:
    if activity.cancelled_at is not None:
        return "cancelled"
    if claim is not None:
        return "done"
    if attendance is None:
        if checkin:
            return "checkin"
        if enduring:
            return "watch" if activity.is_live else "record_time"
        return "wait" if now < activity.checkin_opens_at else "closed"
    if activity.evaluation_required and evaluation is None:
        return "evaluate"
    return "claim"


def panel_for(activity: Activity, person: Person, now: dt.datetime) -> Panel:
    """The person's check-in, evaluation, claim and certificate state on the activity (four queries)."""
    attendance = Attendance.objects.filter(activity=activity, person=person).first()
    if attendance is not None:
        attendance.activity = activity
    evaluation = Evaluation.objects.filter(activity=activity, person=person).first()
    claim = Claim.objects.filter(activity=activity, person=person).first()
    minutes = attendance.minutes_attended() if attendance else 0
    offers = [
        OfferLine(
            credit_type=o.credit_type,
            label=credit_types.label_of(o.credit_type),
            max_amount=o.max_amount,
            claimable=credit_types.claimable(o.credit_type, minutes=minutes, offer_max=o.max_amount),
        )
        for o in CreditOffer.objects.filter(activity=activity)
    ]
    is_open = checkin_open(activity, now)
    enduring = activity.enduring_open(now)
    pk = activity.pk
    urls = {
        "activity": reverse("credits-activity", args=[pk]),
        "checkin": reverse("credits-checkin", args=[pk]),
        "evaluate": reverse("credits-evaluate", args=[pk]),
        "claim": reverse("credits-claim", args=[pk]),
        "record_time": reverse("credits-record-time", args=[pk]),
    }
    if claim is not None:
        urls["certificate"] = reverse("credits-certificate", args=[claim.code])
        urls["certificate_pdf"] = reverse("credits-certificate-pdf", args=[claim.code])
        urls["verify"] = reverse("credits-verify", args=[claim.code])
        urls["badge"] = reverse("credits-badge", args=[claim.code])
    return Panel(
        activity=activity,
        attendance=attendance,
        evaluation=evaluation,
        claim=claim,
        offers=offers,
        checkin_open=is_open,
        enduring_open=enduring,
        not_yet=activity.is_live and now < activity.checkin_opens_at,
        minutes_attended=minutes,
        step=_step(activity, attendance, evaluation, claim, is_open, enduring, now),
        urls=urls,
        cancelled=cancelled_on(activity),
    )


def claims_of(person: Person) -> QuerySet[Claim]:
    """A person's claims, newest first, with what a transcript shows."""
    return (
        Claim.objects.filter(person=person)
        .select_related("activity__site")
        .prefetch_related("activity__topics")
        .order_by("-claimed_at", "-pk")
    )


def totals_by_type(claims) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for c in claims:
        totals[c.credit_type] = totals.get(c.credit_type, Decimal("0")) + c.amount
    return [(credit_types.label_of(t), amount) for t, amount in sorted(totals.items())]


def activity_summary(activity: Activity) -> dict:
    """Attendance, evaluation and credit figures of one activity for the CME office (a handful of queries)."""
    attendance = activity.attendances.aggregate(
        total=Count("pk"),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        by_qr=Count("pk", filter=Q(method="qr")),
        by_code=Count("pk", filter=Q(method="code")),
        by_presence=Count("pk", filter=Q(method="presence")),
        enduring=Count("pk", filter=Q(method="enduring")),
    )
    evaluations = activity.evaluations.aggregate(
        total=Count("pk"),
        objectives_yes=Count("pk", filter=Q(objectives_met="yes")),
        objectives_partly=Count("pk", filter=Q(objectives_met="partly")),
        objectives_no=Count("pk", filter=Q(objectives_met="no")),
        bias_free=Count("pk", filter=Q(free_of_bias=True)),
        bias_reported=Count("pk", filter=Q(free_of_bias=False)),
        change_yes=Count("pk", filter=Q(practice_change="yes")),
        change_partly=Count("pk", filter=Q(practice_change="partly")),
        change_no=Count("pk", filter=Q(practice_change="no")),
    )
    credits = [
        {"label": credit_types.label_of(row["credit_type"]), "claims": row["n"], "amount": row["amount"]}
        for row in activity.claims.values("credit_type")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by("credit_type")
    ]
    comments = list(
        activity.evaluations.exclude(comments="", bias_comment="", practice_change_text="")
        .order_by("-submitted_at")
        .values("comments", "bias_comment", "practice_change_text", "submitted_at")[:50]
    )
    return {"attendance": attendance, "evaluations": evaluations, "credits": credits, "comments": comments}


@dataclass(frozen=True)
class SharedDevice:
    device_id: str
    activity: Activity
    people: list[Person]
    ip_hashes: int


def suspicious_checkins(activities: QuerySet[Activity], *, min_people: int = 2) -> list[SharedDevice]:
    """Devices (browser id, or the same client address with no id) that checked in several people to one activity."""
    rows = (
        Attendance.objects.filter(activity__in=activities, checked_in_at__isnull=False)
        .exclude(device_id="")
        .values("activity_id", "device_id")
        .annotate(n=Count("person", distinct=True), ips=Count("ip_hash", distinct=True))
        .filter(n__gte=min_people)
        .order_by("-n", "activity_id")
    )
    rows = list(rows[:200])
    if not rows:
        return []
    keys = {(r["activity_id"], r["device_id"]) for r in rows}
    people: dict[tuple[int, str], list[Person]] = {}
    for a in (
        Attendance.objects.filter(
            activity_id__in={k[0] for k in keys},
            device_id__in={k[1] for k in keys},
            checked_in_at__isnull=False,
        )
        .select_related("person")
        .order_by("checked_in_at")
    ):
        if (a.activity_id, a.device_id) in keys:
            people.setdefault((a.activity_id, a.device_id), []).append(a.person)
    by_id = Activity.objects.in_bulk({k[0] for k in keys})
    return [
        SharedDevice(
            device_id=r["device_id"],
            activity=by_id[r["activity_id"]],
            people=people.get((r["activity_id"], r["device_id"]), []),
            ip_hashes=r["ips"],
        )
        for r in rows
    ]
