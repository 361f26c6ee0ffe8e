from django.apps import AppConfig


class RostersConfig(AppConfig):
    """Shifts, staffing minimums and roster import; the planner grows here."""

    name = "bedside.rosters"
    label = "rosters"

    def ready(self) -> None:
        from bedside.people.access import register_scope
        from bedside.rosters.models import Shift

        # A shift belongs to its person: whoever reaches the person reaches their shifts.
        register_scope(Shift, via="person")
