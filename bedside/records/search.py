"""One way to search the catalogue's items by their text, whichever app holds the text.

An app that can search its own items (the library, over its resources' current versions)
registers a function in its `AppConfig.ready()`; apps that only point at items (a course's
reading is a library version) ask here, so they never import the app that owns the text:

    register_item_search("library", search_fn)  # search_fn(text, limit) -> list[ItemHit]
    search_items("proning", kinds={"library"}, limit=20)

Each hit names the item, the version whose text matched (the current published one), and a
snippet of safe HTML with the matched words in <mark> (empty when the app has none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ItemHit:
    item_id: int
    version_id: int | None
    title: str
    version_label: str = ""
    snippet: str = ""  # safe HTML: escaped text, matched words in <mark>
    rank: float = 0.0


Searcher = Callable[[str, int], list[ItemHit]]
_searchers: dict[str, Searcher] = {}


def register_item_search(kind: str, search: Searcher) -> None:
    """Register the search of one item kind (a second registration of the kind replaces the first)."""
    _searchers[kind] = search


def unregister_item_search(kind: str) -> None:
    _searchers.pop(kind, None)


def searchable_kinds() -> frozenset[str]:
    return frozenset(_searchers)


def search_items(text: str, *, kinds: Iterable[str] | None = None, limit: int = 20) -> list[ItemHit]:
    """Items answering `text`, best first within each kind (kinds in the order asked, or registered)."""
    if not text.strip():
        return []
    wanted = list(kinds) if kinds is not None else list(_searchers)
    hits: list[ItemHit] = []
    for kind in wanted:
        search = _searchers.get(kind)
        if search is not None:
            hits.extend(search(text, limit))
    return hits[:limit]
