"""Bench mode: requirements planned in Python instead of by `rule_apply`, plus years of past records.

At benchmark size (80,000 staff, millions of records) applying rules row by row
through the ORM would take most of the time budget, so the same rules are evaluated
here over the planned people and written with COPY. Audience matching, cycles, due
dates and renewals follow `bedside.assignments.services.rule_apply`; past cycles'
records come "imported from the previous learning system".
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Iterator

from bedside.assignments.cycles import (
    CYCLE_COLUMNS,
    Cycle,
    add_months,
    current_window,
    end_of_day,
    first_due,
    window_due,
    window_for_year,
)
from bedside.assignments.models import Assignment, AssignmentRule, ClosedReason, Recurrence
from bedside.attestations.services import attestation_create
from bedside.demo.bulk import RowWriter
from bedside.demo.completion import RECORD_COLUMNS, Outcome, Spread, record_row
from bedside.demo.organisation import UnitPlan
from bedside.demo.people import PersonPlan
from bedside.demo.training import AUDIENCES, ItemSpec
from bedside.records.models import LearningItem, Record

ASSIGNMENT_COLUMNS = ("id", "person_id", "item_id", *CYCLE_COLUMNS, "rule_id", "source_kind", "source_ref",
                      "assigned_at", "due_at", "overdue_at", "covered_until", "closed_at", "closed_reason",
                      "record_id", "current")  # fmt: skip
MAX_HISTORY_YEARS = 12


def _member(spec_key: str, jobs: list[tuple[str, UnitPlan]]) -> bool:
    audience = AUDIENCES[spec_key]
    for role, unit in jobs:
        if audience.roles and role not in audience.roles:
            continue
        if audience.unit_kinds and unit.kind not in audience.unit_kinds:
            continue
        if audience.tags and not set(audience.tags) & set(unit.tags):
            continue
        if audience.sites and unit.site not in audience.sites:
            continue
        return True
    return False


def plan_requirements(
    *,
    pairs: list[tuple[ItemSpec, AssignmentRule]],
    people: list[PersonPlan],
    units: dict[str, UnitPlan],
    first_person_id: int,
    spread: Spread,
    writer: RowWriter,
    records_target: int,
) -> dict[str, int]:
    """Write every current requirement (and renewal) with its outcome, then past records up to the target."""
    today, now = spread.today, spread.now
    assignments: list[tuple] = []
    records: list[tuple] = []
    done_at: dict[tuple[int, int], dt.datetime] = {}
    next_id = writer.next_id(Assignment)
    for person in people:
        if person.unit is None or person.status == "terminated":
            continue
        jobs = [(person.role, units[person.unit])]
        if person.second_unit:
            jobs.append((person.role, units[person.second_unit]))
        person_id = first_person_id + person.index
        for spec, rule in pairs:
            if not _member(spec.audience, jobs):
                continue
            cycle, due_at = _cycle(rule, today, person.hire_date, spread.tz)
            outcome = spread.outcome(rule, person, due_at)
            record_id = None
            done_at[(person.index, rule.item_id)] = outcome.at  # None when not done this cycle
            if outcome.done:
                record = record_row(spread.rng, person_id, rule.item_id, outcome)
                records.append(record)
                record_id = record[0]
            renew = (
                outcome.valid_until is not None
                and rule.recurrence == Recurrence.INTERVAL
                and outcome.valid_until <= now + dt.timedelta(days=rule.renewal_window_days)
            )
            assignments.append(_row(next_id, person_id, rule, cycle, outcome, record_id, current=not renew))
            next_id += 1
            if renew:  # the daily pass opens the next cycle while the last completion still covers
                expires = outcome.valid_until
                grace = dt.timedelta(days=rule.grace_days)
                renewal = Outcome(False, now, expires, expires + grace)
                assignments.append(
                    _row(next_id, person_id, rule, Cycle.interval(2), renewal, None, covered_until=expires)
                )
                next_id += 1
    writer.insert(Assignment, ASSIGNMENT_COLUMNS, assignments)
    writer.insert(Record, RECORD_COLUMNS, records)
    wanted = max(records_target - len(records), 0)
    history = writer.insert(
        Record, RECORD_COLUMNS, _past_records(pairs, people, first_person_id, done_at, spread, wanted)
    )
    if history < wanted:
        retired = _retired_items(spread.today)
        history += writer.insert(
            Record,
            RECORD_COLUMNS,
            _retired_records(retired, people, first_person_id, spread, wanted - history),
        )
    return {"requirements": len(assignments), "done": len(records), "history": history}


def _cycle(rule: AssignmentRule, today: dt.date, hired: dt.date | None, tz) -> tuple[Cycle, dt.datetime]:
    if rule.recurrence == Recurrence.WINDOW:
        window = current_window(rule, today)
        return window.cycle, end_of_day(window_due(rule, window, hire_date=hired), tz)
    cycle = Cycle.once() if rule.recurrence == Recurrence.NONE else Cycle.interval(1)
    return cycle, end_of_day(first_due(rule, on=today, hire_date=hired), tz)


def _row(pk: int, person_id: int, rule: AssignmentRule, cycle: Cycle, o: Outcome, record_id: uuid.UUID | None,
         *, current: bool = True, covered_until: dt.datetime | None = None) -> tuple:  # fmt: skip
    return (pk, person_id, rule.item_id, *cycle.columns(), rule.pk, "rule", f"rule:{rule.pk}", o.assigned_at, o.due_at,
            o.overdue_at, covered_until, o.at if o.done else None,
            ClosedReason.COMPLETED if o.done else ClosedReason.OPEN, record_id, current)  # fmt: skip


def _years(rule: AssignmentRule) -> float:
    return (rule.interval_months or 12) / 12


def _past_records(
    pairs: list[tuple[ItemSpec, AssignmentRule]],
    people: list[PersonPlan],
    first_person_id: int,
    done_at: dict[tuple[int, int], dt.datetime | None],
    spread: Spread,
    wanted: int,
) -> Iterator[tuple]:
    """Earlier cycles of recurring items, back to each person's hire, as many as make `wanted`."""
    recurring = [rule for spec, rule in pairs if rule.recurrence != Recurrence.NONE]
    rules_of = {rule.item_id: rule for rule in recurring}
    today = spread.today
    slots: Counter[int] = Counter()  # most cycles a (person, item) could have had -> how many pairs
    for (index, item_id), _ in done_at.items():
        if item_id in rules_of:
            tenure = (today - (people[index].hire_date or today)).days / 365
            slots[min(MAX_HISTORY_YEARS, int(tenure / _years(rules_of[item_id])))] += 1
    cap = 0
    while cap < MAX_HISTORY_YEARS and sum(n * min(k, cap + 1) for k, n in slots.items()) <= wanted:
        cap += 1
    rng = random.Random(spread.rng.random())
    written = 0
    for (index, item_id), last in done_at.items():
        rule = rules_of.get(item_id)
        if rule is None:
            continue
        person_id = first_person_id + index
        hired = people[index].hire_date or today
        if last is None:  # not done this cycle: the last completion was about one cycle ago
            last = spread.now - dt.timedelta(days=int(365 * _years(rule)) + rng.randrange(60))
        for k in range(1, cap + 1):
            if written >= wanted:
                return
            if rule.recurrence == Recurrence.WINDOW:
                window = window_for_year(rule, last.year - k)
                if window.opens < hired:
                    break
                at = dt.datetime.combine(window.opens, dt.time(13), tzinfo=dt.UTC) + dt.timedelta(
                    days=rng.randrange(max((window.closes - window.opens).days, 1)),
                    minutes=rng.randrange(600),
                )
                until = end_of_day(window_for_year(rule, last.year - k + 1).closes, spread.tz)
            else:
                at = add_months(last, -k * rule.interval_months) - dt.timedelta(days=rng.randrange(30))
                if at.date() < hired:
                    break
                until = add_months(at, rule.interval_months)
            written += 1
            yield (uuid.UUID(int=rng.getrandbits(128), version=4), person_id, item_id, "acknowledged", at, until,
                   "Imported from the previous learning system", "import", "lms-archive", None, at, "", "")  # fmt: skip


