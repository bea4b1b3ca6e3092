"""Run interaction searches and fetch interactions: the query layer of API, bot and web."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hub.contacts.queries import find_contact_ids
from hub.cursor import InvalidCursor, decode_cursor, encode_cursor
from hub.search.sql import SearchPlan, build_search_sql, split_snippet
from hub.search.syntax import SearchQuery
from hub.storage.readers import ReadPool
from hub.timefmt import rfc3339

SORTS = ("relevance", "time")
# Cursor kinds: a newest-first cursor contains the search key of the last row
# (hub/search/keys.py), a ranked one its relevance and id.
_RANKED_CURSOR = "search-relevance"
_NEWEST_CURSOR = "search-newest"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InteractionNotFound(LookupError):
    def __init__(self, interaction_id: int) -> None:
        super().__init__(f"interaction {interaction_id} not found")


@dataclass
class SearchPage:
    hits: list[dict[str, Any]]
    next_cursor: str | None
    sort: str


async def search_interactions(reader: ReadPool, query: SearchQuery, *, sort: str | None = None,
                              limit: int = DEFAULT_LIMIT, cursor: str | None = None,
                              contact_id: int | None = None) -> SearchPage:
    """Return one page of interactions matching `query`, newest first or by relevance.

    Raises hub.cursor.InvalidCursor for a foreign cursor and QueryTimeout past the budget.
    """
    sort = sort or ("relevance" if query.has_text else "time")
    if sort == "relevance" and not query.has_text:
        sort = "time"

    plan = SearchPlan(query=query, sort=sort, limit=limit, contact_id=contact_id)
    for text in query.with_contacts:
        matched = await find_contact_ids(reader, text)
        if not matched:
            return SearchPage([], None, sort)
        plan.with_contact_ids.append(matched)
    if cursor:
        plan.after = _decode_position(cursor, sort)
    if contact_id is not None and query.has_text:
        await _count_for_plan(reader, plan, contact_id)

    sql, params = build_search_sql(plan)
    rows = await reader.fetch_all(sql, params)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        if sort == "relevance":
            next_cursor = encode_cursor(_RANKED_CURSOR, [last["relevance"], last["id"]])
        else:
            next_cursor = encode_cursor(_NEWEST_CURSOR, [last["search_key"]])

    participants = await participants_of(reader, [int(row["id"]) for row in rows])
    hits = [_hit(row, participants.get(int(row["id"]), []), query.has_text) for row in rows]
    return SearchPage(hits, next_cursor, sort)


def _decode_position(cursor: str, sort: str) -> tuple[float | int, ...]:
    """Return the keyset position in a cursor of this sort; raise InvalidCursor otherwise."""
    if sort == "relevance":
        relevance, last_id = decode_cursor(cursor, _RANKED_CURSOR, 2)
        return (relevance, int(last_id))
    (search_key,) = decode_cursor(cursor, _NEWEST_CURSOR, 1)
    if not isinstance(search_key, int):
        raise InvalidCursor("is not a cursor returned by this API")
    return (search_key,)


async def _count_for_plan(reader: ReadPool, plan: SearchPlan, contact_id: int) -> None:
    """Fill in the counts that choose between walking the contact and walking FTS5."""
    row = await reader.fetch_one("SELECT interaction_count FROM contacts WHERE id = ?", [contact_id])
    plan.contact_interactions = int(row["interaction_count"]) if row is not None else 0
    # max(id) instead of count(*): an estimate is enough, and it reads one index entry.
    total = await reader.fetch_one("SELECT coalesce(max(id), 0) AS n FROM interactions", [])
    plan.total_interactions = int(total["n"]) if total is not None else 0


async def get_interaction(reader: ReadPool, interaction_id: int) -> dict[str, Any]:
    """The whole interaction: content, metadata and participants."""
    row = await reader.fetch_one("SELECT * FROM interactions WHERE id = ?", [interaction_id])
    if row is None:
        raise InteractionNotFound(interaction_id)
    participants = await participants_of(reader, [interaction_id])
    result = _base(row)
    result["content"] = row["content"]
    result["metadata"] = json.loads(row["metadata"])
    result["participants"] = participants.get(interaction_id, [])
    return result


async def participants_of(reader: ReadPool, interaction_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not interaction_ids:
        return {}
    rows = await reader.fetch_all(
        "SELECT p.interaction_id, p.role, p.name, h.kind, h.value, c.id AS contact_id, c.name AS contact_name"
        " FROM interaction_participants p JOIN handles h ON h.id = p.handle_id"
        " JOIN contacts c ON c.id = h.contact_id"
        f" WHERE p.interaction_id IN ({', '.join('?' * len(interaction_ids))})",
        interaction_ids,
    )
    result: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        result.setdefault(int(row["interaction_id"]), []).append({
            "contact_id": row["contact_id"],
            "contact_name": row["contact_name"],
            "kind": row["kind"],
            "handle": row["value"],
            "name": row["name"],
            "role": row["role"],
        })
    return result


def _base(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "source": row["source"],
        "source_id": row["source_id"],
        "type": row["type"],
        "occurred_at": rfc3339(row["occurred_at"], row["utc_offset_minutes"]),
        "direction": row["direction"],
        "duration_seconds": row["duration_seconds"],
        "subject": row["subject"],
        "thread_id": row["thread_id"],
    }


def _hit(row: Any, participants: list[dict[str, Any]], highlighted: bool) -> dict[str, Any]:
    hit = _base(row)
    if highlighted:
        text, highlights = split_snippet(row["snippet"] or "")
    else:
        text, highlights = row["snippet"] or "", []
    hit["snippet"] = {"text": text, "highlights": [list(span) for span in highlights]}
    if highlighted:
        hit["relevance"] = row["relevance"]
    contacts: dict[int, str] = {}
    for participant in participants:
        contacts.setdefault(participant["contact_id"], participant["contact_name"])
    hit["contacts"] = [{"id": cid, "name": name} for cid, name in contacts.items()]
    return hit
