"""The session planner on generated scenarios: first come first served, a greedy that keeps staffing
minimums, and CP-SAT, side by side on the same inputs, each plan recounted by the independent checker.

    .venv/bin/python bench/planner.py                 # 200, 2,000 and 10,000 learners, seats ample; 2,000 scarce
    BENCH_PLANNER_SIZES=200,2000 .venv/bin/python bench/planner.py

14-day window, 28-day roster (`bedside/planner/scenarios.py`). Seats ample: rooms and instructors to spare,
so minimums, rest after nights and overtime are what bind; one seat-scarce variant. No database needed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_PLANNER_SIZES", "200,2000,10000").split(",")]
WORKERS = int(os.environ.get("BENCH_PLANNER_WORKERS", "2"))
LIMITS = {200: 20, 2000: 60, 10000: 300}
TARGETS = {2000: 98.0, 10000: 95.0}


def run_one(learners: int, seats: str) -> dict:
    from bedside.planner.checks import check
    from bedside.planner.cpsat import Settings, solve
    from bedside.planner.greedy import first_come, greedy
    from bedside.planner.scenarios import scenario

    started = time.perf_counter()
    problem = scenario(learners=learners, days=14, roster_days=28, seed=1, seats=seats)
    built = time.perf_counter() - started
    rows = {}
    for name, method in (
        ("first_come", lambda: first_come(problem)),
        ("greedy", lambda: greedy(problem)),
        (
            "cpsat",
            lambda: solve(problem, Settings(time_limit=LIMITS.get(learners, 60), workers=WORKERS, seed=1)),
        ),
    ):
        began = time.perf_counter()
        plan = method()
        seconds = time.perf_counter() - began
        violations = check(problem, plan)
        rows[name] = {
            "trained": plan.trained,
            "violations": len(violations.staffing) + violations.total - len(violations.staffing),
            "staffing_violations": len(violations.staffing),
            "overtime_hours": round(plan.overtime_minutes / 60, 1),
            "sessions": len(plan.sessions),
            "seconds": round(seconds, 1),
            "bound": plan.bound or None,
        }
    bound = rows["cpsat"]["bound"]
    for row in rows.values():
        row["percent_of_bound"] = round(100 * row["trained"] / bound, 1) if bound else None
    print(
        f"\n{learners:,} learners, seats {seats} (inputs built in {built:.1f} s, {len(problem.slots):,} slots)"
    )
    print(
        f"  {'method':<11} {'trained':>8} {'violations':>10} {'overtime h':>10} {'sessions':>8} {'seconds':>8} {'% bound':>8}"
    )
    for name, r in rows.items():
        print(f"  {name:<11} {r['trained']:>8,} {r['violations']:>10} {r['overtime_hours']:>10,.1f} {r['sessions']:>8}"
              f" {r['seconds']:>8.1f} {r['percent_of_bound'] or 0:>8.1f}")  # fmt: skip
    return rows


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bedside.settings")
    figures = {}
    cases = [(n, "ample") for n in SIZES] + [(2000 if 2000 in SIZES else SIZES[0], "scarce")]
    for learners, seats in cases:
        rows = run_one(learners, seats)
        key = f"{learners}_{seats}"
        target = TARGETS.get(learners) if seats == "ample" else None
        cp = rows["cpsat"]
        figures[f"cpsat_{key}_percent_of_bound"] = common.figure(
            cp["percent_of_bound"] or 0, "%", target, "higher"
        )
        figures[f"cpsat_{key}_seconds"] = common.figure(cp["seconds"], "s", LIMITS.get(learners))
        figures[f"cpsat_{key}_violations"] = common.figure(cp["violations"], "count", 0)
        figures[f"cpsat_{key}_overtime_hours"] = common.figure(cp["overtime_hours"], "h", None)
        for other in ("greedy", "first_come"):
            figures[f"{other}_{key}_trained"] = common.figure(
                rows[other]["trained"], "learners", None, "higher"
            )
            figures[f"{other}_{key}_violations"] = common.figure(rows[other]["violations"], "count", None)
            figures[f"{other}_{key}_overtime_hours"] = common.figure(rows[other]["overtime_hours"], "h", None)
        figures[f"cpsat_{key}_trained"] = common.figure(cp["trained"], "learners", None, "higher")
    common.write_result("planner", figures, databases="no database (plain Python and OR-Tools)")


if __name__ == "__main__":
    main()
