"""What changed between two versions of a care resource.

Key points are compared line by line (one point a line). The full text is compared as the reader
sees it: block by block of the rendered document (`blocks.document_blocks`), and inside a changed
block word by word, so "Prone for 12 to 16 hours" → "Prone for at least 16 hours" marks only "12
to" and "at least". A block that only moved is said to have moved, not to be new.

Every piece of markup made here is either a block's HTML as the library renders and sanitises it,
or text escaped here; the tags added are fixed strings.

Long documents stay fast: blocks are matched without quadratic work (`alignment`), a removed block
is paired with an added one only among the next few, and the word by word comparison is skipped
for blocks too long to mark usefully (they show as removed and added whole).
"""

from __future__ import annotations

import difflib
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from django.utils.safestring import SafeString, mark_safe

from bedside.library import alignment
from bedside.library.blocks import CODE, COLUMNS, HEADING, ITEM, ROW, RULE, Block, document_blocks, tokens
from bedside.library.models import ResourceVersion

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"
LABELS = {ADDED: "Added", REMOVED: "Removed", CHANGED: "Changed"}
MOVED_LABELS = {ADDED: "Moved here", REMOVED: "Moved from here"}

PAIR_WINDOW = 8  # how many added blocks ahead a removed block looks for its new wording
PAIR_SIMILARITY = 0.5  # share of words in common for two blocks to be one block changed
MAX_WORD_PAIRS = 250_000  # words old x words new above which a block is shown whole, not word by word
CONTEXT = 1  # unchanged blocks shown around a change; longer unchanged runs fold away


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "added", "removed"
    text: str

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "−"}.get(self.op, "")


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """Line by line what changed from `old` to `new` (key points: one a line), additions and removals marked."""
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


def in_words(counts: list[tuple[int, str]], noun: str) -> str:
    """[(2, "changed"), (0, "added"), (1, "removed")], "part" -> "2 parts changed, 1 removed"."""
    said = [(n, word) for n, word in counts if n]
    if not said:
        return "no change"
    (n, word), rest = said[0], said[1:]
    return ", ".join([f"{n} {noun}{'' if n == 1 else 's'} {word}", *(f"{m} {w}" for m, w in rest)])


@dataclass(frozen=True)
class BlockChange:
    """One block of the comparison: unchanged, added, removed (or moved), or changed with its words marked."""

    op: str
    kind: str
    html: SafeString
    moved: bool = False
    folded: bool = False

    @property
    def label(self) -> str:
        return (MOVED_LABELS if self.moved else LABELS).get(self.op, "")


@dataclass(frozen=True)
class Fold:
    """A run of unchanged blocks, shown on request."""

    blocks: list[BlockChange]
    folded: bool = True


@dataclass
class BlockDiff:
    """The full text compared block by block, in the new version's reading order."""

    blocks: list[BlockChange] = field(default_factory=list)

    def count(self, op: str, *, moved: bool = False) -> int:
        return sum(1 for b in self.blocks if b.op == op and b.moved == moved)

    @property
    def added(self) -> int:
        return self.count(ADDED)

    @property
    def removed(self) -> int:
        return self.count(REMOVED)

    @property
    def changed(self) -> int:
        return self.count(CHANGED)

    @property
    def moved(self) -> int:
        return self.count(ADDED, moved=True)

    @property
    def has_changes(self) -> bool:
        return any(b.op != SAME for b in self.blocks)

    @property
    def summary(self) -> str:
        """The changes counted in words: "2 parts changed, 1 added" (or "no change")."""
        counts = [
            (self.changed, "changed"),
            (self.added, "added"),
            (self.removed, "removed"),
            (self.moved, "moved"),
        ]
        return in_words(counts, "part")

    @cached_property
    def parts(self) -> list[BlockChange | Fold]:
        """The blocks to show: every change, with `CONTEXT` blocks around it and the heading of its
        section; the other unchanged runs of two or more blocks folded."""
        ops = [b.op for b in self.blocks]
        shown = [op != SAME for op in ops]
        heading = None
        for i, block in enumerate(self.blocks):
            if block.op == SAME and block.kind == HEADING:
                heading = i
            if block.op != SAME:
                for j in range(max(0, i - CONTEXT), min(len(ops), i + CONTEXT + 1)):
                    shown[j] = True
                if heading is not None:
                    shown[heading] = True
        parts: list[BlockChange | Fold] = []
        run: list[BlockChange] = []
        for block, show in zip(self.blocks, shown, strict=True):
            if not show:
                run.append(block)
                continue
            parts.extend(_fold(run))
            run = []
            parts.append(block)
        parts.extend(_fold(run))
        return parts


def _fold(run: list[BlockChange]) -> list[BlockChange | Fold]:
    return [Fold(run)] if len(run) > 1 else list(run)


@dataclass(frozen=True)
class Comparison:
    """Two versions compared: key points line by line, the full text block by block."""

    key_points: list[DiffLine]
    body: BlockDiff

    @property
    def key_points_summary(self) -> str:
        added, removed = diff_counts(self.key_points)
        return in_words([(added, "added"), (removed, "removed")], "point")


