"""'What changed' compares the full text as the reader sees it: block by block of the rendered
page, with the changed words marked inside a changed block, safely, and without quadratic work."""

import random
import re
from html import unescape

import pytest

from bedside.library.comparing import ADDED, CHANGED, REMOVED, SAME, BlockChange, Fold, diff_blocks, in_words
from bedside.library.tests.test_rendering import XSS, Elements

TURN = "## Before the turn\n\n- Pre-oxygenate.\n- Secure lines.\n\n## The turn\n\nProne for 12 to 16 hours a day."


def ops(diff):
    return [(b.op, text_of(b)) for b in diff.blocks]


def text_of(block: BlockChange) -> str:
    """What a sighted reader reads in a block: its markup and the screen readers' words taken away."""
    seen = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", str(block.html))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", seen)).split())


def test_blocks_read_like_the_page_not_the_markdown_source():
    diff = diff_blocks("", TURN)
    html = "".join(str(b.html) for b in diff.blocks)
    assert "##" not in html and "- Pre" not in html
    assert (
        '<h3 class="diff-heading"><span class="diff-sign">Added</span> <ins>Before the turn</ins></h3>'
        in html
    )
    assert (
        '<span class="diff-marker">•</span> <span class="diff-sign">Added</span> <ins>Pre-oxygenate.</ins>'
        in html
    )


def test_an_added_block_is_marked_added_in_its_place():
    diff = diff_blocks(TURN, TURN.replace("- Secure lines.", "- Secure lines.\n- Check the tube."))
    assert ops(diff) == [
        (SAME, "Before the turn"),
        (SAME, "• Pre-oxygenate."),
        (SAME, "• Secure lines."),
        (ADDED, "• Added Check the tube."),
        (SAME, "The turn"),
        (SAME, "Prone for 12 to 16 hours a day."),
    ]
    assert (diff.added, diff.removed, diff.changed) == (1, 0, 0)


def test_a_removed_block_is_struck_through_with_its_label():
    diff = diff_blocks(TURN, TURN.replace("- Pre-oxygenate.\n", ""))
    (removed,) = [b for b in diff.blocks if b.op != SAME]
    assert removed.op == REMOVED and removed.label == "Removed"
    assert "<del>Pre-oxygenate.</del>" in removed.html
    assert diff.summary == "1 part removed"


def test_a_changed_sentence_marks_only_the_words_that_changed():
    diff = diff_blocks(TURN, TURN.replace("12 to 16", "at least 16"))
    (changed,) = [b for b in diff.blocks if b.op != SAME]
    assert changed.op == CHANGED and changed.label == "Changed"
    assert str(changed.html) == (
        '<p class="diff-paragraph"><span class="diff-sign">Changed</span> Prone for '
        '<del><span class="visually-hidden">[removed: </span>12 to<span class="visually-hidden">]</span></del> '
        '<ins><span class="visually-hidden">[added: </span>at least<span class="visually-hidden">]</span></ins>'
        " 16 hours a day.</p>"
    )
    assert diff.summary == "1 part changed"


def test_punctuation_does_not_hide_a_changed_list_item():
    diff = diff_blocks(TURN, TURN.replace("- Secure lines.", "- Secure lines and the tube."))
    (changed,) = [b for b in diff.blocks if b.op != SAME]
    assert changed.op == CHANGED
    assert text_of(changed) == "• Changed Secure lines and the tube ."
    assert "<ins>" in changed.html and "<del>" not in changed.html


def test_a_moved_heading_is_said_to_have_moved_not_to_be_new():
    old = "## Checks\n\nTube at 22 cm.\n\nCuff pressure.\n\nEye care.\n\nRecord the time."
    new = "Tube at 22 cm.\n\nCuff pressure.\n\nEye care.\n\n## Checks\n\nRecord the time."
    diff = diff_blocks(old, new)
    changes = [(b.op, text_of(b)) for b in diff.blocks if b.op != SAME]
    assert changes == [(REMOVED, "Moved from here Checks"), (ADDED, "Moved here Checks")]
    assert diff.blocks[0].html.startswith("<h3")
    assert (diff.added, diff.removed, diff.moved) == (0, 0, 1)
    assert diff.summary == "1 part moved"


def test_a_table_row_change_marks_the_cell_beside_its_column_name():
    table = "| Drug | Dose |\n|---|---|\n| Propofol | 1 mg/kg |\n| Fentanyl | 1 mcg/kg |"
    diff = diff_blocks(table, table.replace("1 mg/kg", "2 mg/kg"))
    assert [b.op for b in diff.blocks] == [SAME, CHANGED, SAME]
    row = str(diff.blocks[1].html)
    assert "<dt>Drug</dt><dd>Propofol</dd>" in row
    assert "<dt>Dose</dt><dd><del>" in row and ">1<" in row and ">2<" in row and " mg/kg</dd>" in row
    assert "|" not in row


def test_a_renamed_column_changes_the_header_row_only():
    table = "| Drug | Dose |\n|---|---|\n| Propofol | 1 mg/kg |"
    diff = diff_blocks(table, table.replace("Dose", "Dose per kg"))
    assert [b.op for b in diff.blocks] == [CHANGED, SAME]
    assert "<dt>Dose per kg</dt>" in diff.blocks[1].html


def test_an_empty_old_version_shows_every_block_added():
    diff = diff_blocks("", TURN)
    assert {b.op for b in diff.blocks} == {ADDED} and diff.added == 5
    assert diff.parts == diff.blocks  # nothing unchanged to fold


