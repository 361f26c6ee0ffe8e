"""Writes for in situ simulation drills: plan one on a unit, run it (one tap per key action), debrief it
(ledger records for every participant), and log and follow the latent safety threats it found."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.drills.models import (
    DrillStatus,
    SafetyThreat,
    Scenario,
    SimAction,
    SimDrill,
    SimParticipant,
    ThreatCategory,
    ThreatStatus,
)
from bedside.people import access
from bedside.people.models import Capability, Person, Unit
from bedside.records.models import LearningItem, Record, SourceKind, Verb
from bedside.records.services import record_add
from bedside.rosters.models import Shift, ShiftStatus

KIND = "simulation"
RUNNERS = (Capability.TEACH,)
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def require_runner(actor: Person | None, unit: Unit) -> None:
    if actor is not None and not access.can(actor, RUNNERS, unit):
        raise PermissionDenied("Only educators of this unit can plan and run its drills.")


def require_facilitator(actor: Person | None, drill: SimDrill) -> None:
    """The drill's facilitator, or an educator of its unit."""
    if actor is None or actor.pk == drill.facilitator_id:
        return
    require_runner(actor, drill.unit)


@transaction.atomic
def scenario_create(
    *,
    actor: Person | None,
    title: str,
    kind: str,
    key_actions: list[dict],
    debrief_items: list[str] = (),
    description: str = "",
) -> Scenario:
    """A scenario for the library of scenarios; each key action has a key, a label and an optional target."""
    if actor is not None and not access.has_any(actor, RUNNERS):
        raise PermissionDenied("Only educators can write drill scenarios.")
    problems, keys = [], set()
    for n, action in enumerate(key_actions, start=1):
        key, label, target = action.get("key", ""), action.get("label", ""), action.get("target_seconds")
        if not _KEY.match(str(key)) or key in keys:
            problems.append(f"Key action {n}: a unique lower-case key (letters, digits, _) is needed.")
        if not str(label).strip():
            problems.append(f"Key action {n}: give it a label.")
        if target is not None and (not isinstance(target, int) or not 0 < target <= 24 * 3600):
            problems.append(f"Key action {n}: the target is a number of seconds, or none.")
        keys.add(key)
    if not key_actions:
        problems.append("A scenario needs at least one key action to time.")
    if problems:
        raise ValidationError(problems)
    item = LearningItem.objects.create(kind=KIND, title=title, minutes=30, owner=actor)
    scenario = Scenario.objects.create(
        item=item,
        kind=kind,
        description=description,
        key_actions=list(key_actions),
        debrief_items=[str(i) for i in debrief_items],
    )
    audit(actor=actor, action="drills.scenario_create", target=scenario, changes={"title": title})
    return scenario


def on_roster(unit: Unit, at: dt.datetime):
    """Persons with a scheduled shift on the unit at that moment: the people a drill can draw on."""
    from bedside.people.models import Person as P

    ids = Shift.objects.filter(unit=unit, status=ShiftStatus.SCHEDULED, start__lte=at, end__gt=at).values(
        "person_id"
    )
    return P.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")


@transaction.atomic
def drill_plan(
    *,
    actor: Person | None,
    scenario: Scenario,
    unit: Unit,
    planned_at: dt.datetime,
    facilitator: Person,
    participants: list[Person],
) -> SimDrill:
    """Plan a drill on a unit; participants must be on the unit's shift roster at that time."""
    require_runner(actor, unit)
    rostered = set(on_roster(unit, planned_at).values_list("pk", flat=True))
    off = [p.full_name for p in participants if p.pk not in rostered]
    if off:
        raise ValidationError(f"Not on the unit's roster at that time: {', '.join(off)}.")
    drill = SimDrill.objects.create(
        scenario=scenario, unit=unit, planned_at=planned_at, facilitator=facilitator, created_by=actor
    )
    SimParticipant.objects.bulk_create(SimParticipant(drill=drill, person=p) for p in participants)
    audit(
        actor=actor,
        action="drills.sim_plan",
        target=drill,
        changes={"unit": unit.pk, "participants": [p.pk for p in participants]},
    )
    return drill


