"""Background jobs of `planner`: each one line deep, calling a service."""

from django_tasks import task

from bedside.audit.context import origin
from bedside.planner import services


@task()
def run_plan(run_id: int) -> dict:
    with origin(source="job:plan"):
        return services.plan_run(run_id=run_id)
