"""Markdown is rendered and sanitised: no script, no event handler, no javascript: link reaches a page."""

from html.parser import HTMLParser

import pytest

from bedside.library.comparing import diff_counts, diff_lines
from bedside.library.rendering import fold, plain_text, render_markdown

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '![x](x" onerror="alert(1))',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](JaVaScRiPt:alert(1))",
    "<details open ontoggle=alert(1)>",
]


class Elements(HTMLParser):
    """The real elements and attributes of an HTML fragment (escaped text is only text)."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((k.lower(), (v or "").strip().lower()) for k, v in attrs)


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_are_neutralised(payload):
    out = render_markdown(f"Before\n\n{payload}\n\nAfter")
    found = Elements()
    found.feed(out)
    assert not {"script", "iframe", "svg", "details", "div"} & set(found.tags)
    assert not [k for k, _ in found.attrs if k.startswith("on") or k == "style"]
    assert not [v for k, v in found.attrs if k in ("href", "src") and v.startswith("javascript")]
    assert "Before" in out and "After" in out


def test_markdown_renders_lists_tables_and_safe_links():
    out = render_markdown(
        "## Steps\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[NIH](https://nih.gov)"
    )
    assert "<h2>Steps</h2>" in out and "<strong>two</strong>" in out and "<table>" in out
    assert 'href="https://nih.gov"' in out and 'rel="noopener noreferrer"' in out


def test_plain_text_and_folding():
    assert plain_text("# Title\n\nSome *words*").split() == ["Title", "Some", "words"]
    assert fold("Protéine naïve") == "Proteine naive"


def test_diff_marks_additions_and_removals():
    lines = diff_lines(
        "Prone for 12 hours.\nFive people.", "Prone for 16 hours.\nFive people.\nCheck the tube."
    )
    assert [(d.op, d.text) for d in lines if d.op != "same"] == [
        ("removed", "Prone for 12 hours."),
        ("added", "Prone for 16 hours."),
        ("added", "Check the tube."),
    ]
    assert diff_counts(lines) == (2, 1)