def test_identical_versions_have_no_change():
    diff = diff_blocks(TURN, TURN)
    assert not diff.has_changes and {b.op for b in diff.blocks} == {SAME}
    assert diff.summary == "no change"


def test_an_item_added_to_a_numbered_list_leaves_the_items_after_it_unchanged():
    old = "1. Stop the feed.\n2. Pre-oxygenate.\n3. Turn."
    diff = diff_blocks(old, "1. Stop the feed.\n2. Check the tube.\n3. Pre-oxygenate.\n4. Turn.")
    assert [b.op for b in diff.blocks] == [SAME, ADDED, SAME, SAME]
    assert "4." in diff.blocks[3].html  # shown with its new number


def test_a_changed_link_with_the_same_words_is_said_to_have_changed():
    diff = diff_blocks("See [the policy](https://a.example/v1).", "See [the policy](https://a.example/v2).")
    (block,) = diff.blocks
    assert block.op == CHANGED and "formatting or link changed" in block.html
    assert 'href="https://a.example/v2"' in block.html


@pytest.mark.parametrize(
    ("old", "new", "read"),
    [
        ("Turn every 2 hours", "Turn every hour", "Changed Turn every 2 hours hour"),
        ("Turn slowly now", "Turn now", "Changed Turn slowly now"),
        ("Turn now", "Turn slowly now", "Changed Turn slowly now"),
        ("Turn the patient slowly", "Turn the patient", "Changed Turn the patient slowly"),
    ],
)
def test_marked_words_keep_their_spacing(old, new, read):
    (block,) = diff_blocks(old, new).blocks
    assert text_of(block) == read
    assert "</del><ins>" not in block.html  # a removed and an added word never run together


def test_code_is_compared_line_by_line_keeping_its_spacing():
    diff = diff_blocks("```\nrate = 4\n  dose = 1\n```", "```\nrate = 4\n  dose = 2\n```")
    (block,) = diff.blocks
    assert block.op == CHANGED and "rate = 4\n" in block.html and "  dose = 2" in block.html


def test_long_unchanged_stretches_fold_but_the_section_heading_stays():
    body = "## Before\n\n" + "\n\n".join(f"Step {n}." for n in range(10)) + "\n\n## The turn\n\n"
    body += "\n\n".join(f"Turn step {n}." for n in range(10))
    diff = diff_blocks(body, body.replace("Turn step 5.", "Turn step five."))
    shown = [p for p in diff.parts if not p.folded]
    folds = [p for p in diff.parts if p.folded]
    assert [text_of(b) for b in shown] == [
        "The turn",
        "Turn step 4.",
        "Changed Turn step 5 five .",
        "Turn step 6.",
    ]
    assert [len(f.blocks) for f in folds] == [11, 4, 3] and all(isinstance(f, Fold) for f in folds)


@pytest.mark.parametrize("payload", XSS)
def test_a_payload_in_either_version_reaches_the_comparison_neutralised(payload):
    for old, new in (
        (f"Before\n\n{payload}\n\nAfter", "Before\n\nAfter"),
        ("Before\n\nAfter", f"Before\n\n{payload}\n\nAfter"),
        (f"Before {payload} after", f"Before {payload} and after"),  # marked word by word
        (f"| a |\n|---|\n| {payload} |", f"| a |\n|---|\n| {payload} x |"),
        (f"```\n{payload}\n```", f"```\n{payload}\nx\n```"),
    ):
        diff = diff_blocks(old, new)
        found = Elements()
        found.feed("".join(str(b.html) for b in diff.blocks))
        assert not {"script", "iframe", "svg", "details"} & set(found.tags)
        assert not [k for k, _ in found.attrs if k.startswith("on") or k == "style"]
        assert not [v for k, v in found.attrs if k in ("href", "src") and v.startswith("javascript")]


def test_a_five_thousand_line_document_of_repeated_blocks_finishes():
    """SequenceMatcher alone is quadratic or worse here; the comparison must still finish (no timing asserted)."""
    old = "\n\n".join(["- Check the tube."] * 2500)
    new = "\n\n".join(["- Check the tube.", "| a | b |\n|---|---|\n| 1 | 2 |"] * 1250)  # 3 blocks a turn
    diff = diff_blocks(old, new)
    assert diff.count(SAME) == 1250  # every item kept is found again
    assert diff.count(SAME) + diff.removed == 2500 and diff.count(SAME) + diff.added == 3750
    assert len(old.splitlines()) + 1 == 5000


def test_a_five_thousand_line_rewrite_finishes_with_each_block_accounted_for():
    rng = random.Random(7)
    words = [
        "patient",
        "tube",
        "prone",
        "hours",
        "check",
        "nurse",
        "line",
        "oxygen",
        "dose",
        "turn",
        "count",
        "leader",
    ]
    old_lines = [" ".join(rng.choice(words) for _ in range(9)) for _ in range(5000)]
    new_lines = [
        line if rng.random() < 0.7 else " ".join(rng.choice(words) for _ in range(9)) for line in old_lines
    ]
    diff = diff_blocks("\n\n".join(old_lines), "\n\n".join(new_lines))
    assert diff.count(SAME) + diff.changed + diff.added == 5000
    assert diff.count(SAME) + diff.changed + diff.removed == 5000


def test_counts_in_words():
    assert in_words([(1, "changed"), (0, "added"), (2, "removed")], "part") == "1 part changed, 2 removed"
    assert in_words([(0, "added"), (3, "removed")], "point") == "3 points removed"
