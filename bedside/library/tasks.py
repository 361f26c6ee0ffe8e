from django_tasks import task

from bedside.audit.context import origin
from bedside.library import reviews


@task()
def review_reminders() -> int:
    """Daily: remind owners of resources whose review date is near or past."""
    with origin(source="job:library_review_reminders"):
        return reviews.send_review_reminders()
