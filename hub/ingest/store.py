"""Storing validated items: runs in the writer thread, inside the writer's transaction.

One interaction is identified by `(source, source_id)`: pushing it again changes nothing
and is reported as `duplicate` (first write wins). Each participant's handle is linked to a
contact; an unknown handle creates a contact named after the participant. The owner's own
handles are never linked.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Callable

from hub.ingest.validate import LinkedParticipant, ValidItem
from hub.search.keys import assign_search_keys
from hub.storage.writer import Transaction
from hub.text import fold


@dataclass(frozen=True)
class StoredItem:
    index: int
    status: str  # "created" or "duplicate"
    interaction_id: int | None


@dataclass(frozen=True)
class CreatedInteraction:
    """What post-ingestion hooks (scores) learn about each new interaction."""

    interaction_id: int
    type: str
    occurred_at: int
    thread_id: str | None
    participant_count: int
    contact_ids: tuple[int, ...]


# Called inside the transaction with the interactions it created; registered by features
# that keep derived data (activity scores) in step with ingestion.
IngestHook = Callable[[sqlite3.Connection, list[CreatedInteraction]], None]

_FTS_FEED = "fts-feed"


def store_items(transaction: Transaction, items: list[ValidItem], now: int,
                hooks: list[IngestHook] | None = None) -> list[StoredItem]:
    """Insert `items`; return per item whether it was created or a duplicate."""
    connection = transaction.connection
    _schedule_fts_feed(transaction)

    batch = _Batch()
    results: list[StoredItem] = []
    created: list[CreatedInteraction] = []
    for valid in items:
        new = _insert_interaction(connection, valid, now, batch)
        if new is None:
            results.append(StoredItem(valid.index, "duplicate", None))
            continue
        results.append(StoredItem(valid.index, "created", new.interaction_id))
        created.append(new)
    batch.flush(connection)

    for hook in hooks or ():
        hook(connection, created)
    return results


@dataclass
class _Handle:
    handle_id: int
    contact_id: int
    # The contact's name_is_handle as last read or written in this batch: a name update
    # is issued only while it is set, instead of once per participant.
    name_is_handle: bool


class _Batch:
    """Rows gathered over one store_items call and written with executemany at its end.

    Contact statistics are summed per contact first: one UPDATE per contact per batch
    instead of one per interaction gives the same counts, minima and maxima.
    """

    def __init__(self) -> None:
        self.handles: dict[tuple[str, str], _Handle] = {}
        self.participants: list[tuple[int, int, str | None, str | None]] = []
        # contact id -> [interaction count, first occurred_at, last occurred_at]
        self.stats: dict[int, list[int]] = {}

    def count(self, contact_id: int, occurred_at: int) -> None:
        entry = self.stats.get(contact_id)
        if entry is None:
            self.stats[contact_id] = [1, occurred_at, occurred_at]
            return
        entry[0] += 1
        entry[1] = min(entry[1], occurred_at)
        entry[2] = max(entry[2], occurred_at)

    def flush(self, connection: sqlite3.Connection) -> None:
        connection.executemany(
            "INSERT INTO interaction_participants (interaction_id, handle_id, role, name) VALUES (?, ?, ?, ?)",
            self.participants,
        )
        connection.executemany(
            "UPDATE contacts SET interaction_count = interaction_count + :n,"
            " first_interaction_at = min(coalesce(first_interaction_at, :first), :first),"
            " last_interaction_at = max(coalesce(last_interaction_at, :last), :last) WHERE id = :id",
            [{"n": n, "first": first, "last": last, "id": contact_id}
             for contact_id, (n, first, last) in self.stats.items()],
        )
        self.participants.clear()
        self.stats.clear()


def _schedule_fts_feed(transaction: Transaction) -> None:
    """Index this transaction's new rows in FTS5 once, just before COMMIT."""
    if "fts_from_id" in transaction.values:
        return
    row = transaction.connection.execute("SELECT coalesce(max(id), 0) FROM interactions").fetchone()
    transaction.values["fts_from_id"] = row[0]

    def feed(connection: sqlite3.Connection) -> None:
        # The FTS5 rowid is the search key, ordered by occurred_at (hub/search/keys.py).
        assign_search_keys(connection, transaction.values["fts_from_id"])
        connection.execute(
            "INSERT INTO interactions_fts (rowid, subject, content) "
            "SELECT search_key, subject, content FROM interactions WHERE id > ?",
            (transaction.values["fts_from_id"],),
        )

    transaction.before_commit(_FTS_FEED, feed)


