"""A rendered care resource as the blocks a reader sees: headings, paragraphs, list items, table
rows, code blocks and rules, in reading order.

"What changed" compares these blocks rather than Markdown source lines, so a clinician sees
"Before the turn" as a heading, not `## Before the turn`. Each block's HTML comes from the
library's own Markdown rendering and sanitising (`rendering.render_inline`), or is text escaped here.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from bedside.library.rendering import parse_markdown, render_inline

HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"
COLUMNS = "columns"  # a table's header row
ROW = "row"
CODE = "code"
RULE = "rule"

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


def tokens(text: str) -> list[str]:
    """Words and punctuation marks, each with the spacing after it ("lines." is "lines" and ".")."""
    return _WORD.findall(text)


@dataclass(frozen=True, eq=False)
class Block:
    """One block of a rendered document.

    `shape` holds what, besides its words, makes the block what it is (heading level, list depth
    and type, quoted or not, number of columns); `parts` the safe HTML of its content (one part
    for prose, one per cell for a row, the escaped text for code). `marker` (the "3." of an
    ordered item) and `headers` (a row's column names) are shown but not compared, so adding an
    item does not change every item numbered after it, nor renaming a column every row.
    """

    kind: str
    shape: tuple[object, ...]
    parts: tuple[str, ...]
    marker: str = ""
    headers: tuple[str, ...] = ()

    @cached_property
    def key(self) -> tuple[object, ...]:
        return (self.kind, self.shape, self.parts)

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """The plain text of each part, as read (for the word by word comparison)."""
        return tuple(html.unescape(_TAG.sub("", part)) for part in self.parts)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """The words and punctuation of the whole block, without spacing."""
        return tuple(token.strip() for token in tokens(" ".join(self.texts)))

    @cached_property
    def word_counts(self) -> Counter[str]:
        return Counter(self.words)

    @property
    def level(self) -> int:
        return int(self.shape[0]) if self.kind == HEADING else 0

    @property
    def depth(self) -> int:
        """How deep in lists the block sits (0 outside a list)."""
        return int(self.shape[-2])

    @property
    def quoted(self) -> bool:
        return bool(self.shape[-1])


def document_blocks(markdown: str) -> list[Block]:
    """The blocks of a Markdown text in reading order, each with its safe HTML."""
    blocks: list[Block] = []
    lists: list[bool] = []  # ordered or not, innermost last
    items: list[list[object]] = []  # [marker, first paragraph still to come]
    quote = 0
    opened = ""  # the block an inline token belongs to
    level = 0
    in_head = False
    headers: tuple[str, ...] = ()
    cells: list[str] = []
    for token in parse_markdown(markdown):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            items.append([f"{token.info}{token.markup}" if lists and lists[-1] else "•", True])
        elif kind == "list_item_close":
            items.pop()
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "heading_open":
            opened, level = HEADING, int(token.tag[1:])
        elif kind in ("paragraph_open", "th_open", "td_open"):
            opened = kind
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "table_open":
            headers = ()
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close":
            if in_head:
                headers = tuple(cells)
                blocks.append(Block(COLUMNS, (len(cells), len(lists), quote), headers))
            else:
                blocks.append(Block(ROW, (len(cells), len(lists), quote), tuple(cells), headers=headers))
        elif kind in ("fence", "code_block"):
            language = (token.info or "").split(" ", 1)[0]
            blocks.append(
                Block(CODE, (language, len(lists), quote), (html.escape(token.content, quote=False),))
            )
        elif kind == "hr":
            blocks.append(Block(RULE, (len(lists), quote), ()))
        elif kind == "inline":
            content = render_inline(token.children or [])
            if opened in ("th_open", "td_open"):
                cells.append(content)
            elif not content.strip():
                continue  # an empty heading or paragraph shows nothing on the page either
            elif opened == HEADING:
                blocks.append(Block(HEADING, (level, len(lists), quote), (content,)))
            elif items and items[-1][1]:
                items[-1][1] = False
                ordered = bool(lists and lists[-1])
                marker = str(items[-1][0])
                blocks.append(Block(ITEM, (ordered, len(lists), quote), (content,), marker=marker))
            else:  # a paragraph, or an item's second paragraph (indented under it)
                blocks.append(Block(PARAGRAPH, (len(lists), quote), (content,)))
    return blocks
