from django_tasks import task

from bedside.audit.context import origin
from bedside.library import reviews


@task()
def review_reminders() -> int:
    """Daily: remind owners of resources whose review date is near or past."""
    with origin(source="job:library_review_reminders"):
        return reviews.send_review_reminders()


@task()
def run_library_import(import_id: int) -> dict:
    """An uploaded library ZIP, imported all or nothing."""
    from bedside.library.imports import library_import_run

    with origin(source="job:library_import"):
        return library_import_run(import_id=import_id)
