"""Access rules of the campaign and planner pages and API, and the campaigns the walk opens."""

from bedside.testing.authz_table import ADMINS, SIGNED_IN, STAFF, TEACHERS, Access

FOLLOWERS = frozenset({"teacher", "manager", "reporter"}) | ADMINS

URLS = {
    "campaigns": Access(get=FOLLOWERS),
    "campaign-new": Access(get=TEACHERS, post=TEACHERS),
    "campaign": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-launch": Access(post=TEACHERS, obj="campaign"),
    "campaign-launch-status": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-progress": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-progress-live": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-progress-csv": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-readiness-add": Access(post=TEACHERS, obj="campaign"),
    "campaign-readiness-remove": Access(post=TEACHERS, obj="campaign"),
    "campaign-readiness-csv": Access(get=FOLLOWERS, obj="campaign"),
    "campaign-plan": Access(get=TEACHERS, post=TEACHERS, obj="campaign"),
    "campaign-plan-status": Access(get=TEACHERS, obj="campaign"),
    "campaign-plan-publish": Access(post=TEACHERS, obj="campaign"),
    "campaign-plan-releases": Access(get=FOLLOWERS, obj="campaign"),
    "api:campaigns-list": Access(get=SIGNED_IN),
    "api:campaigns-progress": Access(get=FOLLOWERS, obj="campaign"),
}
# Shown read-only in the admin: they change through audited services.
for _label in ("campaigns_campaign", "campaigns_digest", "planner_planrun"):
    URLS[f"admin:{_label}_changelist"] = Access(get=STAFF, post=STAFF)
    URLS[f"admin:{_label}_change"] = Access(get=STAFF)
    URLS[f"admin:{_label}_history"] = Access(get=STAFF, post=STAFF)
    URLS[f"admin:{_label}_add"] = Access()
    URLS[f"admin:{_label}_delete"] = Access()
