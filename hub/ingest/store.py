"""Storing validated items: runs in the writer thread, inside the writer's transaction.

One interaction is identified by `(source, source_id)`: pushing it again changes nothing
and is reported as `duplicate` (first write wins). Each participant's handle is linked to a
contact; an unknown handle creates a contact named after the participant. The owner's own
handles are never linked.

A batch is stored with a few statements instead of several per item: a lookup of the keys
already stored and one of the handles already known (per source and per handle kind), then
one `executemany` per table.
The writer thread is the only writer and holds the write lock (`BEGIN IMMEDIATE`) for the
whole transaction, so nothing changes between the lookups and the inserts. New rows get
explicit ids counted up from the largest stored id, the ids SQLite would choose itself.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

from hub.ingest.validate import LinkedParticipant, ValidItem
from hub.search.keys import assign_search_keys, preferred_keys
from hub.storage.batches import chunked, placeholders
from hub.storage.writer import Transaction
from hub.text import fold


@dataclass(slots=True)
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

    stored = _stored_keys(connection, items)
    new: list[ValidItem] = []
    results: list[StoredItem] = []
    next_id = _max_id(connection, "interactions") + 1
    for valid in items:
        key = (valid.source, valid.source_id)
        if key in stored:
            results.append(StoredItem(valid.index, "duplicate", None))
            continue
        stored.add(key)
        results.append(StoredItem(valid.index, "created", next_id + len(new)))
        new.append(valid)
    if not new:
        for hook in hooks or ():
            hook(connection, [])
        return results

    handles = _resolve_handles(connection, [valid.others for valid in new], now)
    created = _insert_interactions(connection, new, next_id, now, handles)

    for hook in hooks or ():
        hook(connection, created)
    return results


@dataclass
class _Handle:
    handle_id: int
    contact_id: int
    # The contact's name_is_handle as read from the database or set on creation.
    name_is_handle: bool


class _ContactStats:
    """Contact statistics summed per contact, written with one UPDATE per contact.

    One UPDATE per contact per batch instead of one per interaction gives the same counts,
    minima and maxima.
    """

    def __init__(self) -> None:
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

    def write(self, connection: sqlite3.Connection) -> None:
        connection.executemany(
            "UPDATE contacts SET interaction_count = interaction_count + :n,"
            " first_interaction_at = min(coalesce(first_interaction_at, :first), :first),"
            " last_interaction_at = max(coalesce(last_interaction_at, :last), :last) WHERE id = :id",
            [{"n": n, "first": first, "last": last, "id": contact_id}
             for contact_id, (n, first, last) in self.stats.items()],
        )


def _schedule_fts_feed(transaction: Transaction) -> None:
    """Index this transaction's new rows in FTS5 once, just before COMMIT."""
    if "fts_from_id" in transaction.values:
        return
    transaction.values["fts_from_id"] = _max_id(transaction.connection, "interactions")

    def feed(connection: sqlite3.Connection) -> None:
        # The FTS5 rowid is the search key, ordered by occurred_at (hub/search/keys.py).
        assign_search_keys(connection, transaction.values["fts_from_id"])
        connection.execute(
            "INSERT INTO interactions_fts (rowid, subject, content) "
            "SELECT search_key, subject, content FROM interactions WHERE id > ?",
            (transaction.values["fts_from_id"],),
        )

    transaction.before_commit(_FTS_FEED, feed)


def _max_id(connection: sqlite3.Connection, table: str) -> int:
    return int(connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])


def stored_source_ids_sql(count: int) -> str:
    """Return the query for which of `count` source_ids of one source are stored."""
    return f"SELECT source_id FROM interactions WHERE source = ? AND source_id IN ({placeholders(count)})"


def _stored_keys(connection: sqlite3.Connection, items: list[ValidItem]) -> set[tuple[str, str]]:
    """Return the `(source, source_id)` keys of `items` that are already stored."""
    by_source: dict[str, list[str]] = {}
    for valid in items:
        by_source.setdefault(valid.source, []).append(valid.source_id)

    stored: set[tuple[str, str]] = set()
    for source, source_ids in by_source.items():
        for chunk in chunked(source_ids):
            rows = connection.execute(stored_source_ids_sql(len(chunk)), [source, *chunk])
            stored.update((source, row[0]) for row in rows)
    return stored


