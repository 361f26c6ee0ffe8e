from django.apps import AppConfig


class PlannerConfig(AppConfig):
    """Fits training sessions into people's shifts without leaving a unit below its minimum (CP-SAT)."""

    name = "bedside.planner"
    label = "planner"

    def ready(self) -> None:
        from bedside.core.periodic import every, register_periodic
        from bedside.people.access import register_scope
        from bedside.planner import seams, tasks
        from bedside.planner.existing_sessions import existing_slots
        from bedside.planner.models import PlanRun
        from bedside.planner.publishing import materialise

        # A plan belongs to its campaign: whoever reaches the campaign reaches its plans.
        register_scope(PlanRun, via="campaign")
        # Existing sessions of the bundle's course are slots; publishing opens, registers and invites.
        seams.register_slot_source(existing_slots)
        seams.register_materialiser(materialise)
        register_periodic("planner.invitations_retry", tasks.retry_invitations, when=every(minutes=60))
