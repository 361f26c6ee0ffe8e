"""Inserting requirements in bulk: one row per (person, item, cycle key), created or reopened, audited.

The machinery under the services: plan who needs which cycle by when, skip what
exists, reopen what was withdrawn, close at once what a still-valid completion covers.

One requirement per (person, item) is current. When a new cycle is planned for a
person whose current requirement is open:
- a later cycle of the same recurring kind (interval number, window year, pinned
  version) replaces it: the open one closes as "superseded";
- any other (a second rule with another recurrence, a second campaign) does not
  make a second requirement: the open one stays, and the earliest due date wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Max, QuerySet
from django.db.models.expressions import RawSQL

from bedside.assignments.cycles import CYCLE_COLUMNS, Cycle, add_months
from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason, CycleKind, Recurrence
from bedside.audit.services import audit_bulk, audit_insert_sql, audit_select
from bedside.core.bulkcopy import copy_new_rows, copy_rows, sqlite_insert_rows
from bedside.people.models import Person
from bedside.records.kinds import get_kind
from bedside.records.models import LearningItem, Record
from bedside.records.queries import current_records

if TYPE_CHECKING:
    from bedside.assignments.runs import Run

CHUNK = 5000
WITHDRAWN = (ClosedReason.NO_LONGER_REQUIRED, ClosedReason.TERMINATED)
# A newer cycle of these kinds replaces an open one of the same kind.
SUCCESSIVE = (CycleKind.INTERVAL, CycleKind.WINDOW, CycleKind.VERSION)


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def by_persons(
    rows: QuerySet, field: str, person_ids: Iterable[int], among: str | None
) -> Iterator[QuerySet]:
    """`rows` narrowed to `person_ids`: through `among` (a `SELECT id` of a temporary table holding at
    least those ids: callers drop the others) in one query, else in IN (...) chunks."""
    if among is not None:
        yield rows.filter(**{f"{field}__in": RawSQL(among, ())})
        return
    for chunk in chunks(sorted(set(person_ids))):
        yield rows.filter(**{f"{field}__in": chunk})


@dataclass(frozen=True)
class Planned:
    person_id: int
    cycle: Cycle
    due_at: dt.datetime
    covered_until: dt.datetime | None = None


@dataclass
class Inserted:
    """What an insert did: requirements created (or reopened), and those already required.

    `new`: of `created`, the rows inserted (the rest reopened); `covered`: of those, closed at once
    by a completion that is still valid."""

    created: int = 0
    already_required: int = 0
    created_ids: list[int] = field(default_factory=list)
    new: int = 0
    covered: int = 0


@dataclass(frozen=True)
class _Row:
    pk: int
    cycle: Cycle
    reason: str
    current: bool
    due_at: dt.datetime


def _rows_of(item: LearningItem, person_ids: Sequence[int], among: str | None) -> dict[int, list[_Row]]:
    """Every requirement of the item of these persons, by person (one query, or one per chunk)."""
    found: dict[int, list[_Row]] = {}
    wanted = set(person_ids)
    columns = ("pk", "person_id", *CYCLE_COLUMNS, "closed_reason", "current", "due_at")
    for rows in by_persons(Assignment.objects.filter(item=item), "person_id", wanted, among):
        for pk, pid, kind, number, year, ref, version, reason, current, due in rows.values_list(*columns):
            if pid not in wanted:
                continue
            cycle = Cycle.from_columns(kind, number, year, ref, version)
            found.setdefault(pid, []).append(_Row(pk, cycle, reason, current, due))
    return found


def latest_completions(
    item: LearningItem,
    person_ids: Sequence[int],
    since: dt.datetime | None,
    *,
    valid_at: dt.datetime | None = None,
    version_of: dict[int, int] | None = None,
    among: str | None = None,
) -> dict[int, Record]:
    """Each person's latest current completing record of the item since `since` (any time if None),
    still valid at `valid_at` when given, and of the pinned version for persons in `version_of`."""
    verbs = list(get_kind(item.kind).completing_verbs)
    found: dict[int, Record] = {}
    wanted = set(person_ids)
    if not wanted:
        return found
    for rows in by_persons(current_records().filter(item=item, verb__in=verbs), "person_id", wanted, among):
        if since is not None:
            rows = rows.filter(at__gte=since)
        if valid_at is not None:
            rows = rows.exclude(valid_until__lte=valid_at)
        fields = ("pk", "person_id", "at", "valid_until", "version_id")
        for record in rows.order_by("person_id", "-at").only(*fields):
            if record.person_id not in wanted:
                continue
            pinned = (version_of or {}).get(record.person_id)
            if pinned is not None and record.version_id != pinned:
                continue
            found.setdefault(record.person_id, record)
    return found


ASSIGNMENT_COLUMNS = ("person_id", "item_id", *CYCLE_COLUMNS, "rule_id", "source_kind", "source_ref", "assigned_at",
                      "due_at", "overdue_at", "covered_until", "closed_at", "closed_reason", "record_id", "current",
                      "run_id")  # fmt: skip


def insert_requirements(
    *,
    item: LearningItem,
    planned: Sequence[Planned],
    rule: AssignmentRule | None,
    source_kind: str,
    source_ref: str,
    actor: Person | None,
    grace_days: int,
    satisfied_since: dt.datetime | None | bool = False,
    now: dt.datetime,
    among: str | None = None,
    run: Run | None = None,
) -> Inserted:
    """Insert the planned requirements that do not exist yet (see the module's rules).

    `satisfied_since`: False to skip the check; None or a date to close new rows at
    once when the person holds a completion of the item since then that is still valid.
    `among`: a temporary table's `SELECT id` holding every planned person (large batches).
    `run`: the rule run making them: new rows carry its id and are audited by the caller's one
    line per rule (`Run.audit_rule`); without one, one 'assignment.create' line per new row.
    """
    result = Inserted()
    if not planned:
        return result
    _take_turns(item)
    rows_by_person = _rows_of(item, [p.person_id for p in planned], among)
    grace = dt.timedelta(days=grace_days)
    new: list[Planned] = []
    returning: list[tuple[Planned, int]] = []
    step_back: list[int] = []  # current rows that a new row replaces
    supersede: list[tuple[int, Cycle]] = []  # of those, the open ones
    earlier: list[tuple[int, dt.datetime]] = []  # open current rows whose due date moves earlier
    for p in planned:
        rows = rows_by_person.get(p.person_id)
        if not rows:  # nothing of this item yet (a new hire): the common case at roster scale
            new.append(p)
            continue
        same = next((r for r in rows if r.cycle == p.cycle), None)
        current = next((r for r in rows if r.current), None)
        if same is not None:
            if same.reason in WITHDRAWN and same.current:
                returning.append((p, same.pk))
            elif same.reason not in WITHDRAWN:
                result.already_required += 1
            continue
        if current is not None and current.reason == ClosedReason.OPEN:
            if not _replaces(p.cycle, current.cycle):
                result.already_required += 1  # one requirement per (person, item): the earliest due wins
                if p.due_at < current.due_at:
                    earlier.append((current.pk, p.due_at))
                continue
            supersede.append((current.pk, p.cycle))
        if current is not None:
            step_back.append(current.pk)
        new.append(p)
    version_of = {p.person_id: p.cycle.version_id for p in new if p.cycle.kind == CycleKind.VERSION}
    done_before = (
        {}
        if satisfied_since is False
        else latest_completions(
            item,
            [p.person_id for p, _ in returning] + [p.person_id for p in new],
            satisfied_since,
            valid_at=now,
            version_of=version_of,
            among=among,
        )
    )
    expiry = _expiry(rule)
    _move_due_earlier(earlier, grace, actor)
    result.created += _reopen(
        returning, done_before, expiry, grace, rule, source_kind, source_ref, actor, now
    )
    _step_back(step_back, supersede, actor, now)
    rows = []
    rule_id = rule.pk if rule else None
    run_id = run.pk if run is not None and new else None
    last_cycle, key = None, ()
    overdue_of: dict[dt.datetime, dt.datetime] = {}
    for p in new:
        prior = done_before.get(p.person_id)
        if p.cycle is not last_cycle:  # a batch mostly shares one cycle object
            last_cycle, key = p.cycle, p.cycle.columns()
        overdue = overdue_of.get(p.due_at)
        if overdue is None:
            overdue = overdue_of[p.due_at] = p.due_at + grace
        if prior is None:
            rows.append(
                (p.person_id, item.pk, *key, rule_id, source_kind, source_ref, now, p.due_at, overdue,
                 p.covered_until, None, ClosedReason.OPEN, None, True, run_id)
            )  # fmt: skip
        else:
            rows.append(
                (p.person_id, item.pk, *key, rule_id, source_kind, source_ref, now, p.due_at, overdue,
                 expiry(prior), now, ClosedReason.COMPLETED, prior.pk, True, run_id)
            )  # fmt: skip
    if run is not None:
        # Nothing else writes this item's requirements meanwhile (`_take_turns`): every row is new.
        _insert_all(rows)
        result.created += len(rows)
        result.new = len(rows)
        result.covered = sum(1 for p in new if p.person_id in done_before)
        return result
    created = _insert_new(rows, item=item, now=now, actor=actor)
    if connection.vendor != "postgresql":
        _audit_created(
            created, {p.person_id: p.cycle for p in new}, item, source_kind, source_ref, actor, now
        )
    result.created += len(created)
    result.created_ids = [pk for pk, _ in created]
    result.new = len(created)
    result.covered = sum(1 for _, pid in created if pid in done_before)
    return result


# The cycle's label (as str(Cycle)) computed by the database, for audit lines written in SQL.
CYCLE_LABEL_SQL = (
    "CASE t.cycle_kind WHEN 'interval' THEN 'cycle ' || CAST(t.cycle_number AS TEXT)"
    " WHEN 'window' THEN CAST(t.cycle_year AS TEXT) WHEN 'campaign' THEN 'campaign ' || t.cycle_ref"
    " WHEN 'version' THEN 'version ' || CAST(t.cycle_version_id AS TEXT) ELSE 'once' END"
)
AUDIT_CHANGES_SQL = {"person": "t.person_id", "item": "t.item_id", "cycle": CYCLE_LABEL_SQL,
                     "source": "t.source_kind", "ref": "t.source_ref"}  # fmt: skip
AUDIT_IN_SQL_FROM = 1000


# pg_advisory_xact_lock(LOCK_NAMESPACE, item id): the writers of one item's requirements take turns.
LOCK_NAMESPACE = 7301


def _take_turns(item: LearningItem) -> None:
    """Until this transaction ends, no other writer inserts requirements of `item`, so what `_rows_of`
    reads next is all there is, and a rule run's new rows go in with a plain COPY (no staging table,
    no ON CONFLICT). PostgreSQL: a transaction-scoped advisory lock on the item (rule runs, campaigns
    and publishing all come through here). SQLite: transactions begin IMMEDIATE, one writer at a time.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, item.pk & 0x7FFFFFFF])


