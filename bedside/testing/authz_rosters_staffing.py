"""Access rules of the staffing pages and API (rosters: minimums and coverage)."""

from bedside.testing.authz_table import ADMINS, SIGNED_IN, Access

OVERSEERS_OF_STAFFING = frozenset({"teacher", "manager", "reporter"}) | ADMINS

URLS = {
    "coverage-units": Access(get=OVERSEERS_OF_STAFFING),
    "coverage": Access(get=OVERSEERS_OF_STAFFING, obj="unit"),
    "api:minimums-list": Access(get=SIGNED_IN),
    "api:covers-list": Access(get=SIGNED_IN),
    "api:units-coverage": Access(get=OVERSEERS_OF_STAFFING, obj="unit"),
}
