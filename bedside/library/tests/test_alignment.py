"""Blocks of two versions are matched in order without quadratic work, as SequenceMatcher would on short ones."""

import random
from difflib import SequenceMatcher

import pytest

from bedside.library import alignment


def test_alignment_of_short_stretches_is_sequence_matchers():
    rng = random.Random(3)
    for _ in range(200):
        a = [rng.choice("abcde") for _ in range(rng.randrange(0, 30))]
        b = [rng.choice("abcdef") for _ in range(rng.randrange(0, 30))]
        expected = SequenceMatcher(a=a, b=b, autojunk=False)
        assert alignment.opcodes(a, b) == expected.get_opcodes()


@pytest.mark.parametrize("alphabet", ["abc", "abcdefghijklmnopqrstuvwxyz", [str(n) for n in range(2000)]])
def test_alignment_of_long_stretches_matches_equal_items_in_order(alphabet):
    """Long stretches are split on unique items or walked ahead: every match is equal, in order."""
    rng = random.Random(5)
    a = [rng.choice(alphabet) for _ in range(1500)]
    b = [x if rng.random() < 0.8 else rng.choice(alphabet) for x in a]
    pairs = alignment.matches(a, b)
    assert all(a[i] == b[j] for i, j in pairs)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in zip(pairs, pairs[1:], strict=False))
    assert len(pairs) >= 0.7 * len(a)  # most of a text changed a fifth is found again
    codes = alignment.opcodes(a, b)
    assert sum(i2 - i1 for op, i1, i2, _, _ in codes if op == "equal") == len(pairs)
    assert (codes[0][1], codes[0][3], codes[-1][2], codes[-1][4]) == (0, 0, len(a), len(b))
