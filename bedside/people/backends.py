"""Sign-in refuses persons who have left, whatever their account flag says."""

from django.contrib.auth.backends import ModelBackend

from bedside.people.models import PersonStatus


class StaffStatusBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return (
            super().user_can_authenticate(user) and getattr(user, "status", None) != PersonStatus.TERMINATED
        )
