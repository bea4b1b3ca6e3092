"""Build the SQL of an interaction search: a pure function of the request.

Two plans:
- with search text, FTS5 `MATCH` joined to the interactions, ranked by bm25 (subject weighs
  twice the content) among the RANKED_CANDIDATES matches stored last, or ordered by time;
- without text, the interactions table alone, newest first through the (occurred_at, id) index.
Filters become bound parameters; nothing from the user is pasted into the SQL text.
Pages are keyset pages: the cursor holds the sort key of the last row shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub.search.syntax import SearchQuery, fts_match_expression

SNIPPET_START = "\x01"
SNIPPET_END = "\x02"
SNIPPET_TOKENS = 24
# Most matches a relevance search ranks: the ones stored last. Ranking all matches of a word
# in most interactions took 150 ms per 200,000 interactions (bench/search.py, 2 cores);
# 5,000 take about 20 ms at any size.
RANKED_CANDIDATES = 5000
_SNIPPET = f"snippet(interactions_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', {SNIPPET_TOKENS})"

INTERACTION_COLUMNS = (
    "i.id, i.source, i.source_id, i.type, i.occurred_at, i.utc_offset_minutes, i.direction,"
    " i.duration_seconds, i.subject, i.thread_id"
)


@dataclass
class SearchPlan:
    query: SearchQuery
    sort: str  # "relevance" or "time"
    limit: int
    contact_id: int | None = None
    # For each with: filter, the contact ids it matched (any of them must take part).
    with_contact_ids: list[list[int]] = field(default_factory=list)
    # Keyset position after the last row of the previous page: (sort value, id).
    after: tuple[float | int, int] | None = None


def build_search_sql(plan: SearchPlan) -> tuple[str, list[Any]]:
    """Return the SQL and parameters that fetch one page (limit + 1 rows, to see if more exist)."""
    if plan.query.has_text:
        return _text_search_sql(plan)

    where: list[str] = []
    params: list[Any] = []
    select = (
        f"SELECT {INTERACTION_COLUMNS}, 0 AS relevance,"
        " substr(coalesce(i.content, i.subject, ''), 1, 200) AS snippet FROM interactions i"
    )
    _add_filters(plan, where, params)
    if plan.after is not None:
        where.append("(i.occurred_at < ? OR (i.occurred_at = ? AND i.id < ?))")
        params.extend([plan.after[0], plan.after[0], plan.after[1]])

    sql = select
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?"
    params.append(plan.limit + 1)
    return sql, params


def _text_search_sql(plan: SearchPlan) -> tuple[str, list[Any]]:
    match = fts_match_expression(plan.query.terms)
    where = ["interactions_fts MATCH ?"]
    params: list[Any] = [match]
    _add_filters(plan, where, params)
    if plan.sort == "relevance":
        return _ranked_sql(plan, where, params)
    return _newest_sql(plan, where, params, match)


def _ranked_sql(plan: SearchPlan, where: list[str], params: list[Any]) -> tuple[str, list[Any]]:
    """Rank by bm25 the RANKED_CANDIDATES matches stored last, in one query with snippets.

    The lower rowid bound comes from a scan in rowid order, which FTS5 runs without
    computing bm25 for the rows it skips; the bound goes to FTS5 as a rowid range.
    """
    matches = "FROM interactions_fts JOIN interactions i ON i.id = interactions_fts.rowid WHERE " + " AND ".join(where)
    bound = (
        f"coalesce((SELECT interactions_fts.rowid {matches} ORDER BY interactions_fts.rowid DESC"
        f" LIMIT 1 OFFSET {RANKED_CANDIDATES - 1}), 0)"
    )
    params = params + params  # the bound's subquery repeats the match and the filters
    conditions = [*where, f"interactions_fts.rowid >= {bound}"]
    if plan.after is not None:
        conditions.append("(interactions_fts.rank > ? OR (interactions_fts.rank = ? AND i.id > ?))")
        params.extend([plan.after[0], plan.after[0], plan.after[1]])
    params.append(plan.limit + 1)

    # The FTS5 `rank` column is bm25 with the weights set in the schema migration.
    sql = (
        f"SELECT {INTERACTION_COLUMNS}, interactions_fts.rank AS relevance, {_SNIPPET} AS snippet"
        " FROM interactions_fts JOIN interactions i ON i.id = interactions_fts.rowid"
        f" WHERE {' AND '.join(conditions)} ORDER BY interactions_fts.rank, i.id LIMIT ?"
    )
    return sql, params


def _newest_sql(plan: SearchPlan, where: list[str], params: list[Any], match: str) -> tuple[str, list[Any]]:
    """Pick the page's ids newest first, then build snippets for those rows only.

    snippet() in the same SELECT as the ORDER BY would run for every match before the sort:
    for a word in most interactions that was over half of the query's time.
    """
    page = (
        "SELECT i.id AS id FROM interactions_fts JOIN interactions i ON i.id = interactions_fts.rowid WHERE "
        + " AND ".join(where)
    )
    if plan.after is not None:
        page += " AND (i.occurred_at < ? OR (i.occurred_at = ? AND i.id < ?))"
        params.extend([plan.after[0], plan.after[0], plan.after[1]])
    page += " ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?"
    params.extend([plan.limit + 1, match])

    sql = (
        f"WITH page AS ({page}) SELECT {INTERACTION_COLUMNS}, interactions_fts.rank AS relevance,"
        f" {_SNIPPET} AS snippet FROM page JOIN interactions i ON i.id = page.id"
        " JOIN interactions_fts ON interactions_fts.rowid = page.id"
        " WHERE interactions_fts MATCH ? ORDER BY i.occurred_at DESC, i.id DESC"
    )
    return sql, params


def _add_filters(plan: SearchPlan, where: list[str], params: list[Any]) -> None:
    query = plan.query
    if query.sources:
        where.append(f"i.source IN ({', '.join('?' * len(query.sources))})")
        params.extend(query.sources)
    if query.types:
        where.append(f"i.type IN ({', '.join('?' * len(query.types))})")
        params.extend(query.types)
    if query.since is not None:
        where.append("i.occurred_at >= ?")
        params.append(int(query.since.timestamp()))
    if query.until is not None:
        where.append("i.occurred_at < ?")
        params.append(int(query.until.timestamp()))

    contact_sets = list(plan.with_contact_ids)
    if plan.contact_id is not None:
        contact_sets.append([plan.contact_id])
    for contact_ids in contact_sets:
        where.append(
            "EXISTS (SELECT 1 FROM interaction_participants p JOIN handles h ON h.id = p.handle_id"
            f" WHERE p.interaction_id = i.id AND h.contact_id IN ({', '.join('?' * len(contact_ids))}))"
        )
        params.extend(contact_ids)


def split_snippet(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Turn a snippet with FTS5 markers into plain text and (start, end) character offsets."""
    text: list[str] = []
    highlights: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in marked:
        if char == SNIPPET_START:
            start = length
        elif char == SNIPPET_END:
            if start is not None and length > start:
                highlights.append((start, length))
            start = None
        else:
            text.append(char)
            length += 1
    return "".join(text), highlights
