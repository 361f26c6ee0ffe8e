"""One search over the library: SQLite FTS5 on the embedded default, PostgreSQL full text in production.

`search(text, ...)` serves the pages and the API alike. Clinicians type questions, not titles,
so the question is folded (accents), cut to its content words (stop words go), widened with the
editable synonym list (proning = prone positioning) and matched with stemming, any word
counting; ranking weighs titles and tags above key points above bodies. Snippets come from the
short key points, highlighted.

PostgreSQL: a stored weighted tsvector (generated column) with a GIN index; the matches are
bounded (CANDIDATES) before ranking, and headlines are made for the page's rows only.
SQLite: an FTS5 table over the same rows, kept in step by triggers, ranked by weighted bm25 in
the FTS query itself (a top-N sort of rowids, no join), counted by FTS5, and only the page's rows
joined and snippeted; the k best are found exactly without ranking every match (`fts5.ranked`:
the rarest words seed the ranking, and only the groups of words that could still reach the top
are ranked after). Both are created in the migrations.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Collection as Many
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bedside.library import fts5
from bedside.library.models import Collection, Resource, ResourceVersion, SearchEntry, Synonym, VersionStatus
from bedside.library.rendering import fold, plain_text
from bedside.records.search import ItemHit

CANDIDATES = 2000
STATUSES = {
    "current": "Current",
    "review_due": "Due for review",
    "retired": "Retired",
}
START, STOP = "\x02", "\x03"
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "having",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "up",
        "use",
        "used",
        "using",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Hit:
    resource: Resource
    snippet: str  # safe HTML: escaped text with <mark> around the matched words
    rank: float


@dataclass
class Results:
    query: str
    words: list[str]
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


def index_resource(resource: Resource) -> None:
    """Write (or remove) the resource's search entry from its current published version."""
    version = resource.versions.filter(status=VersionStatus.PUBLISHED).prefetch_related("attachments").first()
    if version is None or resource.retired_at is not None:
        SearchEntry.objects.filter(resource=resource).delete()
        return
    values = {
        "title": fold(resource.item.title),
        "key_points": fold("\n".join(version.key_point_lines())),
        "body": fold(plain_text(version.body)),
        "tags": fold(" ".join(resource.tags.values_list("name", flat=True))),
        "attachments": fold(" ".join(a.text for a in version.attachments.all())),
    }
    SearchEntry.objects.update_or_create(resource=resource, defaults=values)


def _synonyms() -> list[tuple[str, str]]:
    return [(fold(t).lower(), fold(m).lower()) for t, m in Synonym.objects.values_list("term", "means")]


def query_terms(text: str) -> tuple[list[str], list[list[str]]]:
    """The question's content words, and the phrases its synonyms add (each a list of words)."""
    folded = fold(text).lower()
    words = [w for w in _WORD.findall(folded) if w not in STOP_WORDS]
    phrases: list[list[str]] = []
    padded = f" {' '.join(_WORD.findall(folded))} "
    for term, means in _synonyms():
        term_words, means_words = _WORD.findall(term), _WORD.findall(means)
        if f" {' '.join(term_words)} " in padded:
            phrases.append(means_words)
        elif means_words and f" {' '.join(means_words)} " in padded:
            phrases.append(term_words)
    unique = list(dict.fromkeys(words))
    return unique, [p for p in phrases if p]


def _filtered(
    *, kind: str = "", collection: Collection | None = None, audiences: Many[int] | None = None,
    status: str = "current", public_only: bool = False, today: dt.date | None = None,
) -> QuerySet[Resource]:  # fmt: skip
    rows = Resource.objects.all()
    if status == "retired":
        rows = rows.filter(retired_at__isnull=False)
    else:
        rows = rows.filter(retired_at__isnull=True)
    if status == "review_due":
        rows = rows.filter(
            versions__status=VersionStatus.PUBLISHED,
            versions__next_review_on__lt=today or timezone.localdate(),
        )
    if kind:
        rows = rows.filter(kind=kind)
    if collection is not None:
        rows = rows.filter(collections=collection)
    if audiences is not None:
        rows = rows.filter(audience_id__in=list(audiences))
    if public_only:
        rows = rows.filter(
            Exists(
                Collection.resources.through.objects.filter(
                    resource_id=OuterRef("pk"), collection__public=True
                )
            )
        )
    return rows


def highlight(snippet: str) -> str:
    """Escape a snippet and turn the database's markers into <mark> (the text is never trusted)."""
    return html.escape(snippet or "").replace(START, "<mark>").replace(STOP, "</mark>")