def _insert_interactions(connection: sqlite3.Connection, new: list[ValidItem],
                         first_id: int, now: int, handles: dict[tuple[str, str], _Handle]) -> list[CreatedInteraction]:
    """Insert the new interactions with ids from `first_id` on, their participants and contact statistics."""
    rows = []
    participants: list[tuple[int, int, str | None, str | None]] = []
    stats = _ContactStats()
    created: list[CreatedInteraction] = []
    for interaction_id, valid in enumerate(new, start=first_id):
        others = valid.others
        rows.append((
            interaction_id, valid.source, valid.source_id, valid.type, valid.occurred_at,
            valid.utc_offset_minutes, valid.direction, valid.duration_seconds, valid.subject,
            valid.content, valid.thread_id, valid.metadata, len(others), now,
        ))
        contact_ids: list[int] = []
        for participant in others:
            handle = handles[(participant.kind, participant.handle)]
            participants.append((interaction_id, handle.handle_id, participant.role, participant.name))
            if handle.contact_id not in contact_ids:
                contact_ids.append(handle.contact_id)
        for contact_id in contact_ids:
            stats.count(contact_id, valid.occurred_at)
        created.append(CreatedInteraction(interaction_id, valid.type, valid.occurred_at, valid.thread_id,
                                          len(others), tuple(contact_ids)))

    keys = preferred_keys(connection, [(row[0], row[4]) for row in rows])
    connection.executemany(
        "INSERT INTO interactions (id, source, source_id, type, occurred_at, utc_offset_minutes, direction,"
        " duration_seconds, subject, content, thread_id, metadata, participant_count, ingested_at, search_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, key) for row, key in zip(rows, keys)],
    )
    connection.executemany(
        "INSERT INTO interaction_participants (interaction_id, handle_id, role, name) VALUES (?, ?, ?, ?)",
        participants,
    )
    stats.write(connection)
    return created


def _resolve_handles(connection: sqlite3.Connection, participant_lists: list[list[LinkedParticipant]],
                     now: int) -> dict[tuple[str, str], _Handle]:
    """Return the handle of every participant, creating unknown handles and their contacts.

    A contact first seen under a bare handle takes the first real name that arrives, in the
    order of the batch. A new contact is inserted with that name straight away.
    """
    first_names: dict[tuple[str, str], str | None] = {}
    for others in participant_lists:
        for participant in others:
            key = (participant.kind, participant.handle)
            if first_names.get(key, None) is None:
                first_names[key] = participant.name

    handles = _known_handles(connection, list(first_names))

    new_keys = [key for key in first_names if key not in handles]
    contact_rows = []
    handle_rows = []
    next_contact = _max_id(connection, "contacts") + 1
    next_handle = _max_id(connection, "handles") + 1
    for offset, key in enumerate(new_keys):
        name = first_names[key]
        contact_id, handle_id = next_contact + offset, next_handle + offset
        contact_name = name or key[1]
        contact_rows.append((contact_id, contact_name, fold(contact_name), 0 if name else 1, now))
        handle_rows.append((handle_id, key[0], key[1], contact_id))
        handles[key] = _Handle(handle_id, contact_id, not name)
    connection.executemany(
        "INSERT INTO contacts (id, name, search_name, name_is_handle, created_at) VALUES (?, ?, ?, ?, ?)",
        contact_rows,
    )
    connection.executemany("INSERT INTO handles (id, kind, value, contact_id) VALUES (?, ?, ?, ?)", handle_rows)

    _name_contacts(connection, participant_lists, handles)
    return handles


def _known_handles(connection: sqlite3.Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], _Handle]:
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)

    handles: dict[tuple[str, str], _Handle] = {}
    for kind, values in by_kind.items():
        for chunk in chunked(values):
            rows = connection.execute(
                "SELECT h.value, h.id, h.contact_id, c.name_is_handle FROM handles h"
                " JOIN contacts c ON c.id = h.contact_id"
                f" WHERE h.kind = ? AND h.value IN ({placeholders(len(chunk))})",
                [kind, *chunk],
            )
            for value, handle_id, contact_id, name_is_handle in rows:
                handles[(kind, value)] = _Handle(int(handle_id), int(contact_id), bool(name_is_handle))
    return handles


def _name_contacts(connection: sqlite3.Connection, participant_lists: list[list[LinkedParticipant]],
                   handles: dict[tuple[str, str], _Handle]) -> None:
    """Give stored contacts still named by a bare handle the first real name in the batch."""
    names: dict[int, str] = {}
    for others in participant_lists:
        for participant in others:
            handle = handles[(participant.kind, participant.handle)]
            if participant.name and handle.name_is_handle and handle.contact_id not in names:
                names[handle.contact_id] = participant.name
    connection.executemany(
        "UPDATE contacts SET name = ?, search_name = ?, name_is_handle = 0 WHERE id = ? AND name_is_handle = 1",
        [(name, fold(name), contact_id) for contact_id, name in names.items()],
    )
