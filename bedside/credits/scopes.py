"""How credit objects map to scopes: an activity belongs to its site (none: the system's CME office) and
to whoever set it up; attendance, evaluations and claims follow their activity and belong to their person."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from bedside.people.access import Scope, Targets, register_scope


def site_inside(scope: Scope, on: dt.date) -> Q:
    if scope.everything:
        return Q()
    return Q(site_id__in=scope.sites)


def site_targets(obj, on: dt.date) -> Targets:
    return Targets(sites=frozenset({obj.site_id}) if obj.site_id else frozenset())


def register() -> None:
    from bedside.credits.models import Activity, Attendance, Claim, Evaluation
    from bedside.credits.models_licences import Licence

    register_scope(Activity, inside=site_inside, targets=site_targets, owner="created_by")
    register_scope(Attendance, via="activity", owner="person")
    register_scope(Evaluation, via="activity", owner="person")
    register_scope(Claim, via="activity", owner="person")
    register_scope(Licence, via="person", owner="person")