def search(
    text: str,
    *,
    kind: str = "",
    collection: Collection | None = None,
    audiences: Many[int] | None = None,
    status: str = "current",
    public_only: bool = False,
    today: dt.date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """Resources answering `text`, best first, with highlighted snippets, filtered as asked.

    `audiences`: only resources addressed to one of these audiences (None: any, empty: none);
    `status`: "current" (published), "review_due" (published, past its next review on `today`)
    or "retired" (out of the index: matched on titles).
    """
    words, phrases = query_terms(text)
    results = Results(query=text, words=words)
    if not words and not phrases:
        return results
    if audiences is not None and not audiences:
        return results
    narrowing = {
        "kind": kind,
        "collection": collection,
        "audiences": audiences,
        "status": status,
        "public_only": public_only,
        "today": today,
    }
    if status == "retired":
        return _retired(_filtered(**narrowing), words, results, limit, offset)
    # The index holds current resources only (retired ones leave it), so without a filter it needs no join.
    sql, params = "", []
    if kind or collection or audiences is not None or public_only or status == "review_due":
        sql, params = _filtered(**narrowing).order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        rows, total = _postgresql(words, phrases, sql, params, limit, offset)
    else:
        rows, total = _sqlite(words, phrases, sql, params, limit, offset)
    found = Resource.objects.select_related("item").in_bulk([r[0] for r in rows])
    results.hits = [Hit(found[pk], highlight(snippet), rank) for pk, rank, snippet in rows if pk in found]
    results.total = total
    return results


def _retired(allowed, words, results, limit, offset) -> Results:
    """Retired resources have no search entry: curators find them by title."""
    q = Q()
    for w in words:
        q &= Q(item__title__icontains=w)
    rows = allowed.filter(q).select_related("item").order_by("item__title")
    results.total = rows.count()
    results.hits = [Hit(r, "", 0.0) for r in rows[offset : offset + limit]]
    return results


def _sqlite(words, phrases, allowed_sql, params, limit, offset):
    """Rank in FTS5 with weighted bm25 and keep the page's rowids (a top-N sort, nothing joined;
    see `fts5.ranked`), count the matches (FTS5 counts without ranking), then join and snippet the
    page's rows only. A filter is checked on each match (`+rowid`: the allowed entries are listed
    once, never looked up one FTS5 query per entry)."""
    narrowed = (
        f"AND +rowid IN (SELECT e.id FROM library_searchentry e WHERE e.resource_id IN ({allowed_sql}))"
        if allowed_sql
        else ""
    )
    with connection.cursor() as cursor:
        ranked, match = fts5.ranked(cursor, fts5.terms(words, phrases), narrowed, params, offset + limit)
        ranked = ranked[offset:]
        if not ranked and offset == 0:
            return [], 0
        cursor.execute(
            f"SELECT count(*) FROM library_search_fts WHERE library_search_fts MATCH %s {narrowed}",
            [match, *params],
        )
        (total,) = cursor.fetchone()
        if not ranked:
            return [], total
        ids = [rowid for rowid, _ in ranked]
        cursor.execute(
            f"""SELECT f.rowid, e.resource_id, snippet(library_search_fts, 1, %s, %s, '…', 14)
            FROM library_search_fts f JOIN library_searchentry e ON e.id = f.rowid
            WHERE library_search_fts MATCH %s AND f.rowid IN ({", ".join(["%s"] * len(ids))})""",
            [START, STOP, match, *ids],
        )
        page = {rowid: (pk, snippet) for rowid, pk, snippet in cursor.fetchall()}
    return [(page[rowid][0], -rank, page[rowid][1]) for rowid, rank in ranked if rowid in page], total


def _tsquery(words: list[str], phrases: list[list[str]]) -> str:
    terms = list(words) + ["(" + " <-> ".join(p) + ")" for p in phrases]
    return " | ".join(terms)


def _postgresql(words, phrases, allowed_sql, params, limit, offset):
    query = _tsquery(words, phrases)
    narrowed = f"AND e.resource_id IN ({allowed_sql})" if allowed_sql else ""
    options = (
        f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=' … '"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH q AS (SELECT to_tsquery('english', %s) AS q),
            candidates AS (
                SELECT e.resource_id, e.key_points, e.document FROM library_searchentry e, q
                WHERE e.document @@ q.q {narrowed}
                LIMIT {CANDIDATES}
            ),
            ranked AS (
                SELECT c.resource_id, c.key_points, ts_rank(c.document, q.q, 1) AS rank, count(*) OVER () AS total
                FROM candidates c, q ORDER BY rank DESC, c.resource_id LIMIT %s OFFSET %s
            )
            SELECT r.resource_id, r.rank, ts_headline('english', r.key_points, q.q, %s), r.total
            FROM ranked r, q ORDER BY r.rank DESC, r.resource_id
            """,
            [query, *params, limit, offset, options],
        )
        fetched = cursor.fetchall()
    total = fetched[0][3] if fetched else 0
    return [(pk, rank, snippet) for pk, rank, snippet, _ in fetched], total


def item_hits(text: str, limit: int) -> list[ItemHit]:
    """The catalogue's view of a search (`records.search`): each resource's item and current version."""
    results = search(text, limit=limit)
    current = {
        v.resource_id: v.item_version
        for v in ResourceVersion.objects.filter(
            resource__in=[h.resource.pk for h in results.hits], status=VersionStatus.PUBLISHED
        ).select_related("item_version")
    }
    hits = []
    for h in results.hits:
        version = current.get(h.resource.pk)
        hits.append(
            ItemHit(
                item_id=h.resource.item_id,
                version_id=version.pk if version else None,
                title=h.resource.item.title,
                version_label=version.label if version else "",
                snippet=h.snippet,
                rank=h.rank,
            )
        )
    return hits