def _insert_interaction(connection: sqlite3.Connection, valid: ValidItem, now: int,
                        batch: _Batch) -> CreatedInteraction | None:
    item = valid.item
    others = _distinct_others(valid.participants)
    occurred_at = int(item.occurred_at.timestamp())
    offset = item.occurred_at.utcoffset()
    offset_minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    metadata = json.dumps(item.metadata, ensure_ascii=False, separators=(",", ":")) if item.metadata else "{}"

    row = connection.execute(
        "INSERT INTO interactions (source, source_id, type, occurred_at, utc_offset_minutes, direction,"
        " duration_seconds, subject, content, thread_id, metadata, participant_count, ingested_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (source, source_id) DO NOTHING RETURNING id",
        (
            item.source, item.source_id, item.type, occurred_at, offset_minutes, valid.direction,
            item.duration_seconds, item.subject, item.content, item.thread_id, metadata,
            len(others), now,
        ),
    ).fetchone()
    if row is None:
        return None
    interaction_id = int(row[0])

    contact_ids: list[int] = []
    for participant in others:
        handle = _resolve_handle(connection, participant, now, batch.handles)
        batch.participants.append((interaction_id, handle.handle_id, participant.role, participant.name))
        if handle.contact_id not in contact_ids:
            contact_ids.append(handle.contact_id)

    for contact_id in contact_ids:
        batch.count(contact_id, occurred_at)
    return CreatedInteraction(interaction_id, item.type, occurred_at, item.thread_id, len(others),
                              tuple(contact_ids))


def _distinct_others(participants: list[LinkedParticipant]) -> list[LinkedParticipant]:
    """Participants other than the owner, each handle once (the first role seen wins)."""
    seen: set[tuple[str, str]] = set()
    others: list[LinkedParticipant] = []
    for participant in participants:
        key = (participant.kind, participant.handle)
        if participant.is_owner or key in seen:
            continue
        seen.add(key)
        others.append(participant)
    return others


def _resolve_handle(connection: sqlite3.Connection, participant: LinkedParticipant, now: int,
                    cache: dict[tuple[str, str], _Handle]) -> _Handle:
    """Return the participant's handle, creating the handle and its contact when unknown."""
    key = (participant.kind, participant.handle)
    handle = cache.get(key)
    if handle is None:
        row = connection.execute(
            "SELECT h.id, h.contact_id, c.name_is_handle FROM handles h JOIN contacts c ON c.id = h.contact_id"
            " WHERE h.kind = ? AND h.value = ?", key
        ).fetchone()
        if row is None:
            name = participant.name or participant.handle
            contact_id = int(connection.execute(
                "INSERT INTO contacts (name, search_name, name_is_handle, created_at) VALUES (?, ?, ?, ?)"
                " RETURNING id",
                (name, fold(name), 0 if participant.name else 1, now),
            ).fetchone()[0])
            handle_id = int(connection.execute(
                "INSERT INTO handles (kind, value, contact_id) VALUES (?, ?, ?) RETURNING id",
                (participant.kind, participant.handle, contact_id),
            ).fetchone()[0])
            handle = _Handle(handle_id, contact_id, not participant.name)
        else:
            handle = _Handle(int(row[0]), int(row[1]), bool(row[2]))
        cache[key] = handle

    if participant.name and handle.name_is_handle:
        # A contact first seen under a bare handle takes the first real name that arrives.
        connection.execute(
            "UPDATE contacts SET name = ?, search_name = ?, name_is_handle = 0"
            " WHERE id = ? AND name_is_handle = 1",
            (participant.name, fold(participant.name), handle.contact_id),
        )
        handle.name_is_handle = False
    return handle
