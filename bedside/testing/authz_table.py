"""The declared access table the authorization walk checks (bedside/web/tests/test_authorization.py).

Every URL pattern name (API names are "api:<operation name>", admin is matched by
the "admin:" prefix) has one entry: which actors may GET and POST it. URLs with
an object id name the kind of object (`obj`); the walk tries each actor with an
object inside their scope and one outside it. Denied means 403 or 404, or a
redirect to the login page for anonymous; allowed means anything below 400 (or a
400/422 for a POST with an empty body, which proves the view was reached).

Actors: anonymous; learner (a nurse with no grants); teacher (teach over a unit);
manager (manage over a unit); reporter (report over a site); coordinator (coordinate
over a program in which the inside person is enrolled); former_manager (a nurse of the inside unit, manage over
the inside unit, a grant that ended yesterday: nothing beyond a learner's); admin
(administer over the system); staff_admin (superuser with the admin site); cme (the CME office:
cme over the inside unit's site).
"""

from __future__ import annotations

from dataclasses import dataclass

ANON = "anonymous"
ACTORS = (
    "anonymous",
    "learner",
    "teacher",
    "manager",
    "reporter",
    "coordinator",
    "former_manager",
    "admin",
    "staff_admin",
    "cme",
)
EVERYONE = frozenset(ACTORS)
SIGNED_IN = frozenset(ACTORS) - {ANON}
# Unit overseers: their grants cover units (compliance of a unit).
OVERSEERS = frozenset({"teacher", "manager", "reporter", "admin", "staff_admin"})
# Person overseers: anyone whose grants reach persons, through units or programs.
PERSON_OVERSEERS = OVERSEERS | {"coordinator"}
ADMINS = frozenset({"admin", "staff_admin"})
TEACHERS = frozenset({"teacher", "admin", "staff_admin"})
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
    # The URL signs the caller out, so its redirect to the login page is the allowed answer:
    signs_out: bool = False


URLS: dict[str, Access] = {
    "home": Access(get=SIGNED_IN),
    "health": Access(get=EVERYONE),
    "login": Access(get=EVERYONE, post=EVERYONE),
    "logout": Access(post=EVERYONE, signs_out=True),
    "password_reset": Access(get=EVERYONE, post=EVERYONE),
    "password_reset_done": Access(get=EVERYONE),
    "password_reset_confirm": Access(get=EVERYONE, post=EVERYONE),
    "password_reset_complete": Access(get=EVERYONE),
    "session-ended": Access(get=EVERYONE, signs_out=True),
    "session-keepalive": Access(post=SIGNED_IN),
    "today": Access(get=SIGNED_IN),
    "attestation": Access(get=SIGNED_IN, post=SIGNED_IN, obj="attestation", unscoped=True),
    "rules": Access(get=TEACHERS),
    "rule": Access(get=TEACHERS, obj="rule"),
    "rule-edit": Access(get=TEACHERS, post=TEACHERS, obj="rule"),
    "rule-pause": Access(get=TEACHERS, post=TEACHERS, obj="rule"),
    "attestation-required-new": Access(get=TEACHERS, post=TEACHERS),
    "attestation-required-audience": Access(post=TEACHERS),
    "my-transcript": Access(get=SIGNED_IN),
    "my-transcript-csv": Access(get=SIGNED_IN),
    "person-transcript": Access(get=PERSON_OVERSEERS, obj="person"),
    "person-transcript-csv": Access(get=PERSON_OVERSEERS, obj="person"),
    # A coordinator may open the compliance overview (it shows the units they cover: none).
    "compliance": Access(get=PERSON_OVERSEERS),
    "compliance-export": Access(get=PERSON_OVERSEERS),
    "compliance-unit": Access(get=OVERSEERS, obj="unit"),
    "compliance-unit-export": Access(get=OVERSEERS, obj="unit"),
    "roster-imports": Access(get=ADMINS, post=ADMINS),
    "roster-import": Access(get=ADMINS, obj="roster_import"),
    "roster-import-progress": Access(get=ADMINS, obj="roster_import"),
    # HTTP API (bedside/api.py): a token or a session; anonymous gets 401. Lists are scoped
    # rows (a learner sees only their own), so every signed-in person may call them. Units are
    # organisational, not personal: any signed-in person may open any unit. POST on a GET
    # operation (and GET on the POST one) is a 405.
    "api:api-root": Access(),  # ninja's marker for /api/v1/ itself: always 404
    "api:openapi-json": Access(get=EVERYONE),
    "api:openapi-view": Access(get=EVERYONE),
    "api:persons-list": Access(get=SIGNED_IN),
    "api:persons-detail": Access(get=PERSON_OVERSEERS, obj="person"),
    "api:units-list": Access(get=SIGNED_IN),
    "api:units-detail": Access(get=SIGNED_IN, obj="unit", unscoped=True),
    "api:shifts-list": Access(get=SIGNED_IN),
    "api:assignments-list": Access(get=SIGNED_IN),
    "api:records-list": Access(get=SIGNED_IN),
    "api:attestations-complete": Access(post=SIGNED_IN, obj="attestation", unscoped=True),
    # Admin site: staff only, whatever the page (an object id that does not exist may 404).
    "admin:": Access(get=STAFF, post=STAFF),
    "admin:login": Access(get=EVERYONE, post=EVERYONE),
    "admin:logout": Access(post=EVERYONE, signs_out=True),
    "admin:password_change_done": Access(get=STAFF),
    "admin:jsi18n": Access(get=STAFF),
    # No admin declares autocomplete fields, so Django refuses every autocomplete call.
    "admin:autocomplete": Access(),
}


