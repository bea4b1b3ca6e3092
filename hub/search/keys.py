"""Search keys: unique integers ordered by occurred_at, the rowids of the FTS5 index.

A key is `occurred_at * KEY_FACTOR + slot`, where the slot (0 to KEY_FACTOR - 1) separates
the interactions of one second. Walking the FTS5 index by descending rowid therefore walks
matches newest first, and a time range is a rowid range. Ingestion accepts 1900 to 2099,
and keys would stay within SQLite's signed 64-bit integers for any time from year 1 to 9999
(about -6.2e10 to 2.5e11 seconds).
"""

from __future__ import annotations

import sqlite3

from hub.storage.batches import chunked, placeholders

# 2**24 slots a second: keys reach about 4.3e18 in year 9999, below 2**63 (9.2e18).
KEY_FACTOR = 1 << 24
_SLOT_MASK = KEY_FACTOR - 1


def first_key_at(epoch_seconds: int) -> int:
    """Return the lowest key of an interaction at `epoch_seconds` (or later)."""
    return epoch_seconds * KEY_FACTOR


class SearchKeysExhausted(RuntimeError):
    """All KEY_FACTOR keys of one second are taken."""


def preferred_keys(connection: sqlite3.Connection, rows: list[tuple[int, int]]) -> list[int | None]:
    """Return the key each new `(id, occurred_at)` row should be inserted with, or None.

    The preferred key's slot is the id's low 24 bits, so keys follow ids within a second.
    None marks a key already stored or taken by an earlier row of `rows`. That happens only
    once ids pass 2**24, or where the migration numbered the older rows of that second.
    `assign_search_keys` gives those rows a free key before the index is fed.
    """
    candidates = [occurred_at * KEY_FACTOR + (interaction_id & _SLOT_MASK) for interaction_id, occurred_at in rows]
    taken: set[int] = set()
    for chunk in chunked(candidates):
        rows = connection.execute(f"SELECT search_key FROM interactions WHERE search_key IN ({placeholders(len(chunk))})",
                                  chunk)
        taken.update(row[0] for row in rows)
    keys: list[int | None] = []
    for key in candidates:
        if key in taken:
            keys.append(None)
        else:
            taken.add(key)
            keys.append(key)
    return keys


def assign_search_keys(connection: sqlite3.Connection, after_id: int) -> None:
    """Give each interaction with id > after_id and no key yet a unique search key.

    Rows inserted with `preferred_keys` have one already; a row without takes its preferred
    key when free, else the next free key of its second.
    """
    connection.execute(
        f"UPDATE OR IGNORE interactions SET search_key = occurred_at * {KEY_FACTOR} + (id & {_SLOT_MASK})"
        " WHERE id > ? AND search_key IS NULL",
        (after_id,),
    )
    left = connection.execute(
        "SELECT id, occurred_at FROM interactions WHERE id > ? AND search_key IS NULL", (after_id,)
    ).fetchall()
    for interaction_id, occurred_at in left:
        key = _free_key(connection, occurred_at)
        connection.execute("UPDATE interactions SET search_key = ? WHERE id = ?", (key, interaction_id))


def _free_key(connection: sqlite3.Connection, occurred_at: int) -> int:
    low = first_key_at(occurred_at)
    high = low + KEY_FACTOR - 1
    row = connection.execute(
        "SELECT a.search_key + 1 FROM interactions a WHERE a.search_key BETWEEN ? AND ?"
        " AND NOT EXISTS (SELECT 1 FROM interactions b WHERE b.search_key = a.search_key + 1)"
        " ORDER BY a.search_key LIMIT 1",
        (low, high - 1),
    ).fetchone()
    if row is not None:
        return int(row[0])
    taken = connection.execute("SELECT 1 FROM interactions WHERE search_key = ?", (low,)).fetchone()
    if taken is None:
        return low
    raise SearchKeysExhausted(f"all {KEY_FACTOR} search keys of second {occurred_at} are taken")
