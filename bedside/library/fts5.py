"""The k best matches of a question in the SQLite FTS5 index, by weighted bm25, exactly, without
ranking every match.

Ranking costs per matched row, and a common word (in 10-50% of the documents) matches tens of
thousands: ranking `a OR b OR c` over 50,000 documents walks most of them. Yet a document scores
less than the sum of (k1 + 1) * IDF over the words it holds (bm25's term score saturates below
that, whatever the column weights), so once k documents scoring at least T are in hand, only a
document holding a group of words whose bounds add up to T can still enter the top k.

So the rarer words (and synonym phrases) lead: `(rare) AND (common OR every row)` ranks only the
documents holding a rare word, yet scores each with all the words, as the full search would (the
every-row column weighs 0), and gives k documents and their k-th score T. A document without a
rare word can then enter the top k only if it holds a group of common words whose bounds add up
to T; most questions have no such group, and the rest have a group or two of two or three common
words, held together by a few hundred documents where each alone has thousands. Each group is
ranked the same way (`a AND b AND (the others OR every row)`; groups of one word in one query)
and the best of all these are the answer. Where the groups would cost about as much as ranking
every match, the full search runs. Every query names each word once, so each document scores
what the full search gives it (ranks are rounded to 9 places: the order of the words in a query
moves the last bits of the sum).

Words in half the documents or more get bm25's floor IDF (1e-6) and move no score: they are left
out of the match (unless the question has nothing else). A question of nothing else would have
every document scoring ~0, so it is ranked over the titles and tags (then the key points), where
such a word says what a document is about, rather than by ordering noise over the whole index.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

BM25 = "bm25(library_search_fts, 10.0, 4.0, 1.0, 8.0, 1.0, 0.0)"
K1 = 1.2  # FTS5's bm25 constant: a word adds less than (k1 + 1) * its IDF to any score
EVERY_ROW = 'everything : "ω"'  # the token in every row's sixth column (migration 0004)
SHORT_COLUMNS = ["{title tags}", "{title key_points tags}"]  # where a question of common words is ranked
RARE = 0.10  # terms in at most this share of the documents (or the rarest, if none is) lead the ranking
LEAD_ROWS = 5000  # rare terms held by more documents than this: the rarest together seed the ranking
SEED_ROWS = 100  # the seed holds as many of the rarest terms as leave this many documents expected
MAX_GROUP_TERMS = 8  # more words than this: the full search (groups grow as 2 ** words)
GROUPS_COST = 0.5  # groups expected to rank more than this share of all matches: the full search


def terms(words: list[str], phrases: list[list[str]]) -> list[str]:
    """FTS5 phrases for a question's words and synonym phrases, each once. Words are [a-z0-9]+
    only, so quoting them is all FTS5 needs (and none is the every-row token)."""
    return list(dict.fromkeys([f'"{w}"' for w in words] + ['"' + " ".join(p) + '"' for p in phrases]))


def any_of(terms: list[str]) -> str:
    return " OR ".join(terms)


def top(cursor, match: str, narrowed: str, params: list, k: int) -> list[tuple[int, float]]:
    """The k best (rowid, bm25) of `match`, best (lowest) first."""
    cursor.execute(
        f"""SELECT rowid, {BM25} AS rank FROM library_search_fts
        WHERE library_search_fts MATCH %s {narrowed} ORDER BY rank, rowid LIMIT %s""",
        [match, *params, k],
    )
    return cursor.fetchall()


def document_counts(cursor, terms: list[str]) -> tuple[int, dict[str, int]]:
    """How many documents there are, and how many hold each term (FTS5 counts without ranking), in
    one statement."""
    held = " ".join(
        ", (SELECT count(*) FROM library_search_fts WHERE library_search_fts MATCH %s)" for _ in terms
    )
    cursor.execute(f"SELECT (SELECT count(*) FROM library_searchentry){held}", terms)
    documents, *counts = cursor.fetchone()
    return documents, dict(zip(terms, counts, strict=True))


def idf(count: int, documents: int) -> float:
    """FTS5's bm25 IDF of a term in `count` of `documents` documents."""
    return max(1e-6, math.log((documents - count + 0.5) / (count + 0.5)))


def holding(group: list[str] | tuple[str, ...], terms: list[str]) -> str:
    """The documents holding every term of `group`, scored with all `terms`."""
    others = [t for t in terms if t not in group]
    held = " AND ".join(group)
    return f"{held} AND ({any_of(others)} OR {EVERY_ROW})" if others else held


