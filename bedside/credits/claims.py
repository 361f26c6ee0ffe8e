"""Evaluations and claims: after attending, the learner evaluates (where required), then claims credit.

A claim writes exactly one ledger record (verb `claimed`, with the credit amount and type), which
closes any open requirement for the activity through the ledger's announcement. Every refusal is a
ValidationError with a sentence a learner can act on, raised before anything is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.credits import credit_types
from bedside.credits.activities import activity_zone, refuse_if_cancelled
from bedside.credits.models import Activity, Agreement, Attendance, Claim, CreditOffer, Evaluation
from bedside.people.models import Person
from bedside.records.services import record_add

CLAIMED = "claimed"


@transaction.atomic
def evaluation_submit(
    *,
    activity: Activity,
    person: Person,
    objectives_met: str,
    free_of_bias: bool,
    practice_change: str,
    bias_comment: str = "",
    practice_change_text: str = "",
    comments: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    """A learner who attended evaluates the activity, once (not once it is cancelled)."""
    now = now or timezone.now()
    activity = Activity.objects.select_related("site").get(pk=activity.pk)
    refuse_if_cancelled(activity, "it takes no more evaluations.")
    attendance = Attendance.objects.filter(activity=activity, person=person).first()
    if attendance is None:
        raise ValidationError("Evaluate after you attend: check in (or record your time) first.")
    if objectives_met not in Agreement.values:
        raise ValidationError("Say whether the learning objectives were met: yes, partly or no.")
    if practice_change not in Agreement.values:
        raise ValidationError("Say whether you intend to change your practice: yes, partly or no.")
    if free_of_bias is None:
        raise ValidationError("Say whether the activity was free of commercial bias.")
    if not free_of_bias and not bias_comment.strip():
        raise ValidationError("Describe the commercial bias you noticed, so the CME office can act on it.")
    done = Evaluation.objects.filter(activity=activity, person=person).first()
    if done is not None:
        raise ValidationError(
            f"You already evaluated this activity on {timezone.localtime(done.submitted_at, activity_zone(activity)):%d %b %Y}."
        )
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                activity=activity, person=person, objectives_met=objectives_met, free_of_bias=bool(free_of_bias),
                bias_comment=bias_comment.strip(), practice_change=practice_change,
                practice_change_text=practice_change_text.strip(), comments=comments.strip(), submitted_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError("You already evaluated this activity.") from None
    audit(actor=person, action="credits.evaluate", target=evaluation)
    return evaluation


@transaction.atomic
def claim(
    *,
    activity: Activity,
    person: Person,
    credit_type: str,
    amount: Decimal | str | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    """Claim credit: after attending and (where required) evaluating, within the offer and the time attended.

    `amount=None` claims the most allowed. Writes one ledger record (verb claimed, with the credit
    amount and type) and the claim its certificate and badge are issued for. A second claim, or a
    claim on a cancelled activity, is refused.
    """
    now = now or timezone.now()
    activity = Activity.objects.select_related("site", "item").get(pk=activity.pk)
    refuse_if_cancelled(activity, "credit can no longer be claimed for it.")
    label = credit_types.label_of(credit_type)
    attendance = Attendance.objects.select_for_update().filter(activity=activity, person=person).first()
    if attendance is None:
        raise ValidationError("Check in (or record your time) before claiming credit.")
    attendance.activity = activity
    if (
        activity.evaluation_required
        and not Evaluation.objects.filter(activity=activity, person=person).exists()
    ):
        raise ValidationError("Evaluate the activity first: credit can be claimed only after the evaluation.")
    offer = CreditOffer.objects.filter(activity=activity, credit_type=credit_type).first()
    if offer is None:
        offered = ", ".join(f"{o.max_amount} {o.get_credit_type_display()}" for o in activity.offers.all())
        raise ValidationError(f"This activity does not offer {label}; it offers {offered}.")
    previous = Claim.objects.filter(activity=activity, person=person).first()
    if previous is not None:
        raise ValidationError(
            f"You already claimed {previous.amount} {previous.get_credit_type_display()} for this activity: one claim each."
        )
    minutes = attendance.minutes_attended()
    if amount is None or amount == "":
        amount = credit_types.claimable(credit_type, minutes=minutes, offer_max=offer.max_amount)
        if amount <= 0:
            raise ValidationError(f"{minutes} minutes attended earn no {label} yet.")
    amount = credit_types.check_amount(credit_type, amount, minutes=minutes, offer_max=offer.max_amount)
    record = record_add(
        person=person,
        item=activity.item,
        verb=CLAIMED,
        by=person,
        at=now,
        credit_amount=amount,
        credit_type=credit_type,
        evidence=f"{amount} {label} for {activity.title} ({minutes} minutes attended)",
        source_ref=f"activity:{activity.pk}",
    )
    try:
        with transaction.atomic():
            made = Claim.objects.create(
                activity=activity, person=person, credit_type=credit_type, amount=amount,
                minutes_attended=minutes, claimed_at=now, record=record,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError("You already claimed credit for this activity: one claim each.") from None
    audit(
        actor=person,
        action="credits.claim",
        target=made,
        changes={"amount": str(amount), "credit_type": credit_type},
    )
    return made
