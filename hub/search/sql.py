"""Build the SQL of an interaction search: a pure function of the request.

The FTS5 rowid of an interaction is its search key (hub/search/keys.py), ordered by
occurred_at. Plans:
- newest first with search text: FTS5 walks its doclist by descending rowid and stops after
  one page; a date filter is a rowid range. With a contact filter and a contact in few
  interactions, the contact's interactions are tested against the FTS5 query instead;
- ranked: bm25 (subject weighs twice the content) among the RANKED_CANDIDATES newest matches
  that pass the filters, or among all matches of a contact in few interactions;
- without text, the interactions table alone, newest first through the search key index.
Filters become bound parameters; nothing from the user is pasted into the SQL text.
Pages are keyset pages: the cursor holds the sort key of the last row shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from hub.search.keys import first_key_at
from hub.search.syntax import SearchQuery, fts_match_expression

SNIPPET_START = "\x01"
SNIPPET_END = "\x02"
SNIPPET_TOKENS = 24
# Most matches a relevance search ranks: the newest ones. Ranking all matches of a word in
# most interactions took 150 ms per 200,000 interactions (bench/search.py, 2 cores); 5,000
# take about 20 ms at any size.
RANKED_CANDIDATES = 5000
# Testing one interaction of a contact against the FTS5 query (a seek in each doclist)
# took 15-80 us, and checking one FTS5 match for the contact 1.5-2 us, on the data of
# bench/search.py at 200,000 interactions on 2 cores. So a seek costs about 16 checks.
SEEK_COST_IN_CHECKS = 16
_SNIPPET = f"snippet(interactions_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', {SNIPPET_TOKENS})"

INTERACTION_COLUMNS = (
    "i.id, i.source, i.source_id, i.type, i.occurred_at, i.utc_offset_minutes, i.direction,"
    " i.duration_seconds, i.subject, i.thread_id, i.search_key"
)


@dataclass
class SearchPlan:
    query: SearchQuery
    sort: str  # "relevance" or "time"
    limit: int
    contact_id: int | None = None
    # For each with: filter, the contact ids it matched (any of them must take part).
    with_contact_ids: list[list[int]] = field(default_factory=list)
    # Keyset position after the last row of the previous page: (relevance, id) when ranked,
    # (search key,) newest first.
    after: tuple[float | int, ...] | None = None
    # For the choice of plan: contacts.interaction_count of contact_id, and about how many
    # interactions are stored.
    contact_interactions: int | None = None
    total_interactions: int = 0


def walks_contact(plan: SearchPlan) -> bool:
    """Return whether testing each of the contact's interactions against FTS5 is cheaper.

    When matches are spread evenly, walking the FTS5 matches newest first checks about
    (limit + 1) * total / count of them before the page is full. Walking the contact costs
    count seeks. The count is capped at RANKED_CANDIDATES, so a ranked search that walks the
    contact ranks all of the contact's matches.
    """
    count = plan.contact_interactions
    if plan.contact_id is None or count is None:
        return False
    walk_limit = math.sqrt((plan.limit + 1) * max(plan.total_interactions, 1) / SEEK_COST_IN_CHECKS)
    return count <= min(walk_limit, RANKED_CANDIDATES)


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
    _add_filters(plan, where, params, "i.search_key")
    _add_contact_filters(plan, where, params, include_contact=True)
    if plan.after is not None:
        where.append("i.search_key < ?")
        params.append(plan.after[0])

    sql = select
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY i.search_key DESC LIMIT ?"
    params.append(plan.limit + 1)
    return sql, params


def _text_search_sql(plan: SearchPlan) -> tuple[str, list[Any]]:
    match = fts_match_expression(plan.query.terms)
    if plan.sort == "relevance":
        return _ranked_sql(plan, match)
    return _newest_sql(plan, match)


def _newest_sql(plan: SearchPlan, match: str) -> tuple[str, list[Any]]:
    """Pick the page's keys newest first, then build snippets for those rows only.

    snippet() in the same SELECT as the ORDER BY would run for every match before the sort:
    for a word in most interactions that was over half of the query's time.
    """
    source, where, params, key = _matches(plan, match)
    if plan.after is not None:
        where.append(f"{key} < ?")
        params.append(plan.after[0])
    page = f"SELECT {key} AS key {source} WHERE {' AND '.join(where)} ORDER BY {key} DESC LIMIT ?"
    params.append(plan.limit + 1)
    return _with_snippets(page, params, match, "interactions_fts.rank", "ORDER BY i.search_key DESC")


def _ranked_sql(plan: SearchPlan, match: str) -> tuple[str, list[Any]]:
    """Rank by bm25 the RANKED_CANDIDATES newest matches that pass the filters.

    Without filters, the lower rowid bound comes from a scan in rowid order, which FTS5
    runs without computing bm25 for the rows it skips. The bound goes to FTS5 as a rowid
    range. Filters on a FTS5 walk go to _ranked_filtered_sql. A contact walk collects its
    matches first and ranks them in one FTS5 scan over their rowid range.
    """
    source, where, params, key = _matches(plan, match)
    if source.startswith("FROM interactions_fts JOIN"):
        return _ranked_filtered_sql(plan, match, source, where, params)
    if source != "FROM interactions_fts":
        # A contact walk: collect the candidates once, so the ranking scan need not test
        # the filters again on every match in their range.
        candidates = (
            f"SELECT {key} AS key {source} WHERE {' AND '.join(where)}"
            f" ORDER BY {key} DESC LIMIT {RANKED_CANDIDATES}"
        )
        prefix = f"WITH candidates AS MATERIALIZED ({candidates}) "
        source = "FROM interactions_fts"
        where = [
            "interactions_fts MATCH ?",
            "interactions_fts.rowid >= (SELECT min(key) FROM candidates)",
            "interactions_fts.rowid <= (SELECT max(key) FROM candidates)",
            "+interactions_fts.rowid IN (SELECT key FROM candidates)",
        ]
        params.append(match)
    else:
        prefix = ""
        # The main query gets one lower rowid bound, the later of the date filter's and the
        # candidates': FTS5 uses one lower bound and would rank all matches above the other.
        lower = first_key_at(int(plan.query.since.timestamp())) if plan.query.since is not None else -(2**63)
        bound = (
            f"coalesce((SELECT {key} {source} WHERE {' AND '.join(where)}"
            f" ORDER BY {key} DESC LIMIT 1 OFFSET {RANKED_CANDIDATES - 1}), ?)"
        )
        bound_params = [*params, lower]
        _, where, params, _ = _matches(replace(plan, query=replace(plan.query, since=None)), match)
        where = [*where, f"interactions_fts.rowid >= {bound}"]
        params = [*params, *bound_params]
    if plan.after is not None:
        where.append("(interactions_fts.rank > ? OR (interactions_fts.rank = ? AND i.id > ?))")
        params.extend([plan.after[0], plan.after[0], plan.after[1]])
    if "interactions i " not in source:  # the ranking's tie-break needs i.id
        source += " JOIN interactions i ON i.search_key = interactions_fts.rowid"

    # The FTS5 `rank` column is bm25 with the weights set in the schema migration.
    page = f"{prefix}SELECT interactions_fts.rowid AS key, interactions_fts.rank AS relevance {source}" \
           f" WHERE {' AND '.join(where)} ORDER BY interactions_fts.rank, i.id LIMIT ?"
    params.append(plan.limit + 1)
    # The page carries its bm25: computing it again would count each term's matches again.
    return _with_snippets(page, params, match, "page.relevance", "ORDER BY relevance, i.id")


def _ranked_filtered_sql(plan: SearchPlan, match: str, source: str, where: list[str],
                         params: list[Any]) -> tuple[str, list[Any]]:
    """Rank the newest matches that pass filters as FTS5 walks them, in one FTS5 query.

    FTS5 walks by descending rowid and stops at RANKED_CANDIDATES rows that pass, and bm25
    is computed for those rows only: a second scan would check the phrase positions of
    every match in their range again.
    """
    candidates = (
        f"SELECT interactions_fts.rowid AS key, interactions_fts.rank AS relevance, i.id AS id {source}"
        f" WHERE {' AND '.join(where)} ORDER BY interactions_fts.rowid DESC LIMIT {RANKED_CANDIDATES}"
    )
    conditions = ""
    if plan.after is not None:
        conditions = " WHERE relevance > ? OR (relevance = ? AND id > ?)"
        params = [*params, plan.after[0], plan.after[0], plan.after[1]]
    page = (
        f"WITH candidates AS MATERIALIZED ({candidates}) SELECT key, relevance FROM candidates{conditions}"
        " ORDER BY relevance, id LIMIT ?"
    )
    params = [*params, plan.limit + 1]
    return _with_snippets(page, params, match, "page.relevance", "ORDER BY relevance, i.id")


def _matches(plan: SearchPlan, match: str) -> tuple[str, list[str], list[Any], str]:
    """Return the FROM clause, conditions, parameters and key column of the filtered matches."""
    where: list[str] = []
    params: list[Any] = []
    if walks_contact(plan):
        # The contact's interactions drive the query, and each is looked up in FTS5 by rowid.
        # The lookup requests no bm25, which would count each term's matches at every lookup.
        source = "FROM interactions i"
        where.append(
            "i.id IN (SELECT p.interaction_id FROM interaction_participants p JOIN handles h"
            " ON h.id = p.handle_id WHERE h.contact_id = ?)"
        )
        params.append(plan.contact_id)
        where.append(
            "EXISTS (SELECT 1 FROM interactions_fts WHERE interactions_fts MATCH ?"
            " AND interactions_fts.rowid = i.search_key)"
        )
        params.append(match)
        _add_filters(plan, where, params, "i.search_key")
        _add_contact_filters(plan, where, params, include_contact=False)
        return source, where, params, "i.search_key"

    where.append("interactions_fts MATCH ?")
    params.append(match)
    _add_filters(plan, where, params, "interactions_fts.rowid")
    _add_contact_filters(plan, where, params, include_contact=True)
    source = "FROM interactions_fts"
    query = plan.query
    if query.sources or query.types or plan.with_contact_ids or plan.contact_id is not None:
        source += " JOIN interactions i ON i.search_key = interactions_fts.rowid"
    return source, where, params, "interactions_fts.rowid"


def _with_snippets(page: str, params: list[Any], match: str, relevance: str, order: str) -> tuple[str, list[Any]]:
    """Wrap a query of the page's keys: fetch those rows with relevance and snippets.

    bm25 counts each term's matches over the whole index once per FTS5 query. So the
    newest-first page gets it from one FTS5 scan over the page's rowid range, where the
    unary + keeps the IN list from becoming a lookup per key. A ranked page brings its bm25
    along, and each row is looked up by rowid for its snippet alone.
    """
    if relevance == "interactions_fts.rank":
        # TODO: that count is most of a newest-first page's time for a phrase of common words
        # (about 100 ms at 1,000,000 interactions). Keeping the counts per index would avoid it.
        rows = (
            "FROM interactions_fts JOIN interactions i ON i.search_key = interactions_fts.rowid"
            " WHERE interactions_fts MATCH ? AND interactions_fts.rowid >= (SELECT min(key) FROM page)"
            " AND interactions_fts.rowid <= (SELECT max(key) FROM page)"
            " AND +interactions_fts.rowid IN (SELECT key FROM page)"
        )
    else:
        rows = (
            "FROM page CROSS JOIN interactions_fts ON interactions_fts.rowid = page.key"
            " JOIN interactions i ON i.search_key = page.key WHERE interactions_fts MATCH ?"
        )
    sql = (
        f"WITH page AS MATERIALIZED ({page}) SELECT {INTERACTION_COLUMNS}, {relevance} AS relevance,"
        f" {_SNIPPET} AS snippet {rows} {order}"
    )
    return sql, [*params, match]


def _add_filters(plan: SearchPlan, where: list[str], params: list[Any], key_column: str) -> None:
    """Add the source, type and date filters; dates become a range of `key_column`."""
    query = plan.query
    if query.sources:
        where.append(f"i.source IN ({', '.join('?' * len(query.sources))})")
        params.extend(query.sources)
    if query.types:
        where.append(f"i.type IN ({', '.join('?' * len(query.types))})")
        params.extend(query.types)
    if query.since is not None:
        where.append(f"{key_column} >= ?")
        params.append(first_key_at(int(query.since.timestamp())))
    if query.until is not None:
        where.append(f"{key_column} < ?")
        params.append(first_key_at(int(query.until.timestamp())))


def _add_contact_filters(plan: SearchPlan, where: list[str], params: list[Any], include_contact: bool) -> None:
    contact_sets = list(plan.with_contact_ids)
    if plan.contact_id is not None and include_contact:
        contact_sets.append([plan.contact_id])
    for contact_ids in contact_sets:
        # The handle ids are a constant list, evaluated once: each row costs one index seek.
        where.append(
            "EXISTS (SELECT 1 FROM interaction_participants p WHERE p.interaction_id = i.id AND p.handle_id IN"
            f" (SELECT h.id FROM handles h WHERE h.contact_id IN ({', '.join('?' * len(contact_ids))})))"
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
