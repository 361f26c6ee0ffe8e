"""Background jobs of the drills app: one line deep, calling a service."""

from django.utils import timezone
from django_tasks import task

from bedside.drills.fitting import fit_all


@task()
def fit_parameters() -> dict:
    return fit_all(now=timezone.now())
