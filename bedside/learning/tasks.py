"""Background jobs of `learning`: each one line deep, calling a service."""

from django_tasks import task

from bedside.audit.context import origin
from bedside.learning import notices


@task()
def deliver_session_notices(batch: str) -> int:
    with origin(source="job:session_notices"):
        return notices.deliver(batch=batch)


@task()
def retry_session_notices() -> int:
    with origin(source="job:session_notices_retry"):
        return notices.notices_retry()
