"""Which items of two sequences are the same, matched in order, without quadratic work on long ones.

`difflib.SequenceMatcher` can take seconds or minutes on a long document whose blocks repeat (a
checklist of identical items, a long table). So short stretches go to `SequenceMatcher`, and
long ones are split the way patience diff does: blocks found once on each side anchor the match
(their longest increasing run) and the stretches between anchors are matched the same way; a long
stretch with no anchor is cut into windows that `SequenceMatcher` compares one by one.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Hashable, Sequence

SMALL = 10_000  # items old x items new that SequenceMatcher may compare directly (it is cubic on repeats)
WINDOW = 100  # items a side in each window of a long stretch without anchors


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[str, int, int, int, int]]:
    """`SequenceMatcher.get_opcodes()` for `a` and `b`: ("equal" | "replace" | "delete" | "insert", i1, i2, j1, j2)."""
    codes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for mi, mj in [*matches(a, b), (len(a), len(b))]:
        if mi > i or mj > j:
            op = "replace" if mi > i and mj > j else "delete" if mi > i else "insert"
            codes.append((op, i, mi, j, mj))
        if mi < len(a):
            if codes and codes[-1][0] == "equal" and codes[-1][2] == mi:
                codes[-1] = ("equal", codes[-1][1], mi + 1, codes[-1][3], mj + 1)
            else:
                codes.append(("equal", mi, mi + 1, mj, mj + 1))
        i, j = mi + 1, mj + 1
    return codes


def matches(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Pairs (i, j) with a[i] == b[j], increasing in both i and j."""
    found: list[tuple[int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        if (ahi - alo) * (bhi - blo) <= SMALL:
            matcher = difflib.SequenceMatcher(a=a[alo:ahi], b=b[blo:bhi], autojunk=False)
            for i, j, n in matcher.get_matching_blocks():
                found.extend((alo + i + k, blo + j + k) for k in range(n))
            continue
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            found.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            found.append((ahi, bhi))
        if alo == ahi or blo == bhi:
            continue
        if anchors := _unique_anchors(a, alo, ahi, b, blo, bhi):
            i0, j0 = alo, blo
            for i, j in anchors:
                found.append((i, j))
                stack.append((i0, i, j0, j))
                i0, j0 = i + 1, j + 1
            stack.append((i0, ahi, j0, bhi))
        else:
            found.extend(_windows(a, alo, ahi, b, blo, bhi))
    found.sort()
    return found


def _unique_anchors(a, alo: int, ahi: int, b, blo: int, bhi: int) -> list[tuple[int, int]]:
    """Items found exactly once in each stretch, the longest run of them in the same order on both sides."""
    in_a, in_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if in_b[b[j]] == 1 and in_a.get(b[j]) == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi) if a[i] in where_b]
    # Longest increasing subsequence of the j's (patience sorting), in O(n log n).
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k + 1
    tail_at: list[int] = []  # index in pairs of that j
    previous = [-1] * len(pairs)
    for n, (_i, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k], tail_at[k] = j, n
        previous[n] = tail_at[k - 1] if k else -1
    run: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        run.append(pairs[n])
        n = previous[n]
    return run[::-1]


def _windows(a, alo: int, ahi: int, b, blo: int, bhi: int) -> list[tuple[int, int]]:
    """A long stretch without anchors: cut both sides into as many windows, matched one by one."""
    count = -(-max(ahi - alo, bhi - blo) // WINDOW)
    found: list[tuple[int, int]] = []
    for k in range(count):
        a0, a1 = alo + (ahi - alo) * k // count, alo + (ahi - alo) * (k + 1) // count
        b0, b1 = blo + (bhi - blo) * k // count, blo + (bhi - blo) * (k + 1) // count
        matcher = difflib.SequenceMatcher(a=a[a0:a1], b=b[b0:b1], autojunk=False)
        for i, j, n in matcher.get_matching_blocks():
            found.extend((a0 + i + m, b0 + j + m) for m in range(n))
    return found
