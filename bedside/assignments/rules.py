"""Creating, editing, pausing and resuming assignment rules, and reconciling what they require.

Every change is saved and audited in the request; applying it to people runs in the
background after commit (`tasks.reconcile_rule`), and again nightly (`rules_reconcile_all`).
A rule that no longer applies to someone (paused, audience or item changed) closes their
open requirement as "no longer required", unless another active rule still asks for it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason
from bedside.assignments.requirements import chunks
from bedside.assignments.scopes import require_audience_in_scope
from bedside.assignments.services import close_requirements, rule_apply
from bedside.audit.services import audit, audit_bulk
from bedside.people.models import Audience, Capability, Person, Unit
from bedside.records.models import LearningItem, SourceKind

EDITABLE = ("name", "audience", "item", "due_days", "due_from", "recurrence", "interval_months",
            "renewal_window_days", "window_start_month", "window_start_day", "window_end_month",
            "window_end_day", "grace_days")  # fmt: skip


def _enqueue_reconcile(rule: AssignmentRule, actor: Person | None) -> None:
    from bedside.assignments.tasks import reconcile_rule

    actor_id = actor.pk if actor else None
    transaction.on_commit(lambda: reconcile_rule.enqueue(rule_id=rule.pk, actor_id=actor_id))


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
    _enqueue_reconcile(rule, actor)
    return rule


def _require_rule_in_scope(
    actor: Person | None, rule: AssignmentRule, audience: Audience | None = None
) -> None:
    """The actor may change this rule (it reaches units they teach), and every unit an edit adds is theirs.

    None is a job or a command. The views check first; this is the second line.
    """
    if actor is None:
        return
    from bedside.people import access

    if not access.scoped(actor, [Capability.TEACH], AssignmentRule).filter(pk=rule.pk).exists():
        raise PermissionDenied("This rule does not reach the units you teach.")
    if audience is not None and audience.pk != rule.audience_id:
        added = set(audience.units.values_list("pk", flat=True)) - set(
            rule.audience.units.values_list("pk", flat=True)
        )
        units = access.scoped(actor, [Capability.TEACH], Unit).filter(pk__in=added)
        if added - set(units.values_list("pk", flat=True)) or (not added and not audience.units.exists()):
            require_audience_in_scope(actor, audience)


def _value(rule: AssignmentRule, name: str):
    field = AssignmentRule._meta.get_field(name)
    return getattr(rule, field.attname)


@transaction.atomic
def rule_update(*, rule: AssignmentRule, actor: Person | None, **changes) -> dict:
    """Change a rule's fields (any of EDITABLE); returns what changed as {field: [before, after]}.

    Saved and audited now; who it applies to is reconciled in the background.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    _require_rule_in_scope(actor, rule, changes.get("audience"))
    locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
    before = {name: _value(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    if "item" in changes and not locked.item.active:
        raise ValidationError("This item is withdrawn and cannot be assigned.")
    diff = {n: [before[n], _value(locked, n)] for n in changes if before[n] != _value(locked, n)}
    if not diff:
        return {}
    locked.save(update_fields=[AssignmentRule._meta.get_field(n).name for n in diff])
    audit(
        actor=actor,
        action="rule.update",
        target=locked,
        changes={n: [str(a), str(b)] for n, (a, b) in diff.items()},
    )
    _enqueue_reconcile(locked, actor)
    rule.refresh_from_db()
    return diff


@transaction.atomic
def rule_pause(*, rule: AssignmentRule, actor: Person | None) -> bool:
    """Stop a rule: nothing new is required by it, and what only it asked for closes (in the background)."""
    _require_rule_in_scope(actor, rule)
    changed = AssignmentRule.objects.filter(pk=rule.pk, active=True).update(active=False)
    if changed:
        audit(actor=actor, action="rule.pause", target=rule)
        _enqueue_reconcile(rule, actor)
    rule.refresh_from_db()
    return bool(changed)


@transaction.atomic
def rule_resume(*, rule: AssignmentRule, actor: Person | None) -> bool:
    """Start a paused rule again: its audience is required again (withdrawn requirements reopen)."""
    _require_rule_in_scope(actor, rule)
    changed = AssignmentRule.objects.filter(pk=rule.pk, active=False).update(active=True)
    if changed:
        audit(actor=actor, action="rule.resume", target=rule)
        _enqueue_reconcile(rule, actor)
    rule.refresh_from_db()
    return bool(changed)


def rule_reach(*, rule: AssignmentRule, audience: Audience | None = None, on: dt.date | None = None) -> dict:
    """How many people the rule requires now, how many an audience would, and the difference."""
    on = on or timezone.localdate()
    now_ids = set(rule.audience.members(on=on).values_list("pk", flat=True)) if rule.active else set()
    then_ids = set((audience or rule.audience).members(on=on).values_list("pk", flat=True))
    return {"now": len(now_ids), "after": len(then_ids), "joining": len(then_ids - now_ids),
            "leaving": len(now_ids - then_ids)}  # fmt: skip


def audience_with(*, audience: Audience, units, job_roles, actor: Person | None) -> Audience:
    """A copy of `audience` with other units and job roles (its other dimensions kept), or itself
    when nothing changes. Audiences may be shared, so an edited rule gets its own."""
    units, job_roles = list(units), list(job_roles)
    same_units = {u.pk for u in units} == set(audience.units.values_list("pk", flat=True))
    same_roles = {r.pk for r in job_roles} == set(audience.job_roles.values_list("pk", flat=True))
    if same_units and same_roles:
        return audience
    from bedside.people.services import audience_create

    copy = audience_create(
        name=audience.name,
        actor=actor,
        units=units,
        job_roles=job_roles,
        unit_kinds=audience.unit_kinds or (),
    )
    for relation in ("unit_tags", "sites", "departments", "include_persons", "exclude_persons"):
        getattr(copy, relation).set(getattr(audience, relation).all())
    return copy


def rule_reach_preview(*, rule: AssignmentRule, units, job_roles, on: dt.date | None = None) -> dict:
    """`rule_reach` of the audience an edit would give, worked out in a transaction that is rolled back."""
    with transaction.atomic():
        audience = audience_with(audience=rule.audience, units=units, job_roles=job_roles, actor=None)
        reach = rule_reach(rule=rule, audience=audience, on=on)
        transaction.set_rollback(True)
    return reach


def open_by_rule(rule: AssignmentRule) -> int:
    """How many open requirements the rule made (what pausing it may close)."""
    return Assignment.objects.filter(rule=rule, current=True, closed_at__isnull=True).count()


@transaction.atomic
def rule_reconcile(
    *, rule: AssignmentRule, actor: Person | None, on: dt.date | None = None, apply: bool = True
) -> dict:
    """Bring the requirements a rule made in line with the rule as it is now, set-based.

    Open requirements of people it no longer applies to (rule paused, person out of the
    audience, item changed) close as "no longer required", unless another active rule asks
    for the same item of that person: then that rule takes the requirement over. Then the
    rule, if active and `apply`, is applied (new members, a new item, withdrawn requirements reopened).
    """
    on = on or timezone.localdate()
    now = timezone.now()
    rule = AssignmentRule.objects.select_related("item", "audience").get(pk=rule.pk)
    members = set(rule.audience.members(on=on).values_list("pk", flat=True)) if rule.active else set()
    rows = list(
        Assignment.objects.filter(
            rule=rule, current=True, closed_at__isnull=True, source_kind=SourceKind.RULE
        ).values_list("pk", "person_id", "item_id")
    )
    stale = [
        (pk, pid, item_id) for pk, pid, item_id in rows if not (item_id == rule.item_id and pid in members)
    ]
    adopted = _adopt(stale, on=on, actor=actor, exclude=rule.pk)
    closing = [pk for pk, _, _ in stale if pk not in adopted]
    closed = close_requirements(
        closing, ClosedReason.NO_LONGER_REQUIRED, actor, now, changes={"rule": rule.pk}
    )
    created = rule_apply(rule=rule, on=on, actor=actor) if rule.active and apply else 0
    return {"closed_no_longer_required": closed, "taken_over": len(adopted), "created": created}


def _adopt(stale: list[tuple[int, int, int]], *, on: dt.date, actor, exclude: int) -> set[int]:
    """Stale requirements that another active rule asks for move to that rule (first by pk)."""
    items = {item_id for _, _, item_id in stale}
    others = AssignmentRule.objects.filter(active=True, item_id__in=items).exclude(pk=exclude)
    taken: dict[int, int] = {}
    for other in others.select_related("audience").order_by("pk"):
        wanted = {(pk, pid) for pk, pid, item_id in stale if item_id == other.item_id and pk not in taken}
        if not wanted:
            continue
        pids = sorted({pid for _, pid in wanted})
        in_audience: set[int] = set()
        for chunk in chunks(pids):
            in_audience.update(
                other.audience.members(on=on).filter(pk__in=chunk).values_list("pk", flat=True)
            )
        for pk, pid in wanted:
            if pid in in_audience:
                taken[pk] = other.pk
    for rule_id in set(taken.values()):
        ids = [pk for pk, r in taken.items() if r == rule_id]
        for chunk in chunks(ids):
            Assignment.objects.filter(pk__in=chunk, closed_at__isnull=True).update(
                rule_id=rule_id, source_ref=f"rule:{rule_id}"
            )
        audit_bulk(
            actor=actor,
            action="assignment.rule_changed",
            model=Assignment,
            targets=((pk, {"rule": rule_id, "reason": "still required by another rule"}) for pk in ids),
        )
    return set(taken)


def rules_reconcile_all(*, on: dt.date | None = None, actor: Person | None = None) -> dict:
    """The nightly pass: close what no rule asks for any more (the daily `rules_apply_all` creates)."""
    totals = {"closed_no_longer_required": 0, "taken_over": 0, "created": 0}
    with_open = Assignment.objects.filter(current=True, closed_at__isnull=True, rule__isnull=False).values(
        "rule_id"
    )
    rules = AssignmentRule.objects.filter(active=True) | AssignmentRule.objects.filter(pk__in=with_open)
    for rule in rules.distinct().order_by("pk"):
        for key, value in rule_reconcile(rule=rule, actor=actor, on=on, apply=False).items():
            totals[key] += value
    return totals
