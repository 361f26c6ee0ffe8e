"""Credit types and their rules: how much of each a stretch of attended time can earn.

- AMA PRA Category 1 Credit: one credit per 60 minutes, in quarter-credit steps (15 minutes),
  rounded down, never more than the time attended.
- ANCC contact hours: 60 minutes = 1.00 contact hour, to the hundredth, rounded down.
- IPCE credit (Joint Accreditation): one credit per hour, in quarter steps, rounded down.
- Hospital CE: the hospital's own hours, in half-hour steps, rounded down.

Amounts are Decimals with two places, as the ledger stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import models


class CreditType(models.TextChoices):
    AMA_PRA_1 = "ama_pra_1", "AMA PRA Category 1 Credit™"
    ANCC = "ancc", "ANCC contact hours"
    IPCE = "ipce", "IPCE credit"
    HOSPITAL_CE = "hospital_ce", "Hospital CE hours"


@dataclass(frozen=True)
class Rule:
    credit_type: str
    step: Decimal  # the smallest amount claimable, and every amount a multiple of it
    minutes_per_unit: int  # attended minutes that earn 1.00
    unit: str  # how the amount is said: "credits", "contact hours"

    def earnable(self, minutes: int) -> Decimal:
        """The most this many attended minutes can earn: whole steps only, rounded down."""
        if minutes <= 0:
            return Decimal("0.00")
        exact = Decimal(minutes) / Decimal(self.minutes_per_unit)
        steps = (exact / self.step).to_integral_value(rounding=ROUND_DOWN)
        return (steps * self.step).quantize(Decimal("0.01"))

    def is_step(self, amount: Decimal) -> bool:
        return amount > 0 and amount % self.step == 0


RULES: dict[str, Rule] = {
    CreditType.AMA_PRA_1: Rule(CreditType.AMA_PRA_1, Decimal("0.25"), 60, "credits"),
    CreditType.ANCC: Rule(CreditType.ANCC, Decimal("0.01"), 60, "contact hours"),
    CreditType.IPCE: Rule(CreditType.IPCE, Decimal("0.25"), 60, "credits"),
    CreditType.HOSPITAL_CE: Rule(CreditType.HOSPITAL_CE, Decimal("0.50"), 60, "hours"),
}


def rule_for(credit_type: str) -> Rule:
    try:
        return RULES[credit_type]
    except KeyError:
        known = ", ".join(str(label) for label in CreditType.labels)
        raise ValidationError(f"Unknown credit type “{credit_type}”: use one of {known}.") from None


def label_of(credit_type: str) -> str:
    try:
        return str(CreditType(credit_type).label)
    except ValueError:
        return credit_type


def claimable(credit_type: str, *, minutes: int, offer_max: Decimal) -> Decimal:
    """The most a person may claim: what their minutes earn, never above the activity's offer."""
    return min(rule_for(credit_type).earnable(minutes), Decimal(offer_max).quantize(Decimal("0.01")))


def check_amount(credit_type: str, amount: Decimal, *, minutes: int, offer_max: Decimal) -> Decimal:
    """The amount as stored, or a ValidationError that says what may be claimed and why."""
    rule = rule_for(credit_type)
    label = label_of(credit_type)
    try:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError("Give the amount as a number, e.g. 1.00.") from None
    if not amount.is_finite():  # NaN passes quantize, and no comparison takes it
        raise ValidationError("Give the amount as a number, e.g. 1.00.")
    if amount <= 0:
        raise ValidationError("Claim more than zero.")
    if not rule.is_step(amount):
        raise ValidationError(f"{label} is claimed in steps of {rule.step} {rule.unit}: {amount} is not one.")
    offer_max = Decimal(offer_max).quantize(Decimal("0.01"))
    if amount > offer_max:
        raise ValidationError(f"This activity offers at most {offer_max} {rule.unit} of {label}.")
    earned = rule.earnable(minutes)
    if amount > earned:
        raise ValidationError(
            f"{minutes} minutes attended earn at most {earned} {rule.unit} of {label}: claim no more than that."
        )
    return amount
