"""Creating assignment rules; the first application runs as a background job after commit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from bedside.assignments.models import AssignmentRule
from bedside.assignments.scopes import require_audience_in_scope
from bedside.audit.services import audit
from bedside.people.models import Audience, Person
from bedside.records.models import LearningItem


@transaction.atomic
def rule_create(
    *, name: str, audience: Audience, item: LearningItem, actor: Person | None, **terms
) -> AssignmentRule:
    """Save a rule (audience x item x due date x recurrence) and queue its application.

    `terms` are the rule's fields: due_days, due_from, recurrence, interval_months,
    renewal_window_days, window_* and grace_days. Invalid terms raise ValidationError; an
    actor who does not teach every unit of the audience, PermissionDenied (None: a job or command).
    """
    if actor is not None:
        require_audience_in_scope(actor, audience)
    rule = AssignmentRule(name=name, audience=audience, item=item, created_by=actor, **terms)
    rule.full_clean()
    if not item.active:
        raise ValidationError("This item is withdrawn and cannot be assigned.")
    rule.save()
    audit(
        actor=actor,
        action="rule.create",
        target=rule,
        changes={"item": item.pk, "audience": audience.pk, **terms},
    )

    from bedside.assignments.tasks import apply_rule

    transaction.on_commit(lambda: apply_rule.enqueue(rule_id=rule.pk, actor_id=actor.pk if actor else None))
    return rule