def _insert_all(rows: list[tuple]) -> None:
    """Insert rows (ASSIGNMENT_COLUMNS) known to be new: COPY (PostgreSQL) or one executemany (SQLite).
    A row that breaks a unique constraint all the same fails the transaction, as it should."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(Assignment, ASSIGNMENT_COLUMNS, rows)
    else:
        sqlite_insert_rows(Assignment, ASSIGNMENT_COLUMNS, rows)


def _insert_new(
    rows: list[tuple], *, item: LearningItem, now: dt.datetime, actor: Person | None
) -> list[tuple[int, int]]:
    """Insert rows (ASSIGNMENT_COLUMNS) that break no unique constraint; (pk, person) of those inserted.

    PostgreSQL: COPY into a staging table, then one INSERT ... ON CONFLICT DO NOTHING that also
    writes an 'assignment.create' audit line for each row it inserts (a data-modifying WITH).
    SQLite: one executemany ... ON CONFLICT DO NOTHING; the writer holds the database's write
    lock until commit, so the new rows are those above the highest id with this item and instant
    (their audit lines are written after, see `_audit_created`).
    """
    if not rows:
        return []
    if connection.vendor == "postgresql":
        audit = audit_insert_sql(
            actor=actor,
            action="assignment.create",
            model=Assignment,
            rows_sql="inserted t",
            changes=AUDIT_CHANGES_SQL,
        )
        return sorted(
            copy_new_rows(Assignment, ASSIGNMENT_COLUMNS, rows, returning=("id", "person_id"), then=audit)
        )
    before = Assignment.objects.aggregate(top=Max("pk"))["top"] or 0
    sqlite_insert_rows(Assignment, ASSIGNMENT_COLUMNS, rows, skip_conflicts=True)
    mine = Assignment.objects.filter(pk__gt=before, item=item, assigned_at=now)
    return list(mine.values_list("pk", "person_id").order_by("pk"))


def _audit_created(
    created: list[tuple[int, int]], cycle_of: dict, item, source_kind, source_ref, actor, now
) -> None:
    """One 'assignment.create' line per new row; for many rows, written by the database itself."""
    if len(created) >= AUDIT_IN_SQL_FROM:
        low, high = created[0][0], created[-1][0]  # `created` is in id order
        table = connection.ops.quote_name(Assignment._meta.db_table)
        # Every row of the item inserted at `now` within the span is one of them (see `_insert_new`).
        audit_select(
            actor=actor,
            action="assignment.create",
            model=Assignment,
            ids_sql=f"SELECT id FROM {table} WHERE id BETWEEN %s AND %s AND item_id = %s AND assigned_at = %s",
            params=[low, high, item.pk, connection.ops.adapt_datetimefield_value(now)],
            changes=AUDIT_CHANGES_SQL,
        )
        return
    audit_bulk(
        actor=actor,
        action="assignment.create",
        model=Assignment,
        targets=(
            (
                pk,
                {
                    "person": pid,
                    "item": item.pk,
                    "cycle": str(cycle_of[pid]),
                    "source": source_kind,
                    "ref": source_ref,
                },
            )
            for pk, pid in created
        ),  # fmt: skip
    )


def _replaces(new: Cycle, old: Cycle) -> bool:
    """A later cycle of the same recurring kind replaces an open one."""
    if new.kind != old.kind or new.kind not in SUCCESSIVE:
        return False
    if new.kind == CycleKind.INTERVAL:
        return new.number > old.number
    if new.kind == CycleKind.WINDOW:
        return new.year > old.year
    return new.version_id > old.version_id


def _step_back(current_ids: list[int], supersede: list[tuple[int, Cycle]], actor, now: dt.datetime) -> None:
    """The rows that new cycles replace stop being current; the open ones close as superseded.

    The close is guarded by `closed_at IS NULL`: a completion that got there first stays a completion.
    """
    closed: set[int] = set()
    for chunk in chunks([pk for pk, _ in supersede]):
        ids = list(
            Assignment.objects.filter(pk__in=chunk, closed_at__isnull=True).values_list("pk", flat=True)
        )
        Assignment.objects.filter(pk__in=ids, closed_at__isnull=True).update(
            closed_at=now, closed_reason=ClosedReason.SUPERSEDED
        )
        closed.update(ids)
    for chunk in chunks(current_ids):
        Assignment.objects.filter(pk__in=chunk).update(current=False)
    audit_bulk(
        actor=actor,
        action="assignment.close.superseded",
        model=Assignment,
        targets=(
            (pk, {"reason": "superseded", "by_cycle": str(cycle)}) for pk, cycle in supersede if pk in closed
        ),
    )


def _move_due_earlier(earlier: list[tuple[int, dt.datetime]], grace: dt.timedelta, actor) -> None:
    """Two rules or campaigns asking for one item: the open requirement takes the earliest due date."""
    if not earlier:
        return
    rows = [Assignment(pk=pk, due_at=due, overdue_at=due + grace) for pk, due in earlier]
    Assignment.objects.bulk_update(rows, ["due_at", "overdue_at"], batch_size=2000)
    audit_bulk(
        actor=actor,
        action="assignment.due_earlier",
        model=Assignment,
        targets=((pk, {"due_at": due.isoformat()}) for pk, due in earlier),
    )


def _expiry(rule: AssignmentRule | None):
    """How long a completion made before the requirement existed covers it (interval rules)."""

    def expires(record: Record) -> dt.datetime | None:
        if record.valid_until is not None:
            return record.valid_until
        if rule is not None and rule.recurrence == Recurrence.INTERVAL:
            return add_months(record.at, rule.interval_months)
        return None

    return expires


def _reopen(returning, done_before, expiry, grace, rule, source_kind, source_ref, actor, now) -> int:
    """A person back in the audience (rehired, transferred back): their withdrawn requirement opens again."""
    if not returning:
        return 0
    rows = []
    for p, pk in returning:
        prior = done_before.get(p.person_id)
        rows.append(
            Assignment(
                pk=pk,
                rule=rule,
                source_kind=source_kind,
                source_ref=source_ref,
                assigned_at=now,
                due_at=p.due_at,
                overdue_at=p.due_at + grace,
                covered_until=expiry(prior) if prior else p.covered_until,
                closed_at=now if prior else None,
                closed_reason=ClosedReason.COMPLETED if prior else ClosedReason.OPEN,
                record=prior,
                current=True,
            )
        )
    fields = ["rule", "source_kind", "source_ref", "assigned_at", "due_at", "overdue_at", "covered_until",
              "closed_at", "closed_reason", "record", "current"]  # fmt: skip
    Assignment.objects.bulk_update(rows, fields, batch_size=2000)
    audit_bulk(
        actor=actor,
        action="assignment.reopen",
        model=Assignment,
        targets=((a.pk, {"reason": "back in the audience", "ref": source_ref}) for a in rows),
    )
    return len(rows)