@transaction.atomic
def drill_update(
    *,
    actor: Person | None,
    drill: SimDrill,
    scenario: Scenario,
    unit: Unit,
    planned_at: dt.datetime,
    facilitator: Person,
    participants: list[Person],
) -> SimDrill:
    """Change a planned drill (scenario, unit, time, team) before it runs; the team must be on the
    (new) unit's roster at the (new) time. Moving it to another unit needs an educator's grant there."""
    require_facilitator(actor, drill)
    if unit.pk != drill.unit_id:
        require_runner(actor, unit)
    locked = SimDrill.objects.select_for_update().get(pk=drill.pk)
    if locked.status != DrillStatus.PLANNED:
        raise ValidationError("This drill has started: its plan can no longer change.")
    rostered = set(on_roster(unit, planned_at).values_list("pk", flat=True))
    off = [p.full_name for p in participants if p.pk not in rostered]
    if off:
        raise ValidationError(f"Not on the unit's roster at that time: {', '.join(off)}.")
    before = {
        "scenario": locked.scenario_id, "unit": locked.unit_id, "planned_at": locked.planned_at.isoformat(),
        "facilitator": locked.facilitator_id,
        "participants": sorted(locked.participants.values_list("person_id", flat=True)),
    }  # fmt: skip
    after = {
        "scenario": scenario.pk, "unit": unit.pk, "planned_at": planned_at.isoformat(),
        "facilitator": facilitator.pk, "participants": sorted(p.pk for p in participants),
    }  # fmt: skip
    changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if not changes:
        return locked
    SimDrill.objects.filter(pk=drill.pk).update(
        scenario=scenario, unit=unit, planned_at=planned_at, facilitator=facilitator
    )
    keep = {p.pk for p in participants}
    locked.participants.exclude(person_id__in=keep).delete()
    have = set(locked.participants.values_list("person_id", flat=True))
    SimParticipant.objects.bulk_create(
        SimParticipant(drill=locked, person=p) for p in participants if p.pk not in have
    )
    audit(actor=actor, action="drills.sim_update", target=locked, changes=changes)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def drill_start(*, actor: Person, drill: SimDrill, now: dt.datetime | None = None) -> SimDrill:
    require_facilitator(actor, drill)
    now = now or timezone.now()
    updated = SimDrill.objects.filter(pk=drill.pk, status=DrillStatus.PLANNED).update(
        status=DrillStatus.RUNNING, started_at=now
    )
    if updated:
        audit(actor=actor, action="drills.sim_start", target=drill)
    drill.refresh_from_db()
    if drill.status != DrillStatus.RUNNING:
        raise ValidationError("This drill is not waiting to start.")
    return drill


@transaction.atomic
def action_record(*, actor: Person, drill: SimDrill, key: str, now: dt.datetime | None = None) -> SimAction:
    """One tap: the key action happened now; a second tap on the same action keeps the first time."""
    require_facilitator(actor, drill)
    if drill.status != DrillStatus.RUNNING:
        raise ValidationError("Start the drill before recording its actions.")
    if key not in {a["key"] for a in drill.scenario.key_actions}:
        raise ValidationError("That is not one of this scenario's key actions.")
    now = now or timezone.now()
    existing = SimAction.objects.filter(drill=drill, key=key).first()
    if existing is not None:
        return existing
    elapsed = max(0, int((now - drill.started_at).total_seconds()))
    try:
        with transaction.atomic():
            action = SimAction.objects.create(
                drill=drill, key=key, at=now, elapsed_seconds=elapsed, recorded_by=actor
            )
    except IntegrityError:  # two taps at once: the first one stands
        return SimAction.objects.get(drill=drill, key=key)
    audit(actor=actor, action="drills.sim_action", target=action, changes={"key": key, "seconds": elapsed})
    return action


