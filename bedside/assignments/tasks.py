from django_tasks import task

from bedside.assignments import notify, rules, services
from bedside.audit.context import origin


@task()
def apply_rules() -> int:
    with origin(source="job:apply_rules"):
        return services.rules_apply_all()


@task()
def reconcile_rules() -> dict:
    """Nightly: close what paused or changed rules no longer ask for, create what they do."""
    with origin(source="job:reconcile_rules"):
        return rules.rules_reconcile_all()


@task()
def send_reminders() -> int:
    with origin(source="job:send_reminders"):
        return notify.send_due_reminders()


@task()
def escalate_overdue() -> int:
    with origin(source="job:escalate_overdue"):
        return notify.escalate_overdue()


@task()
def deliver_reminders(batch: str) -> int:
    with origin(source="job:deliver_reminders"):
        return notify.deliver(batch=batch)


@task()
def reapply_for_persons(person_ids: list[int]) -> dict:
    with origin(source="job:roster_reapply"):
        return services.roster_reapply(person_ids=person_ids)


@task()
def reconcile_rule(rule_id: int, actor_id: int | None = None) -> dict:
    """After a rule is created, edited, paused or resumed: apply it as it now is."""
    from bedside.assignments.models import AssignmentRule
    from bedside.people.models import Person

    rule = AssignmentRule.objects.filter(pk=rule_id).first()
    if rule is None:
        return {}
    actor = Person.objects.filter(pk=actor_id).first() if actor_id else None
    with origin(source="job:reconcile_rule"):
        return rules.rule_reconcile(rule=rule, actor=actor)
