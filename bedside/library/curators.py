"""Who curates the library: a `curate` grant over the resource's site (or the whole system for the
system's library), asked of the access registry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from bedside.people import access
from bedside.people.models import Capability, Person, Site

CURATE = (Capability.CURATE,)
NOT_CURATOR = "Curating the library is for librarians and curators."


def require_curator(actor: Person | None, obj=None, *, site: Site | None = None) -> None:
    """The actor curates `obj` (or, for something new, `site`; None: the whole system's library)."""
    if actor is None:  # a job or a command
        return
    if obj is not None:
        if not access.can(actor, CURATE, obj):
            raise PermissionDenied("You can only curate the library of your own site.")
        return
    scope = access.scope_of(actor, CURATE)
    if scope.empty:
        raise PermissionDenied(NOT_CURATOR)
    if scope.admin or scope.everything:
        return
    if site is None or site.pk not in scope.sites:
        raise PermissionDenied("You can only add to the library of your own site.")
