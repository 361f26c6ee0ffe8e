"""Sign-in: by e-mail in any case, and never for persons who have left."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from bedside.people.models import PersonStatus


def sign_in_address(raw: str | None) -> str | None:
    """The form in which addresses are stored and compared: trimmed, lower-cased."""
    return raw.strip().lower() if raw else raw


class StaffStatusBackend(ModelBackend):
    """E-mail addresses are stored lower-cased, so `Nurse@...` signs in as `nurse@...`."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(request, username=sign_in_address(username), password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in person of a request, with their site's zone read in the same query (see tz_of)."""
        from bedside.people.models import Person
        from bedside.people.timezones import with_zone

        try:
            user = with_zone(Person._default_manager).get(pk=user_id)
        except Person.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        return (
            super().user_can_authenticate(user) and getattr(user, "status", None) != PersonStatus.TERMINATED
        )


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """django-axes counts failures per lower-cased address, so changing case does not reset them."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        return sign_in_address(credentials.get(field))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return sign_in_address(data.get(field))
