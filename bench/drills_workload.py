"""One year of keeping a 300-card deck: minutes per learner under FSRS against a yearly refresher
course and against fixed intervals, all scored with FSRS's own memory model (default parameters).

The simulation uses FSRS's own memory model for the learner as well as for the scheduler, so it
cannot show that FSRS models real nurses well; it shows what each way of spending time buys if
memory behaves as FSRS assumes. Recall is the mean predicted recall over the deck each day.

    .venv/bin/python bench/drills_workload.py     # no database; prints the table, writes the JSON
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import fsrs  # noqa: E402

CARDS = 300
DAYS = 365
SECONDS_NEW = 25
SECONDS_REVIEW = 10
COURSE_MINUTES = 240  # a half-day refresher class once a year
FIXED_DAYS = 30
START = dt.datetime(2026, 1, 1, 18, tzinfo=dt.UTC)
W = fsrs.scheduler.DEFAULT_PARAMETERS
DECAY = -W[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def recall(stability: float, days: float) -> float:
    return (1 + FACTOR * days / stability) ** DECAY


def answer(card: fsrs.Card, at: dt.datetime, rng: random.Random) -> fsrs.Rating:
    """A learner whose memory is FSRS's model: recalls with the predicted probability."""
    if card.stability is None:
        return fsrs.Rating.Good
    days = (at - card.last_review).total_seconds() / 86400
    return fsrs.Rating.Good if rng.random() < recall(card.stability, days) else fsrs.Rating.Again


def held(card: fsrs.Card, at: dt.datetime) -> float:
    if card.stability is None:
        return 0.0
    return recall(card.stability, (at - card.last_review).total_seconds() / 86400)


def run(policy: str, seed: int = 1) -> dict:
    """`fsrs`: reviews when FSRS says (desired retention 0.9, fuzz on); `fixed`: every FIXED_DAYS days;
    `course`: everything once at a yearly class. Ten new cards a day for the first two.
    """
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(
        desired_retention=0.9, enable_fuzzing=True, learning_steps=(), relearning_steps=()
    )
    cards = [fsrs.Card(card_id=n + 1, due=START) for n in range(CARDS)]
    seconds, daily = 0.0, []
    for day in range(DAYS):
        at = START + dt.timedelta(days=day)
        for n, card in enumerate(cards):
            if policy == "course":
                due = day == 0
            else:
                first = n // 10
                if policy == "fixed":
                    due = day >= first and (day - first) % FIXED_DAYS == 0
                else:
                    due = day >= first and card.due <= at + dt.timedelta(hours=12)
            if not due:
                continue
            if policy != "course":
                seconds += SECONDS_NEW if card.stability is None else SECONDS_REVIEW
            cards[n], _ = scheduler.review_card(card, answer(card, at, rng), at)
        if policy == "course" and day == 0:
            seconds += COURSE_MINUTES * 60
        daily.append(sum(held(c, at + dt.timedelta(hours=12)) for c in cards) / CARDS)
    after_learning = daily[30:]
    return {
        "minutes": seconds / 60,
        "mean_recall": sum(after_learning) / len(after_learning),
        "days_at_90": sum(1 for r in after_learning if r >= 0.9) / len(after_learning),
    }


def main() -> None:
    rows = {policy: run(policy) for policy in ("fsrs", "fixed", "course")}
    print("\nOne year, 300-card deck, one learner; recall by FSRS's own memory model (days 31-365)")
    print(f"{'policy':<32} {'minutes/year':>12} {'mean recall':>12} {'days >= 90%':>12}")
    names = {"fsrs": "FSRS, desired retention 0.9", "fixed": f"fixed interval, every {FIXED_DAYS} days",
             "course": f"yearly refresher ({COURSE_MINUTES} min)"}  # fmt: skip
    for policy, r in rows.items():
        print(
            f"{names[policy]:<32} {r['minutes']:>12,.0f} {r['mean_recall']:>12.1%} {r['days_at_90']:>12.0%}"
        )
    figures = {}
    for policy, r in rows.items():
        figures[f"{policy}_minutes_per_year"] = common.figure(r["minutes"], "min", None)
        figures[f"{policy}_mean_recall"] = common.figure(
            r["mean_recall"], "share", 0.9 if policy == "fsrs" else None, "higher"
        )
        figures[f"{policy}_days_at_90_share"] = common.figure(r["days_at_90"], "share", None, "higher")
    common.write_result(
        "drills_workload", figures, databases="no database (simulation with FSRS's own memory model)"
    )


if __name__ == "__main__":
    main()
