from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bedside.credits.credit_types import RULES, CreditType, check_amount, claimable, rule_for

D = Decimal


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0.00"),
        (14, "0.00"),
        (15, "0.25"),
        (29, "0.25"),
        (44, "0.50"),
        (45, "0.75"),
        (60, "1.00"),
        (89, "1.25"),
        (90, "1.50"),
    ],
)
def test_ama_counts_quarter_hours_rounded_down(minutes, expected):
    assert rule_for(CreditType.AMA_PRA_1).earnable(minutes) == D(expected)


@pytest.mark.parametrize(
    ("minutes", "expected"), [(60, "1.00"), (50, "0.83"), (90, "1.50"), (1, "0.01"), (0, "0.00")]
)
def test_ancc_sixty_minutes_is_one_contact_hour_to_the_hundredth(minutes, expected):
    assert rule_for(CreditType.ANCC).earnable(minutes) == D(expected)


def test_ipce_in_quarters_and_hospital_ce_in_halves():
    assert rule_for(CreditType.IPCE).earnable(50) == D("0.75")
    assert rule_for(CreditType.HOSPITAL_CE).earnable(50) == D("0.50")
    assert rule_for(CreditType.HOSPITAL_CE).earnable(29) == D("0.00")


def test_every_credit_type_has_a_rule():
    assert set(RULES) == set(CreditType.values)


def test_claimable_is_never_above_the_offer_or_the_time():
    assert claimable(CreditType.AMA_PRA_1, minutes=120, offer_max=D("1.00")) == D("1.00")
    assert claimable(CreditType.AMA_PRA_1, minutes=40, offer_max=D("1.00")) == D("0.50")


@pytest.mark.parametrize(
    ("amount", "minutes", "message"),
    [
        ("0", 60, "more than zero"),
        ("0.30", 60, "steps of 0.25"),
        ("1.25", 120, "at most 1.00"),
        ("1.00", 40, "40 minutes attended earn at most 0.50"),
        ("x", 60, "as a number"),
        # NaN passed quantize and then broke the comparison (InvalidOperation, a 500 on the claim form).
        ("NaN", 60, "as a number"),
        ("-Infinity", 60, "as a number"),
    ],
)
def test_amounts_refused_with_the_reason(amount, minutes, message):
    with pytest.raises(ValidationError) as exc:
        check_amount(CreditType.AMA_PRA_1, amount, minutes=minutes, offer_max=D("1.00"))
    assert message in exc.value.messages[0]


def test_unknown_credit_type_names_the_known_ones():
    with pytest.raises(ValidationError, match="AMA PRA Category 1"):
        rule_for("cme_points")
