from django.apps import AppConfig


class PlannerConfig(AppConfig):
    """Fits training sessions into people's shifts without leaving a unit below its minimum (CP-SAT)."""

    name = "bedside.planner"
    label = "planner"

    def ready(self) -> None:
        from bedside.people.access import register_scope
        from bedside.planner.models import PlanRun

        # A plan belongs to its campaign: whoever reaches the campaign reaches its plans.
        register_scope(PlanRun, via="campaign")
