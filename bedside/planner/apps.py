from django.apps import AppConfig


class PlannerConfig(AppConfig):
    """Fits training sessions into people's shifts without leaving a unit below its minimum (CP-SAT)."""

    name = "bedside.planner"
    label = "planner"
