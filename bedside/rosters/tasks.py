"""Background jobs of `rosters`: each one line deep, calling a service."""

from django.utils import timezone
from django_tasks import task

from bedside.audit.context import origin
from bedside.rosters.importing import roster_import_run
from bedside.rosters.importing_uploads import roster_uploads_expire


@task()
def run_roster_import(import_id: int) -> dict:
    with origin(source="job:roster_import"):
        return roster_import_run(roster_import_id=import_id)


@task()
def expire_roster_uploads() -> dict:
    with origin(source="job:roster_uploads_expire"):
        return {"deleted": roster_uploads_expire(now=timezone.now())}
