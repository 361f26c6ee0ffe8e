"""The declared access table the authorization walk checks (bedside/web/tests/test_authorization.py).

Every URL pattern name (API names are "api:<operation name>", admin is matched by
the "admin:" prefix) has one entry: which actors may GET and POST it. URLs with
an object id name the kind of object (`obj`); the walk tries each actor with an
object inside their scope and one outside it. Denied means 403 or 404, or a
redirect to the login page for anonymous; allowed means anything below 400 (or a
400/422 for a POST with an empty body, which proves the view was reached).

Actors: anonymous; learner (a nurse with no grants); teacher (teach over a unit);
manager (manage over a unit); reporter (report over a site); admin (administer over
the system); staff_admin (superuser with the admin site).
"""

from __future__ import annotations

from dataclasses import dataclass

ANON = "anonymous"
ACTORS = ("anonymous", "learner", "teacher", "manager", "reporter", "admin", "staff_admin")
EVERYONE = frozenset(ACTORS)
SIGNED_IN = frozenset(ACTORS) - {ANON}
OVERSEERS = frozenset({"teacher", "manager", "reporter", "admin", "staff_admin"})
ADMINS = frozenset({"admin", "staff_admin"})
STAFF = frozenset({"staff_admin"})
NOBODY = frozenset()


@dataclass(frozen=True)
class Access:
    get: frozenset = NOBODY
    post: frozenset = NOBODY
    # Kind of object in the URL, built inside and outside each actor's scope by the walk:
    # "person", "unit", "attestation", "roster_import", "assignment", "record", "shift".
    obj: str | None = None
    # Objects every signed-in person may open (e.g. attestations are not scoped):
    unscoped: bool = False


URLS: dict[str, Access] = {
    "home": Access(get=EVERYONE),
    "health": Access(get=EVERYONE),
    "login": Access(get=EVERYONE, post=EVERYONE),
    "logout": Access(post=EVERYONE),
    "password_reset": Access(get=EVERYONE, post=EVERYONE),
    "password_reset_done": Access(get=EVERYONE),
    "password_reset_confirm": Access(get=EVERYONE, post=EVERYONE),
    "password_reset_complete": Access(get=EVERYONE),
    "session-ended": Access(get=EVERYONE),
    "session-keepalive": Access(post=SIGNED_IN),
    "today": Access(get=SIGNED_IN),
    "attestation": Access(get=SIGNED_IN, post=SIGNED_IN, obj="attestation", unscoped=True),
    "my-transcript": Access(get=SIGNED_IN),
    "my-transcript-csv": Access(get=SIGNED_IN),
    "person-transcript": Access(get=OVERSEERS, obj="person"),
    "person-transcript-csv": Access(get=OVERSEERS, obj="person"),
    "compliance": Access(get=OVERSEERS),
    "compliance-export": Access(get=OVERSEERS),
    "compliance-unit": Access(get=OVERSEERS, obj="unit"),
    "compliance-unit-export": Access(get=OVERSEERS, obj="unit"),
    # Admin site: staff only, whatever the page.
    "admin:": Access(get=STAFF, post=STAFF),
}
