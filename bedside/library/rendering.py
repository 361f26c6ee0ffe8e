"""Markdown to safe HTML, and plain text for search."""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Raw HTML in the Markdown is escaped by the parser and the result is sanitised again by an
# allow-list: script, event handlers, javascript: links and styles never reach a page.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "i", "img",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


def sanitise(fragment: str) -> str:
    """Keep only the allowed tags and attributes; links get rel=noopener noreferrer."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to show as is."""
    return sanitise(_md.render(text or ""))


def parse_markdown(text: str) -> list[Token]:
    """The block tokens of a Markdown text, parsed as `render_markdown` parses it."""
    return _md.parse(text or "")


def render_inline(children: list[Token]) -> str:
    """One block's inline content (an `inline` token's children) as safe HTML, sanitised like a page."""
    return sanitise(_md.renderer.renderInline(children, _md.options, {}))


_TAG = re.compile(r"<[^>]+>")


def plain_text(markdown: str) -> str:
    """The words of a Markdown text, without markup (for search and feeds)."""
    return html.unescape(_TAG.sub(" ", render_markdown(markdown))).strip()


def fold(text: str) -> str:
    """Accents folded away, so 'protéine' and 'proteine' find each other in any database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
