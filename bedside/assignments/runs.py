"""Rule runs: the requirements one application of rules creates are audited once per rule, not per row.

A run is one call of `rule_apply` (a rule created, changed or resumed, or the daily pass) or of
`roster_reapply` (every rule, for the people a roster import changed). Each requirement the run
creates carries its id (`Assignment.run`, a `RuleRun` row written once), and each rule that created
something leaves one `rule.apply` audit line: the rule (its target), the run, the item, how many
requirements it created and how many of those a still-valid completion closed at once. So a
requirement's origin is always traceable (requirement -> run -> the rule's line: who, when, from
where) while a first import of 50,000 people writes 18 audit lines instead of 715,000.

Every later change to a requirement (completed, reopened, superseded, no longer required, a due
date moved earlier, taken over by another rule) is still audited one line per row.
"""

from __future__ import annotations

import datetime as dt

from bedside.assignments.models import AssignmentRule, RuleRun
from bedside.audit.services import audit


class Run:
    """The run a batch of rule applications belongs to. Its `RuleRun` row is written when the first
    requirement needs its id, so a run that creates nothing leaves no trace."""

    def __init__(self, *, kind: str, actor, now: dt.datetime) -> None:
        self.kind = kind
        self.actor = actor if getattr(actor, "pk", None) else None
        self.now = now
        self._row: RuleRun | None = None

    @property
    def pk(self) -> int:
        if self._row is None:
            self._row = RuleRun.objects.create(at=self.now, actor=self.actor, kind=self.kind)
        return self._row.pk

    def audit_rule(self, rule: AssignmentRule, *, created: int, covered: int) -> None:
        """The one audit line for what `rule` created in this run (none when it created nothing)."""
        if not created:
            return
        audit(
            actor=self.actor,
            action="rule.apply",
            target=rule,
            changes={"run": self.pk, "item": rule.item_id, "created": created, "covered_at_once": covered},
        )
