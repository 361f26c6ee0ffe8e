"""Who has done what: about 70% done, 20% due (some soon) and 10% overdue, some units clearly behind.

Completed requirements get an acknowledgment record dated in the past and close with
it; open ones get due dates that make them due or overdue. Rows are written in bulk
and audited in bulk (the caller sets the audit origin).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from bedside.assignments.cycles import current_window, end_of_day, system_tz, valid_until
from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason, Recurrence
from bedside.audit.services import audit_bulk
from bedside.demo.bulk import RowWriter
from bedside.demo.people import PersonPlan
from bedside.records.models import Record

STRUGGLING_UNITS = 0.1  # share of units clearly behind
ROLE_ADJUSTMENT = {"ATT": -0.06, "RES": -0.04, "FEL": -0.04, "ADMIN": 0.05, "STU": -0.1}
RECORD_COLUMNS = ("id", "person_id", "item_id", "verb", "at", "valid_until", "evidence", "source_kind",
                  "source_ref", "recorded_by_id", "recorded_at", "credit_type", "correction_reason")  # fmt: skip


@dataclass(slots=True)
class Outcome:
    done: bool
    assigned_at: dt.datetime
    due_at: dt.datetime
    overdue_at: dt.datetime
    at: dt.datetime | None = None
    valid_until: dt.datetime | None = None


class Spread:
    """Decides each requirement's outcome from its unit's habits, deterministically for a seed."""

    def __init__(self, rng: random.Random, unit_codes: Sequence[str], today: dt.date, now: dt.datetime):
        self.rng, self.today, self.now = rng, today, now
        self.tz = system_tz()
        # per unit: (chance an item is done, share of the open ones that are overdue)
        self.quality: dict[str | None, tuple[float, float]] = {None: (0.6, 0.33)}
        for code in sorted(unit_codes):
            if rng.random() < STRUGGLING_UNITS and code != "HG-MICU":
                self.quality[code] = (rng.uniform(0.42, 0.55), 0.55)
            else:
                self.quality[code] = (min(0.9, max(0.6, rng.gauss(0.74, 0.05))), 0.3)

    def _moment(self, low: dt.date, high: dt.date) -> dt.datetime:
        """A daytime moment between two local dates, never in the future."""
        day = low + dt.timedelta(days=self.rng.randrange(max((high - low).days, 0) + 1))
        local = dt.datetime.combine(day, dt.time(self.rng.randrange(6, 22), self.rng.randrange(60)))
        return min(local.replace(tzinfo=self.tz).astimezone(dt.UTC), self.now - dt.timedelta(minutes=5))

    def _open_due(self, overdue: bool, grace_days: int) -> dt.datetime:
        if overdue:
            return end_of_day(
                self.today - dt.timedelta(days=grace_days + self.rng.randrange(1, 120)), self.tz
            )
        soon = self.rng.random() < 0.3
        return end_of_day(self.today + dt.timedelta(days=self.rng.randrange(1, 8 if soon else 60)), self.tz)

    def outcome(self, rule: AssignmentRule, person: PersonPlan, due_at: dt.datetime,
                status: str | None = None) -> Outcome:  # fmt: skip
        rng, today = self.rng, self.today
        hired = person.hire_date or today
        p_done, p_overdue = self.quality[person.unit]
        p_done += ROLE_ADJUSTMENT.get(person.role, 0)
        new_hire = (today - hired).days < 45
        grace = dt.timedelta(days=rule.grace_days)
        hired_at = dt.datetime.combine(hired, dt.time(8), tzinfo=self.tz).astimezone(dt.UTC)

        if rule.recurrence == Recurrence.WINDOW:
            window = current_window(rule, today)
            closed = window.closes < today
            elapsed = (today - window.opens).days / max((window.closes - window.opens).days, 1)
            chance = min(0.97, p_done + 0.12) * (1 if closed else min(1.0, 0.2 + elapsed))
            done = status == "done" if status else rng.random() < chance
            assigned = dt.datetime.combine(window.opens, dt.time(), tzinfo=self.tz).astimezone(dt.UTC)
            if not done:
                return Outcome(False, min(assigned, self.now), due_at, due_at + grace)
            low = max(window.opens, hired)
            high = min(window.closes, today) if low <= window.closes else today
            at = self._moment(low, high)
            return Outcome(
                True,
                min(assigned, at),
                due_at,
                due_at + grace,
                at,
                valid_until(rule, completed_at=at, due_at=due_at, tz=self.tz),
            )

        if new_hire and due_at.date() >= today:  # still inside orientation: due, sometimes done already
            done = status == "done" if status else rng.random() < 0.35
            if not done:
                return Outcome(False, hired_at, due_at, due_at + grace)
            at = self._moment(hired, today)
            return Outcome(
                True,
                hired_at,
                due_at,
                due_at + grace,
                at,
                valid_until(rule, completed_at=at, due_at=due_at, tz=self.tz),
            )

        done = status == "done" if status else rng.random() < p_done
        if not done:
            overdue = status == "overdue" if status else rng.random() < p_overdue
            due = self._open_due(overdue, rule.grace_days)
            if status == "soon":
                due = end_of_day(today + dt.timedelta(days=3), self.tz)
            # Never due before a new hire's first due date (hire date plus the rule's days), as rule_apply.
            due = max(due, end_of_day(hired + dt.timedelta(days=rule.due_days), self.tz))
            assigned = max(hired_at, min(self.now, due - dt.timedelta(days=rule.due_days)))
            return Outcome(False, assigned, due, due + grace)
        if rule.recurrence == Recurrence.INTERVAL:
            span = rule.interval_months * 30 - 3
            at = self._moment(max(hired, today - dt.timedelta(days=span)), today - dt.timedelta(days=1))
        else:
            at = self._moment(hired, min(today, hired + dt.timedelta(days=40)))
        due = end_of_day(at.astimezone(self.tz).date() + dt.timedelta(days=rng.randrange(0, 30)), self.tz)
        assigned = max(hired_at, min(at, due - dt.timedelta(days=rule.due_days)))
        return Outcome(
            True, assigned, due, due + grace, at, valid_until(rule, completed_at=at, due_at=due, tz=self.tz)
        )


def record_row(rng: random.Random, person_id: int, item_id: int, outcome: Outcome) -> tuple:
    """An acknowledgment in the ledger, as the attestation page writes it (columns: RECORD_COLUMNS)."""
    record_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    return (record_id, person_id, item_id, "acknowledged", outcome.at, outcome.valid_until,
            "Attested in Bedside", "person", "", person_id, outcome.at, "", "")  # fmt: skip


def complete_requirements(
    *,
    rules: dict[int, AssignmentRule],
    people: dict[int, PersonPlan],
    spread: Spread,
    writer: RowWriter,
    forced: dict[tuple[int, int], str],
) -> dict[str, int]:
    """Give every current requirement its outcome: ledger records for the done, dates for the open.

    `forced` fixes the status of some (person id, item id) pairs: done, due, soon or overdue.
    """
    rows = list(
        Assignment.objects.filter(current=True)
        .values_list("pk", "person_id", "item_id", "rule_id", "due_at")
        .order_by("pk")
    )
    records: list[tuple] = []
    updates: list[tuple] = []
    completed: list[tuple[int, uuid.UUID]] = []
    ops = connection.ops
    record_key = Assignment._meta.get_field("record").target_field
    for pk, person_id, item_id, rule_id, due_at in rows:
        outcome = spread.outcome(rules[rule_id], people[person_id], due_at, forced.get((person_id, item_id)))
        record_id = None
        if outcome.done:
            record = record_row(spread.rng, person_id, item_id, outcome)
            records.append(record)
            record_id = record[0]
            completed.append((pk, record_id))
        updates.append(
            (
                ops.adapt_datetimefield_value(outcome.assigned_at),
                ops.adapt_datetimefield_value(outcome.due_at),
                ops.adapt_datetimefield_value(outcome.overdue_at),
                ops.adapt_datetimefield_value(outcome.at),
                ClosedReason.COMPLETED if outcome.done else ClosedReason.OPEN,
                record_key.get_db_prep_value(record_id, connection),
                pk,
            )
        )
    writer.insert(Record, RECORD_COLUMNS, records)
    table = ops.quote_name(Assignment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET assigned_at = %s, due_at = %s, overdue_at = %s, closed_at = %s,"
            " closed_reason = %s, record_id = %s WHERE id = %s",
            updates,
        )
    audit_bulk(
        actor=None,
        action="record.add",
        model=Record,
        targets=((r[0], {"person": r[1], "item": r[2], "verb": r[3]}) for r in records),
    )
    audit_bulk(
        actor=None,
        action="assignment.complete",
        model=Assignment,
        targets=((pk, {"record": str(record_id)}) for pk, record_id in completed),
    )
    return {"requirements": len(rows), "done": len(completed)}
