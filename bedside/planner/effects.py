"""The staffing effect of a plan, per unit and day: who trains on duty or off, and the least margin left
over the minimum while they are away (plain Python over the planner's inputs)."""

from __future__ import annotations

from collections import defaultdict

from bedside.planner.inputs import Plan, Problem


def effects(problem: Problem, plan: Plan, tz) -> list[dict]:
    learners = {lr.id: lr for lr in problem.learners}
    rows: dict[tuple[int, object], dict] = {}
    away = defaultdict(list)  # unit -> (role, start, end)
    for session in plan.sessions:
        for learner_id in session.learner_ids:
            learner = learners[learner_id]
            on_duty = [d for d in learner.duties if d.start < session.slot.end and session.slot.start < d.end]
            day = session.slot.start.astimezone(tz).date()
            row = rows.setdefault((learner.unit_id, day), {"unit_id": learner.unit_id, "day": day.isoformat(),
                                  "sessions": set(), "on_duty": 0, "off_duty": 0, "margin": None})  # fmt: skip
            row["sessions"].add(session.slot.id)
            row["on_duty" if on_duty else "off_duty"] += 1
            for d in on_duty:
                away[d.unit_id].append(
                    (d.job_role_id, max(d.start, session.slot.start), min(d.end, session.slot.end))
                )
    for (unit_id, _), row in rows.items():
        for role, start, end in away.get(unit_id, ()):
            if start.astimezone(tz).date().isoformat() != row["day"]:
                continue
            for need in problem.needs:
                if need.unit_id != unit_id or need.job_role_id not in problem.toward(role):
                    continue
                if not (need.start < end and start < need.end):
                    continue
                present = sum(1 for s in problem.staffed if s.unit_id == unit_id
                              and need.job_role_id in problem.toward(s.job_role_id) and s.start <= start < s.end)  # fmt: skip
                gone = sum(
                    1 for r, a, b in away[unit_id] if need.job_role_id in problem.toward(r) and a <= start < b
                )
                margin = present - gone - need.minimum
                row["margin"] = margin if row["margin"] is None else min(row["margin"], margin)
        row["sessions"] = len(row["sessions"])
    return sorted(rows.values(), key=lambda r: (r["day"], r["unit_id"]))
