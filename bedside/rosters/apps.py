from django.apps import AppConfig


class RostersConfig(AppConfig):
    """Shifts, staffing minimums and roster import; the planner grows here."""

    name = "bedside.rosters"
    label = "rosters"

    def ready(self) -> None:
        from bedside.core.periodic import daily_at, register_periodic
        from bedside.people.access import register_scope
        from bedside.rosters import tasks
        from bedside.rosters.models import Shift, StaffingMinimum

        # A shift belongs to its person: whoever reaches the person reaches their shifts.
        register_scope(Shift, via="person")
        # A staffing minimum belongs to its unit: whoever reaches the unit reaches its minimums.
        register_scope(StaffingMinimum, via="unit")
        # Uploaded roster files past ROSTER_UPLOAD_RETENTION_DAYS are deleted at night, local time.
        register_periodic("rosters.roster_uploads_expire", tasks.expire_roster_uploads, when=daily_at(2, 0))