# Training data and evidence are read-only in the admin, even for staff: they change
# only through services that audit. Staff may view them; add, change and delete are refused.
READ_ONLY_ADMIN_MODELS = (
    "people.person",
    "people.job",
    "rosters.shift",
    "rosters.rosterimport",
    "records.record",
    "records.itemversion",
    "assignments.assignment",
    "audit.auditentry",
    "jobs.scheduledrun",
    "django_tasks_database.dbtaskresult",
)


def _admin_read_only_rules() -> dict[str, Access]:
    rules: dict[str, Access] = {}
    for label in READ_ONLY_ADMIN_MODELS:
        prefix = "admin:" + label.replace(".", "_")
        rules[f"{prefix}_changelist"] = Access(get=STAFF, post=STAFF)  # POST runs list actions
        rules[f"{prefix}_change"] = Access(get=STAFF)
        rules[f"{prefix}_history"] = Access(get=STAFF, post=STAFF)
        rules[f"{prefix}_add"] = Access()
        rules[f"{prefix}_delete"] = Access()
    return rules


URLS.update(_admin_read_only_rules())
# django-axes: lockout records are written by logins only; staff may view and delete (unlock) them.
for _log in ("accessattempt", "accesslog", "accessfailurelog"):
    URLS[f"admin:axes_{_log}_add"] = Access()

from bedside.testing import authz_rosters_staffing  # noqa: E402  (its rules use the names above)

URLS.update(authz_rosters_staffing.URLS)

from bedside.testing import authz_campaigns  # noqa: E402

URLS.update(authz_campaigns.URLS)
# Each app's own rules, in its own module (keeps merges easy). A module may also give
# `build_objects(actors=, unit_in=, unit_out=, person_in=, person_out=)`, which the walk calls
# to add the kinds of object its URLs name.
from bedside.testing import authz_learning  # noqa: E402

URLS.update(authz_learning.URLS)
OBJECT_BUILDERS = [authz_learning.build_objects]

from bedside.testing import authz_drills  # noqa: E402

URLS.update(authz_drills.URLS)
OBJECT_BUILDERS.append(authz_drills.build_objects)

from bedside.testing import authz_library  # noqa: E402

URLS.update(authz_library.URLS)
OBJECT_BUILDERS.append(authz_library.build_objects)

from bedside.testing import authz_events  # noqa: E402

URLS.update(authz_events.URLS)
OBJECT_BUILDERS.append(authz_events.build_objects)
from bedside.testing import authz_credits  # noqa: E402

URLS.update(authz_credits.URLS)
OBJECT_BUILDERS.append(authz_credits.build_objects)
