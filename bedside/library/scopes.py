"""How library objects map to scopes: a resource or collection belongs to its site, or to the whole
system's library when it names none (then only system-wide curators reach it)."""

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
    from bedside.library.models import Attachment, Collection, EntryCode, Resource, ResourceVersion, Review

    register_scope(Resource, inside=site_inside, targets=site_targets)
    register_scope(Collection, inside=site_inside, targets=site_targets)
    register_scope(ResourceVersion, via="resource")
    register_scope(EntryCode, via="resource")
    register_scope(Attachment, via="version")
    register_scope(Review, via="version", owner="reviewer")
