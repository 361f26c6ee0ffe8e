"""How credit objects map to scopes: an activity belongs to its site (none: the system's CME office) and
to whoever set it up; attendance, evaluations and claims follow their activity and belong to their person."""

from __future__ import annotations

from bedside.people.access import register_scope
from bedside.people.access.scopes import at_site_inside, at_site_targets


def register() -> None:
    from bedside.credits.models import Activity, Attendance, Claim, Evaluation
    from bedside.credits.models_licences import Licence

    register_scope(Activity, inside=at_site_inside, targets=at_site_targets, owner="created_by")
    register_scope(Attendance, via="activity", owner="person")
    register_scope(Evaluation, via="activity", owner="person")
    register_scope(Claim, via="activity", owner="person")
    register_scope(Licence, via="person", owner="person")