@transaction.atomic
def action_undo(*, actor: Person, drill: SimDrill) -> SimAction:
    """Take back the last tap of a running drill (a slip of the finger); the audit keeps what it was,
    and the action can be tapped again."""
    require_facilitator(actor, drill)
    if SimDrill.objects.filter(pk=drill.pk).values_list("status", flat=True).first() != DrillStatus.RUNNING:
        raise ValidationError("Only a running drill's last tap can be undone.")
    last = (
        SimAction.objects.select_for_update()
        .filter(drill=drill)
        .order_by("-at", "-elapsed_seconds", "-pk")
        .first()
    )
    if last is None:
        raise ValidationError("No action has been recorded yet: there is nothing to undo.")
    audit(
        actor=actor,
        action="drills.sim_action_undo",
        target=last,
        changes={"key": last.key, "seconds": last.elapsed_seconds, "at": last.at.isoformat(),
                 "recorded_by": last.recorded_by_id},
    )  # fmt: skip
    last.delete()
    return last


@transaction.atomic
def drill_finish(
    *,
    actor: Person,
    drill: SimDrill,
    debrief: dict[str, bool],
    lessons: str,
    now: dt.datetime | None = None,
) -> list[Record]:
    """End and debrief the drill; every participant (and the facilitator) gets an "attended" record."""
    require_facilitator(actor, drill)
    if drill.status not in (DrillStatus.RUNNING, DrillStatus.FINISHED):
        raise ValidationError("Only a drill that ran can be debriefed.")
    if "\x00" in lessons:
        raise ValidationError("The lessons hold a NUL character; paste them as plain text.")
    now = now or timezone.now()
    known = set(drill.scenario.debrief_items)
    debrief = {k: bool(v) for k, v in debrief.items() if k in known}
    first_time = drill.status == DrillStatus.RUNNING
    SimDrill.objects.filter(pk=drill.pk).update(
        status=DrillStatus.FINISHED,
        ended_at=drill.ended_at or now,
        debrief=debrief,
        lessons=lessons,
    )
    audit(actor=actor, action="drills.sim_finish", target=drill, changes={"debrief": debrief})
    drill.refresh_from_db()
    if not first_time:
        return []
    people = [p.person for p in drill.participants.select_related("person")]
    if drill.facilitator not in people:
        people.append(drill.facilitator)
    scenario = drill.scenario
    return [
        record_add(
            person=person,
            item=scenario.item,
            verb=Verb.ATTENDED,
            by=actor,
            at=drill.started_at,
            evidence=f"In situ drill “{scenario.title}” on {drill.unit.name}, facilitated by {drill.facilitator.full_name}.",
            source_kind=SourceKind.PERSON,
            source_ref=f"simdrill:{drill.pk}",
        )
        for person in people
    ]


@transaction.atomic
def threat_log(
    *,
    actor: Person,
    unit: Unit,
    category: str,
    description: str,
    owner: Person,
    due_on: dt.date,
    drill: SimDrill | None = None,
) -> SafetyThreat:
    if drill is not None:
        require_facilitator(actor, drill)
    else:
        require_runner(actor, unit)
    if category not in ThreatCategory.values:
        raise ValidationError("Choose equipment, process, staffing or environment.")
    if not description.strip():
        raise ValidationError("Describe the threat.")
    threat = SafetyThreat.objects.create(
        unit=unit, drill=drill, category=category, description=description, owner=owner, due_on=due_on
    )
    audit(actor=actor, action="drills.threat_log", target=threat, changes={"category": category})
    return threat


@transaction.atomic
def threat_update(
    *, actor: Person, threat: SafetyThreat, status: str, remediation: str = "", now: dt.datetime | None = None
) -> SafetyThreat:
    """Its owner, or an educator or manager of the unit, moves a threat on (open, being fixed, closed)."""
    if actor.pk != threat.owner_id and not access.can(
        actor, (Capability.TEACH, Capability.MANAGE), threat.unit
    ):
        raise PermissionDenied("Only the threat's owner and the unit's educators and managers can change it.")
    if status not in ThreatStatus.values:
        raise ValidationError("Unknown status.")
    threat.status = status
    threat.remediation = remediation or threat.remediation
    threat.closed_at = (now or timezone.now()) if status == ThreatStatus.CLOSED else None
    threat.save(update_fields=["status", "remediation", "closed_at"])
    audit(actor=actor, action="drills.threat_update", target=threat, changes={"status": status})
    return threat