def compare_versions(*, old: ResourceVersion | None, new: ResourceVersion) -> Comparison:
    """What changed from `old` to `new` (from nothing when `old` is None: a first version)."""
    return Comparison(
        key_points=diff_lines(old.key_points if old else "", new.key_points),
        body=diff_blocks(old.body if old else "", new.body),
    )


def diff_blocks(old: str, new: str) -> BlockDiff:
    """Block by block what changed from `old` to `new` (Markdown), as the reader sees both."""
    a, b = document_blocks(old), document_blocks(new)
    ka, kb = [x.key for x in a], [y.key for y in b]
    codes = alignment.opcodes(ka, kb)
    moved_old, moved_new = _moves(ka, kb, codes)
    diff = BlockDiff()
    for op, i1, i2, j1, j2 in codes:
        if op == "equal":
            diff.blocks.extend(_show(block, SAME) for block in b[j1:j2])
        else:
            diff.blocks.extend(_region(a, b, range(i1, i2), range(j1, j2), moved_old, moved_new))
    return diff


def _moves(ka: list, kb: list, opcodes: list) -> tuple[set[int], set[int]]:
    """Blocks removed in one place and added, word for word, in another: they moved."""
    added: dict[object, deque[int]] = defaultdict(deque)
    for op, _i1, _i2, j1, j2 in opcodes:
        if op != "equal":
            for j in range(j1, j2):
                added[kb[j]].append(j)
    moved_old, moved_new = set(), set()
    for op, i1, i2, _j1, _j2 in opcodes:
        if op != "equal":
            for i in range(i1, i2):
                if added.get(ka[i]):
                    moved_old.add(i)
                    moved_new.add(added[ka[i]].popleft())
    return moved_old, moved_new


def _region(a: list[Block], b: list[Block], old: range, new: range, moved_old: set[int], moved_new: set[int]):
    """A replaced stretch: each removed block is paired, in order, with the added block a few
    ahead that shares most of its words (a change); the rest are removed or added."""
    removed = [i for i in old if i not in moved_old]
    added = [j for j in new if j not in moved_new]
    pairs: dict[int, int] = {}  # new index -> old index
    next_added = 0
    for i in removed:
        best, best_ratio = None, PAIR_SIMILARITY
        for position in range(next_added, min(len(added), next_added + PAIR_WINDOW)):
            ratio = _similarity(a[i], b[added[position]])
            if ratio >= best_ratio:
                best, best_ratio = position, ratio
        if best is not None:
            pairs[added[best]] = i
            next_added = best + 1
    paired_old = set(pairs.values())
    # A removed block shows before what was added in its place, and before the next block changed after it.
    waiting = deque(i for i in old if i not in paired_old)
    before: dict[int, float] = {}
    limit = float("inf")
    for j in reversed(new):
        limit = pairs.get(j, limit)
        before[j] = limit
    for j in new:
        while waiting and waiting[0] < before[j]:
            i = waiting.popleft()
            yield _show(a[i], REMOVED, moved=i in moved_old)
        if j in pairs:
            yield from _changed(a[pairs[j]], b[j])
        else:
            yield _show(b[j], ADDED, moved=j in moved_new)
    for i in waiting:
        yield _show(a[i], REMOVED, moved=i in moved_old)


def _similarity(old: Block, new: Block) -> float:
    """The share of words two blocks of one shape have in common (0 for blocks of other shapes)."""
    if (old.kind, old.shape) != (new.kind, new.shape):
        return 0.0
    total = len(old.words) + len(new.words)
    if not total:
        return 1.0
    if 2 * min(len(old.words), len(new.words)) / total < PAIR_SIMILARITY:
        return 0.0
    in_common = 2 * sum((old.word_counts & new.word_counts).values()) / total  # an upper bound, in any order
    if in_common < PAIR_SIMILARITY or len(old.words) * len(new.words) > MAX_WORD_PAIRS:
        return in_common
    return difflib.SequenceMatcher(a=old.words, b=new.words, autojunk=False).ratio()


def _show(block: Block, op: str, *, moved: bool = False) -> BlockChange:
    """A whole block unchanged, added or removed, with its own rendering."""
    tag = {ADDED: "ins", REMOVED: "del"}.get(op)
    parts = [f"<{tag}>{part}</{tag}>" if tag and part else part for part in block.parts]
    label = (MOVED_LABELS if moved else LABELS).get(op, "")
    return BlockChange(op, block.kind, _block_html(block, parts, label), moved)


