"""The raw limit: the hub's rows written straight through Python's `sqlite3`.

Same schema (the hub's migrations), same pragmas (WAL, synchronous=FULL, secure_delete),
same FTS5 layout fed once per transaction, and transactions of the same size as the HTTP
batches. What it leaves out is everything around the rows: HTTP, JSON parsing, validation,
handle normalisation and per-row lookups. Items must already carry normalised handles
(the generator's do).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from hub.search.keys import assign_search_keys, preferred_keys
from hub.storage.connection import open_connection
from hub.storage.migrations import migrate
from hub.text import fold

_INSERT_INTERACTION = (
    "INSERT INTO interactions (id, source, source_id, type, occurred_at, utc_offset_minutes, direction,"
    " duration_seconds, subject, content, thread_id, metadata, participant_count, ingested_at,"
    " search_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?)"
)


class RawStore:
    """Insert generated items into a hub-schema database with executemany, batch by batch."""

    def __init__(self, path: Path) -> None:
        self.connection = open_connection(path, 5000)
        migrate(self.connection)
        self._next_interaction = 1 + self._max_id("interactions")
        self._next_contact = 1 + self._max_id("contacts")
        self._next_handle = 1 + self._max_id("handles")
        self._handles: dict[tuple[str, str], tuple[int, int]] = {
            (row[0], row[1]): (row[2], row[3])
            for row in self.connection.execute("SELECT kind, value, id, contact_id FROM handles")
        }

    def _max_id(self, table: str) -> int:
        return int(self.connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    def close(self) -> None:
        self.connection.close()

    def insert_batch(self, items: list[dict[str, Any]]) -> None:
        now = int(time.time())
        first_id = self._next_interaction
        rows, participants, contacts, handles, stats = [], [], [], [], {}
        for item in items:
            interaction_id = self._next_interaction
            self._next_interaction += 1
            moment = datetime.fromisoformat(item["occurred_at"])
            occurred_at = int(moment.timestamp())
            seen: set[int] = set()
            for person in item["participants"]:
                handle_id, contact_id = self._handle(person, now, contacts, handles)
                if handle_id in seen:
                    continue
                seen.add(handle_id)
                participants.append((interaction_id, handle_id, person.get("role"), person.get("name")))
                low, high, count = stats.get(contact_id, (occurred_at, occurred_at, 0))
                stats[contact_id] = (min(low, occurred_at), max(high, occurred_at), count + 1)
            offset = moment.utcoffset()
            rows.append((
                interaction_id, item["source"], item["source_id"], item["type"], occurred_at,
                int(offset.total_seconds() // 60) if offset else 0, item.get("direction"),
                item.get("duration_seconds"), item.get("subject"), item.get("content"),
                item.get("thread_id"), len(seen), now,
            ))

        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO contacts (id, name, search_name, name_is_handle, created_at) VALUES (?, ?, ?, 0, ?)",
            contacts,
        )
        connection.executemany("INSERT INTO handles (id, kind, value, contact_id) VALUES (?, ?, ?, ?)", handles)
        keys = preferred_keys(connection, [(row[0], row[4]) for row in rows])
        connection.executemany(_INSERT_INTERACTION, [(*row, key) for row, key in zip(rows, keys)])
        connection.executemany(
            "INSERT INTO interaction_participants (interaction_id, handle_id, role, name) VALUES (?, ?, ?, ?)",
            participants,
        )
        connection.executemany(
            "UPDATE contacts SET interaction_count = interaction_count + ?,"
            " first_interaction_at = min(coalesce(first_interaction_at, ?), ?),"
            " last_interaction_at = max(coalesce(last_interaction_at, ?), ?) WHERE id = ?",
            [(count, low, low, high, high, contact_id) for contact_id, (low, high, count) in stats.items()],
        )
        assign_search_keys(connection, first_id - 1)
        connection.execute(
            "INSERT INTO interactions_fts (rowid, subject, content)"
            " SELECT search_key, subject, content FROM interactions WHERE id >= ?",
            (first_id,),
        )
        connection.execute("COMMIT")

    def _handle(self, person: dict[str, Any], now: int, contacts: list[tuple[Any, ...]],
                handles: list[tuple[Any, ...]]) -> tuple[int, int]:
        key = (person["kind"], person["handle"])
        known = self._handles.get(key)
        if known is not None:
            return known
        contact_id, handle_id = self._next_contact, self._next_handle
        self._next_contact += 1
        self._next_handle += 1
        name = person.get("name") or person["handle"]
        contacts.append((contact_id, name, fold(name), now))
        handles.append((handle_id, key[0], key[1], contact_id))
        self._handles[key] = (handle_id, contact_id)
        return handle_id, contact_id

    def insert_duplicates(self, items: list[dict[str, Any]]) -> None:
        """Re-insert items that are already stored: the conflict check alone, nothing written."""
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            _INSERT_INTERACTION + " ON CONFLICT (source, source_id) DO NOTHING",
            [(None, item["source"], item["source_id"], item["type"],
              int(datetime.fromisoformat(item["occurred_at"]).timestamp()), 0, item.get("direction"),
              item.get("duration_seconds"), item.get("subject"), item.get("content"),
              item.get("thread_id"), len(item["participants"]), 0, None) for item in items],
        )
        connection.execute("COMMIT")


def fill(path: Path, batches: Iterable[list[dict[str, Any]]]) -> int:
    """Insert every batch into the database at `path`; return the number of items."""
    store = RawStore(path)
    total = 0
    try:
        for batch in batches:
            store.insert_batch(batch)
            total += len(batch)
    finally:
        store.close()
    return total


def top_contact(path: Path) -> int:
    """Return the id of the contact with the most interactions."""
    connection = open_connection(path, 5000)
    try:
        row = connection.execute("SELECT id FROM contacts ORDER BY interaction_count DESC LIMIT 1").fetchone()
    finally:
        connection.close()
    return int(row[0])
