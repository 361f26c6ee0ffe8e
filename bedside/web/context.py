from django.conf import settings

from bedside.people import access
from bedside.people.models import Capability


def site_context(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "system_name": settings.BEDSIDE_SYSTEM_NAME,
        "idle_seconds": settings.SESSION_IDLE_SECONDS,
        "idle_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
        "nav_oversight": signed_in and access.has_any(user, access.OVERSIGHT),
        "nav_rules": signed_in and access.has_any(user, [Capability.TEACH]),
        "nav_admin": signed_in and access.is_admin(user),
        "nav_import": signed_in and access.has_any(user, [Capability.ADMINISTER]),
        "nav_cme": signed_in and access.has_any(user, [Capability.CME]),
        # Campaigns and staffing coverage: educators, unit managers, report readers.
        "nav_campaigns": signed_in
        and access.has_any(user, [Capability.TEACH, Capability.MANAGE, Capability.REPORT]),
    }
