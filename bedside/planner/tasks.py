"""Background jobs of `planner`: each one line deep, calling a service."""

from django_tasks import task

from bedside.audit.context import origin
from bedside.planner import publishing, services


@task()
def run_plan(run_id: int) -> dict:
    with origin(source="job:plan"):
        return services.plan_run(run_id=run_id)


@task()
def deliver_invitations(run_id: int) -> int:
    with origin(source="job:plan_invitations"):
        return publishing.deliver(run_id=run_id)


@task()
def retry_invitations() -> int:
    with origin(source="job:plan_invitations_retry"):
        return publishing.invitations_retry()
