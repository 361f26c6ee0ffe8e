"""Writes of the credits app: activities, check-in, time present, evaluations and claims.

Every refusal is a ValidationError with a sentence a learner can act on, raised before anything
is written (each function runs in one transaction). Attendance writes the ledger once (verb
`attended`); a claim writes exactly one ledger record (verb `claimed`, with the credit amount and
type), which closes any open requirement for the activity through the ledger's announcement.

The writes live in modules named for what they hold: `activities` (set-up by the CME office),
`attendance` (check-in and time present), `claims` (evaluation and claim). This module keeps their
names importable as `credits.services.<name>` for the apps that call them.
"""

from bedside.credits.activities import (  # noqa: F401
    ACTIVITY_FIELDS,
    activity_cancel,
    activity_create,
    activity_update,
    activity_zone,
    cancelled_on,
    refuse_if_cancelled,
    require_cme,
)
from bedside.credits.attendance import (  # noqa: F401
    CODE_STEP_SECONDS,
    MAX_PRESENCE_CALL_MINUTES,
    SELF,
    checkin,
    checkin_open,
    ip_hash,
    presence_record,
    rotating_code,
)
from bedside.credits.claims import CLAIMED, claim, evaluation_submit  # noqa: F401