def _changed(old: Block, new: Block) -> list[BlockChange]:
    """The new block with its changed words (or code lines) marked against the old one."""
    if old.texts == new.texts:  # same words, other formatting or link: say so rather than mark nothing
        note = ' <span class="diff-note">(formatting or link changed)</span>'
        return [BlockChange(CHANGED, new.kind, _block_html(new, new.parts, LABELS[CHANGED], note=note))]
    if new.kind == CODE:
        parts = [_mark_lines(old.texts[0], new.texts[0])]
    else:  # blocks are paired only when of one shape, so a row has as many cells in both
        parts = [_mark_words(before, after) for before, after in zip(old.texts, new.texts, strict=True)]
    if any(part is None for part in parts):  # too long to mark word by word: show it replaced whole
        return [_show(old, REMOVED), _show(new, ADDED)]
    return [BlockChange(CHANGED, new.kind, _block_html(new, parts, LABELS[CHANGED]))]


_HIDDEN = '<span class="visually-hidden">{}</span>'


def _insertion(text: str) -> str:
    return f"<ins>{_HIDDEN.format('[added: ')}{escape(text)}{_HIDDEN.format(']')}</ins>"


def _deletion(text: str) -> str:
    return f"<del>{_HIDDEN.format('[removed: ')}{escape(text)}{_HIDDEN.format(']')}</del>"


def _mark_words(old: str, new: str) -> str | None:
    """`new` as escaped text with the words added since `old` in <ins> and those gone in <del>."""
    a, b = tokens(old), tokens(new)
    if len(a) * len(b) > MAX_WORD_PAIRS:
        return None
    matcher = difflib.SequenceMatcher(a=[t.strip() for t in a], b=[t.strip() for t in b], autojunk=False)
    pieces = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(escape("".join(b[j1:j2])))
            continue
        gone, come = "".join(a[i1:i2]), "".join(b[j1:j2])
        if i1 and a[i1 - 1] != a[i1 - 1].rstrip() and pieces and not pieces[-1][-1:].isspace():
            pieces.append(" ")  # "a b" -> "a": the space before "b" was the old text's
        if gone.strip():  # the spacing after a changed word stays outside its mark
            pieces.append(_deletion(gone.rstrip()) + (" " if come.strip() or gone != gone.rstrip() else ""))
        if come.strip():
            pieces.append(_insertion(come.rstrip()) + (" " if come != come.rstrip() else ""))
    return "".join(pieces)


def _mark_lines(old: str, new: str) -> str | None:
    """Code compared line by line: spacing is meaning in code, so words are not re-joined."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(a) * len(b) > MAX_WORD_PAIRS:
        return None
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(escape("".join(b[j1:j2]), quote=False))
            continue
        pieces.extend(_deletion(line) for line in a[i1:i2])
        pieces.extend(_insertion(line) for line in b[j1:j2])
    return "".join(pieces)


def _block_html(block: Block, parts: Sequence[str], label: str, *, note: str = "") -> SafeString:
    """The block as the page shows it, with its label ("Added", "Changed"...) in words.

    `parts` are safe HTML: the block's own sanitised rendering, or escaped text with <ins>/<del>.
    """
    sign = f'<span class="diff-sign">{escape(label)}</span> ' if label else ""
    depth = f" diff-depth-{min(block.depth, 4)}" if block.depth else ""
    if block.kind == HEADING:
        level = min(max(block.level, 2), 4) + 1  # the page's "Full text" is an h2: its sections sit below it
        out = f'<h{level} class="diff-heading{depth}">{sign}{parts[0]}{note}</h{level}>'
    elif block.kind == ITEM:
        out = f'<p class="diff-item{depth}"><span class="diff-marker">{escape(block.marker)}</span> {sign}{parts[0]}{note}</p>'
    elif block.kind in (ROW, COLUMNS):
        out = f"{_sign_line(label)}{_row(block, parts)}{note}"
    elif block.kind == CODE:
        out = f'{_sign_line(label)}<pre class="diff-code{depth}"><code>{parts[0]}</code></pre>{note}'
    elif block.kind == RULE:
        out = f'{_sign_line(label)}<hr class="diff-rule">'
    else:
        out = f'<p class="diff-paragraph{depth}">{sign}{parts[0]}{note}</p>'
    if block.quoted:
        out = f"<blockquote>{out}</blockquote>"
    return mark_safe(out)  # noqa: S308 - built from sanitised block HTML, escaped text and fixed tags


def _sign_line(label: str) -> str:
    return f'<p class="diff-sign-line"><span class="diff-sign">{escape(label)}</span></p>' if label else ""


def _row(block: Block, parts: Sequence[str]) -> str:
    """A table row as stacked "column: value" pairs, so it reads on a phone without scrolling sideways."""
    if block.kind == COLUMNS:
        names = "".join(f"<li>{part}</li>" for part in parts)
        return f'<p class="diff-table-label">Table columns</p><ul class="diff-columns">{names}</ul>'
    pairs = []
    for n, part in enumerate(parts):
        header = (
            block.headers[n] if n < len(block.headers) and block.headers[n].strip() else f"Column {n + 1}"
        )
        pairs.append(f"<div><dt>{header}</dt><dd>{part}</dd></div>")
    return f'<dl class="diff-row">{"".join(pairs)}</dl>'
