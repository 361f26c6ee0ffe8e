"""What changed between two versions of a care resource."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "added", "removed"
    text: str

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "−"}.get(self.op, "")


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """Line by line what changed from `old` to `new`, additions and removals marked."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            lines.extend(DiffLine("same", t) for t in a[i1:i2])
            continue
        lines.extend(DiffLine("removed", t) for t in a[i1:i2])
        lines.extend(DiffLine("added", t) for t in b[j1:j2])
    return [line for line in lines if line.text.strip() or line.op != "same"]


def diff_counts(lines: list[DiffLine]) -> tuple[int, int]:
    return sum(1 for d in lines if d.op == "added"), sum(1 for d in lines if d.op == "removed")