def groups_reaching(bounds: dict[str, float], threshold: float) -> list[tuple[str, ...]] | None:
    """The smallest groups of terms whose bounds together reach `threshold` (with a margin for
    rounding): a document holding none of them scores below it. None when there are too many
    terms to try every group."""
    if len(bounds) > MAX_GROUP_TERMS:
        return None
    groups: list[tuple[str, ...]] = []
    for size in range(1, len(bounds) + 1):
        for group in itertools.combinations(bounds, size):
            if any(set(g) <= set(group) for g in groups):
                continue
            if sum(bounds[t] for t in group) * 1.001 + 1e-6 >= threshold:
                groups.append(group)
    return groups


@dataclass
class _Search:
    """One question's ranking: its informative terms, their document counts and the filter."""

    cursor: object
    terms: list[str]
    counts: dict[str, int]
    documents: int
    narrowed: str
    params: list
    k: int

    @property
    def full(self) -> str:
        return any_of(self.terms)

    def top(self, match: str, within: str = "") -> list[tuple[int, float]]:
        """`top`, ranks rounded: the order of the terms in a query moves the last bits of the sum."""
        narrowed, params = self.narrowed, self.params
        if within:
            narrowed += (
                " AND +rowid IN (SELECT rowid FROM library_search_fts WHERE library_search_fts MATCH %s)"
            )
            params = [*params, within]
        return [(rowid, round(rank, 9)) for rowid, rank in top(self.cursor, match, narrowed, params, self.k)]

    def expected(self, group) -> float:
        """Documents expected to hold every term of `group` (as if the terms were independent)."""
        return self.documents * math.prod(self.counts[t] / self.documents for t in group)

    def bound(self, term: str) -> float:
        return (K1 + 1) * idf(self.counts[term], self.documents)


def ranked(
    cursor, terms: list[str], narrowed: str, params: list, k: int
) -> tuple[list[tuple[int, float]], str]:
    """The k best (rowid, bm25) of every document matching any of `terms`, and the match that
    finds them all (for counting and snippets). `narrowed`: SQL added to each query's WHERE."""
    documents, counts = document_counts(cursor, terms)
    held = [t for t in terms if counts[t]]
    if not held:
        return [], any_of(terms)
    informative = [t for t in held if 2 * counts[t] < documents]
    if not informative:
        full = any_of(held)
        for columns in SHORT_COLUMNS:
            rows = top(cursor, f"{columns} : ({full})", narrowed, params, k)
            if len(rows) >= k:
                return rows, full
        return top(cursor, full, narrowed, params, k), full
    search = _Search(cursor, informative, counts, documents, narrowed, params, k)
    return _best(search), search.full


def _best(search: _Search) -> list[tuple[int, float]]:
    terms, counts = search.terms, search.counts
    cut = max(RARE * search.documents, min(counts[t] for t in terms))
    rare = [t for t in terms if counts[t] <= cut]
    common = [t for t in terms if counts[t] > cut]
    plans = []
    if sum(counts[t] for t in rare) > LEAD_ROWS and len(terms) > 1:
        seed = sorted(terms, key=counts.__getitem__)
        while len(seed) > 1 and search.expected(seed) < SEED_ROWS:
            seed.pop()
        plans.append((holding(seed, terms), " AND ".join(seed), terms, seed))
    if common:
        plans.append((f"({any_of(rare)}) AND ({any_of(common)} OR {EVERY_ROW})", any_of(rare), common, []))
    for first, firsts, pruned, seed in plans:
        rows = _pruned(search, first, firsts, pruned, seed)
        if rows is not None:
            return rows
    return search.top(search.full)


def _pruned(search: _Search, first: str, firsts: str, pruned: list[str], seed: list[str]):
    """Rank `first`, then whatever else could reach its k-th score: the documents holding a group
    of `pruned` terms whose bounds add up to it, but not `firsts` (what `first` ranked already).
    None when that would cost about as much as the full search."""
    found = dict(search.top(first))
    if len(found) < search.k:
        return None
    threshold = -sorted(found.values())[search.k - 1]
    groups = groups_reaching({t: search.bound(t) for t in pruned}, threshold)
    if groups is None:
        return None
    if seed:
        groups = [g for g in groups if not set(seed) <= set(g)]  # held by the seed: ranked already
    if groups:
        cost = sum(search.expected(g) for g in groups)
        if cost > GROUPS_COST * sum(search.counts[t] for t in search.terms):
            return None
        held = " OR ".join("(" + " AND ".join(g) + ")" for g in groups)
        found.update(search.top(search.full, within=f"({held}) NOT ({firsts})"))
    return sorted(found.items(), key=lambda row: (row[1], row[0]))[: search.k]
