"""Background jobs of `campaigns`: each one line deep, calling a service."""

from django.utils import timezone
from django_tasks import task

from bedside.audit.context import origin
from bedside.campaigns import escalations, services


@task()
def launch_campaign(campaign_id: int) -> dict:
    with origin(source="job:campaign_launch"):
        return services.campaign_launch_run(campaign_id=campaign_id)


@task()
def escalation_digests() -> int:
    with origin(source="job:campaign_digests"):
        return escalations.digests_claim(now=timezone.now())


@task()
def deliver_digests(day: str) -> int:
    with origin(source="job:campaign_digests_deliver"):
        return escalations.digests_deliver(day=day)
