"""Read-side contact queries: list, search, one contact's card. Shared by API, bot and web."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.cursor import decode_cursor, encode_cursor
from hub.storage.readers import ReadPool
from hub.text import fold
from hub.timefmt import rfc3339

CONTACT_SORTS = ("name", "last_interaction", "score")
MAX_PAGE = 200


class ContactNotFound(LookupError):
    def __init__(self, contact_id: int) -> None:
        super().__init__(f"contact {contact_id} not found")
        self.contact_id = contact_id


@dataclass
class ContactPage:
    contacts: list[dict[str, Any]]
    next_cursor: str | None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_condition(text: str) -> tuple[str, list[Any]]:
    """Contacts whose name, or one of whose handles, contains `text` (case and accents ignored)."""
    pattern = _like_pattern(fold(text))
    return (
        "(c.search_name LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM handles h"
        " WHERE h.contact_id = c.id AND lower(h.value) LIKE ? ESCAPE '\\'))",
        [pattern, pattern],
    )


async def find_contact_ids(reader: ReadPool, text: str, limit: int = 50) -> list[int]:
    condition, params = _search_condition(text)
    rows = await reader.fetch_all(
        f"SELECT c.id FROM contacts c WHERE {condition} ORDER BY c.last_interaction_at DESC LIMIT ?",
        [*params, limit],
    )
    return [int(row[0]) for row in rows]


async def list_contacts(reader: ReadPool, *, q: str | None, sort: str, limit: int,
                        cursor: str | None) -> ContactPage:
    """One page of contacts; `sort` is "name" (A-Z), "last_interaction" or "score" (highest first).

    "score" orders by the stored activity score key (hub/scores/): contacts without a score
    come last, equal scores by contact id.
    """
    where: list[str] = []
    params: list[Any] = []
    if q:
        condition, condition_params = _search_condition(q)
        where.append(condition)
        params.extend(condition_params)

    sql = "SELECT c.* FROM contacts c"
    if sort == "name":
        order = "c.search_name, c.id"
        if cursor:
            name, last_id = decode_cursor(cursor, "contacts-name", 2)
            where.append("(c.search_name > ? OR (c.search_name = ? AND c.id > ?))")
            params.extend([name, name, last_id])
    elif sort == "score":
        sql = "SELECT c.*, s.score_key FROM contacts c LEFT JOIN contact_scores s ON s.contact_id = c.id"
        order = "s.score_key DESC NULLS LAST, c.id"
        if cursor:
            condition, cursor_params = _after_score(cursor)
            where.append(condition)
            params.extend(cursor_params)
    else:
        # Contacts with no interaction yet come last: -1 sorts below every timestamp.
        order = "coalesce(c.last_interaction_at, -1) DESC, c.id DESC"
        if cursor:
            last_at, last_id = decode_cursor(cursor, "contacts-last", 2)
            where.append(
                "(coalesce(c.last_interaction_at, -1) < ?"
                " OR (coalesce(c.last_interaction_at, -1) = ? AND c.id < ?))"
            )
            params.extend([last_at, last_at, last_id])

    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order} LIMIT ?"
    rows = await reader.fetch_all(sql, [*params, limit + 1])

    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        if sort == "name":
            next_cursor = encode_cursor("contacts-name", [last["search_name"], last["id"]])
        elif sort == "score":
            next_cursor = encode_cursor("contacts-score", [last["score_key"], last["id"]])
        else:
            last_at = last["last_interaction_at"] if last["last_interaction_at"] is not None else -1
            next_cursor = encode_cursor("contacts-last", [last_at, last["id"]])

    handles = await _handles_of(reader, [int(row["id"]) for row in rows])
    return ContactPage([_contact_summary(row, handles.get(int(row["id"]), [])) for row in rows], next_cursor)


def _after_score(cursor: str) -> tuple[str, list[Any]]:
    """The rows after a "score" cursor: lower key, equal key and higher id, or no score."""
    key, last_id = decode_cursor(cursor, "contacts-score", 2)
    if key is None:
        return "(s.score_key IS NULL AND c.id > ?)", [last_id]
    return ("(s.score_key < ? OR (s.score_key = ? AND c.id > ?) OR s.score_key IS NULL)",
            [key, key, last_id])


async def get_contact(reader: ReadPool, contact_id: int) -> dict[str, Any]:
    """A contact's card: handles, counts per type and source, first and last interaction."""
    row = await reader.fetch_one("SELECT * FROM contacts WHERE id = ?", [contact_id])
    if row is None:
        raise ContactNotFound(contact_id)

    handles = await _handles_of(reader, [contact_id])
    contact = _contact_summary(row, handles.get(contact_id, []))
    contact["counts"] = await interaction_counts(reader, contact_id)
    return contact


async def interaction_counts(reader: ReadPool, contact_id: int,
                             since: datetime | None = None) -> dict[str, dict[str, int]]:
    """Count a contact's interactions by type and by source, those from `since` on if given."""
    sql = (
        "SELECT i.type, i.source, count(*) AS n FROM interactions i WHERE i.id IN"
        " (SELECT p.interaction_id FROM interaction_participants p JOIN handles h ON h.id = p.handle_id"
        "  WHERE h.contact_id = ?)"
    )
    params: list[Any] = [contact_id]
    if since is not None:
        sql += " AND i.occurred_at >= ?"
        params.append(int(since.timestamp()))
    counts = await reader.fetch_all(sql + " GROUP BY i.type, i.source", params)

    by_type: dict[str, int] = {}
    by_source: dict[str, int] = {}
    for count in counts:
        by_type[count["type"]] = by_type.get(count["type"], 0) + count["n"]
        by_source[count["source"]] = by_source.get(count["source"], 0) + count["n"]
    return {"by_type": by_type, "by_source": by_source}


async def _handles_of(reader: ReadPool, contact_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not contact_ids:
        return {}
    rows = await reader.fetch_all(
        f"SELECT id, kind, value, contact_id FROM handles WHERE contact_id IN ({', '.join('?' * len(contact_ids))})"
        " ORDER BY kind, value",
        contact_ids,
    )
    result: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        result.setdefault(int(row["contact_id"]), []).append(
            {"id": row["id"], "kind": row["kind"], "handle": row["value"]}
        )
    return result


def _contact_summary(row: Any, handles: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "handles": handles,
        "interaction_count": row["interaction_count"],
        "first_interaction_at": rfc3339(row["first_interaction_at"]),
        "last_interaction_at": rfc3339(row["last_interaction_at"]),
    }
