"""How library objects map to scopes: a resource or collection belongs to its site, or to the whole
system's library when it names none (then only system-wide curators reach it)."""

from __future__ import annotations

from bedside.people.access import register_scope
from bedside.people.access.scopes import at_site_inside, at_site_targets


def register() -> None:
    from bedside.library.models import Attachment, Collection, EntryCode, Resource, ResourceVersion, Review

    register_scope(Resource, inside=at_site_inside, targets=at_site_targets)
    register_scope(Collection, inside=at_site_inside, targets=at_site_targets)
    register_scope(ResourceVersion, via="resource")
    register_scope(EntryCode, via="resource")
    register_scope(Attachment, via="version")
    register_scope(Review, via="version", owner="reviewer")
