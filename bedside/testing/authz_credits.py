"""The credits app's rows in the authorization table, and the objects the walk opens.

Any signed-in person may open an activity and take part in it (check in, evaluate, claim: all for
themselves). A certificate is its learner's (the walk's learner holds the inside one) and the CME
office's (a cme grant over the activity's site: the walk's `cme` actor, over the inside site).
Room screens and set-up are the CME office's. Verification pages are public.
"""

from __future__ import annotations

import datetime as dt

from bedside.testing.authz_table import ADMINS, EVERYONE, SIGNED_IN, Access

CME_OFFICE = ADMINS | {"cme"}
OWNER_OR_OFFICE = CME_OFFICE | {"learner"}

URLS: dict[str, Access] = {
    "credits-transcript": Access(get=SIGNED_IN),
    # The API: always the caller's own credit.
    "api:credits-claims-list": Access(get=SIGNED_IN),
    "api:credits-transcript-api": Access(get=SIGNED_IN),
    "api:credits-checkin-api": Access(post=SIGNED_IN, obj="credit_activity", unscoped=True),
    "api:credits-evaluate-api": Access(post=SIGNED_IN, obj="credit_activity", unscoped=True),
    "api:credits-claim-api": Access(post=SIGNED_IN, obj="credit_activity", unscoped=True),
    "credits-transcript-csv": Access(get=SIGNED_IN),
    "credits-transcript-pdf": Access(get=SIGNED_IN),
    "credits-activity": Access(get=SIGNED_IN, obj="credit_activity", unscoped=True),
    "credits-checkin": Access(get=SIGNED_IN, post=SIGNED_IN, obj="credit_activity", unscoped=True),
    "credits-evaluate": Access(get=SIGNED_IN, post=SIGNED_IN, obj="credit_activity", unscoped=True),
    "credits-claim": Access(get=SIGNED_IN, post=SIGNED_IN, obj="credit_activity", unscoped=True),
    "credits-record-time": Access(post=SIGNED_IN, obj="credit_activity", unscoped=True),
    "credits-certificate": Access(get=OWNER_OR_OFFICE, obj="credit_claim"),
    "credits-certificate-pdf": Access(get=OWNER_OR_OFFICE, obj="credit_claim"),
    "credits-office": Access(get=CME_OFFICE),
    "credits-office-new": Access(get=CME_OFFICE, post=CME_OFFICE),
    "credits-office-activity": Access(get=CME_OFFICE, post=CME_OFFICE, obj="credit_activity"),
    "credits-pars-activities": Access(get=CME_OFFICE),
    "credits-pars-learners": Access(get=CME_OFFICE),
    "credits-screen": Access(get=CME_OFFICE, obj="credit_activity"),
    "credits-screen-code": Access(get=CME_OFFICE, obj="credit_activity"),
    "credits-badge": Access(get=OWNER_OR_OFFICE, obj="credit_claim"),
    "credits-verify": Access(get=EVERYONE, obj="credit_claim", unscoped=True),
    "credits-verify-badge": Access(get=EVERYONE, post=EVERYONE),
    "credits-issuer": Access(get=EVERYONE),
}


def build_objects(*, actors, unit_in, unit_out, person_in, person_out) -> dict[str, tuple]:
    """An activity at each site (now), the learner's claim on the inside one and someone else's outside."""
    from django.utils import timezone

    from bedside.testing.credits import attend_and_claim, credit_activity

    now = timezone.now()
    start = now - dt.timedelta(minutes=30)
    made = {}
    for name, site, person in (("in", unit_in.site, actors["learner"]), ("out", unit_out.site, person_out)):
        activity = credit_activity(starts_at=start, site=site, title=f"Walk rounds {name}")
        claim = attend_and_claim(activity, person, at=now)
        made[name] = (activity, claim)
    return {
        "credit_activity": (made["in"][0].pk, made["out"][0].pk),
        "credit_claim": (made["in"][1].code, made["out"][1].code),
    }
