"""Background jobs of `rosters`: each one line deep, calling a service."""

from django_tasks import task

from bedside.audit.context import origin
from bedside.rosters.importing import roster_import_run


@task()
def run_roster_import(import_id: int) -> dict:
    with origin(source="job:roster_import"):
        return roster_import_run(roster_import_id=import_id)
