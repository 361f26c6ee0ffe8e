"""Background jobs of the drills app: one line deep, calling a service."""

from django.utils import timezone
from django_tasks import task

from bedside.drills.fitting import fit_all, fit_learners


@task()
def fit_parameters_chunk(person_ids: list[int]) -> dict:
    return fit_learners(person_ids=person_ids, now=timezone.now())


@task()
def fit_parameters() -> dict:
    """Nightly: queue the learners with new reviews in chunks, so every worker takes a share."""
    return fit_all(now=timezone.now(), enqueue=lambda ids: fit_parameters_chunk.enqueue(person_ids=ids))
