from django.apps import AppConfig


class RostersConfig(AppConfig):
    """Shifts, staffing minimums and roster import; the planner grows here."""

    name = "bedside.rosters"
    label = "rosters"
