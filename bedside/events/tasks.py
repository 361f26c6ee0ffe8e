from django_tasks import task

from bedside.audit.context import origin
from bedside.events import reminders


@task()
def send_reminders() -> int:
    """Every 15 minutes: remind the places of talks starting within a day."""
    with origin(source="job:events_send_reminders"):
        return reminders.send_reminders()


@task()
def prune_live_log() -> int:
    with origin(source="job:events_prune_live_log"):
        return reminders.prune_live_log()