def _retired_items(today: dt.date) -> list[tuple[int, int]]:
    """Yearly items of past years, no longer assigned: (year, item id)."""
    items = []
    for year in range(today.year - MAX_HISTORY_YEARS - 3, today.year):
        for title in (
            f"Annual competency fair {year}",
            f"Annual safety update {year}",
            f"Mandatory education {year}",
        ):
            attestation = attestation_create(title=title, statement=f"I completed the {title.lower()}.")
            LearningItem.objects.filter(pk=attestation.item_id).update(active=False)
            items.append((year, attestation.item_id))
    return items


def _retired_records(
    items: list[tuple[int, int]], people: list[PersonPlan], first_person_id: int, spread: Spread, wanted: int
) -> Iterator[tuple]:
    """Each person's completions of the retired yearly items of the years they worked, newest first."""
    rng = random.Random(spread.rng.random())
    written = 0
    for year, item_id in sorted(items, reverse=True):
        for person in people:
            if written >= wanted:
                return
            if person.hire_date is None or person.hire_date.year > year or rng.random() < 0.08:
                continue
            at = dt.datetime(year, 1, 1, 14, tzinfo=dt.UTC) + dt.timedelta(days=rng.randrange(365))
            written += 1
            yield (uuid.UUID(int=rng.getrandbits(128), version=4), first_person_id + person.index, item_id,
                   "acknowledged", at, None, "Imported from the previous learning system", "import",
                   "lms-archive", None, at, "", "")  # fmt: skip
