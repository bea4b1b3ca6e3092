"""Changes to contacts, run in the writer thread: create, rename, handles, merge, delete.

Interactions are linked to handles, and handles to contacts, so moving a handle moves its
interactions with it: merging two contacts moves the handles and deletes the emptied one.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hub.contacts.handles import normalize_handle
from hub.contacts.queries import ContactNotFound
from hub.storage.connection import open_connection
from hub.text import fold

logger = logging.getLogger(__name__)


class ContactConflict(ValueError):
    """The change contradicts existing data (a handle owned by another contact...)."""


@dataclass(frozen=True)
class DeletionReport:
    contact_id: int
    handles_deleted: int
    interactions_erased: int
    interactions_unlinked: int


# Called after contacts change in a way that derived data must follow: (connection,
# affected contact ids, removed contact ids). Activity scores register one.
ContactChangeHook = Callable[[sqlite3.Connection, list[int], list[int]], None]
change_hooks: list[ContactChangeHook] = []


def _notify(connection: sqlite3.Connection, changed: list[int], removed: list[int]) -> None:
    for hook in change_hooks:
        hook(connection, changed, removed)


def _require(connection: sqlite3.Connection, contact_id: int) -> None:
    if connection.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone() is None:
        raise ContactNotFound(contact_id)


def create_contact(connection: sqlite3.Connection, name: str, handles: list[tuple[str, str]],
                   region: str | None) -> int:
    normalized = [(kind, normalize_handle(kind, raw, region)) for kind, raw in handles]
    for kind, value in normalized:
        _ensure_free(connection, kind, value)
    contact_id = int(connection.execute(
        "INSERT INTO contacts (name, search_name, created_at) VALUES (?, ?, ?) RETURNING id",
        (name, fold(name), int(time.time())),
    ).fetchone()[0])
    for kind, value in dict.fromkeys(normalized):
        connection.execute(
            "INSERT INTO handles (kind, value, contact_id) VALUES (?, ?, ?)", (kind, value, contact_id)
        )
    return contact_id


def rename_contact(connection: sqlite3.Connection, contact_id: int, name: str) -> None:
    _require(connection, contact_id)
    connection.execute(
        "UPDATE contacts SET name = ?, search_name = ?, name_is_handle = 0 WHERE id = ?",
        (name, fold(name), contact_id),
    )


def add_handle(connection: sqlite3.Connection, contact_id: int, kind: str, raw: str,
               region: str | None) -> int:
    """Attach a handle to a contact; return the handle id (the existing one if already there)."""
    _require(connection, contact_id)
    value = normalize_handle(kind, raw, region)
    row = connection.execute(
        "SELECT id, contact_id FROM handles WHERE kind = ? AND value = ?", (kind, value)
    ).fetchone()
    if row is not None:
        if row["contact_id"] == contact_id:
            return int(row["id"])
        raise ContactConflict(
            f"handle {kind}:{value} belongs to contact {row['contact_id']}; merge the two contacts instead"
        )
    return int(connection.execute(
        "INSERT INTO handles (kind, value, contact_id) VALUES (?, ?, ?) RETURNING id",
        (kind, value, contact_id),
    ).fetchone()[0])


def remove_handle(connection: sqlite3.Connection, contact_id: int, handle_id: int) -> int:
    """Detach a handle into a contact of its own, with its interactions; return that contact id.

    Nothing is deleted: the handle was wrongly attached, not wrong.
    """
    _require(connection, contact_id)
    row = connection.execute(
        "SELECT kind, value FROM handles WHERE id = ? AND contact_id = ?", (handle_id, contact_id)
    ).fetchone()
    if row is None:
        raise LookupError(f"handle {handle_id} not found on contact {contact_id}")
    remaining = connection.execute(
        "SELECT count(*) FROM handles WHERE contact_id = ?", (contact_id,)
    ).fetchone()[0]
    if remaining == 1:
        raise ContactConflict("cannot remove the contact's only handle; delete the contact instead")

    name = _last_name_seen(connection, handle_id) or row["value"]
    new_id = int(connection.execute(
        "INSERT INTO contacts (name, search_name, name_is_handle, created_at) VALUES (?, ?, ?, ?)"
        " RETURNING id",
        (name, fold(name), 1 if name == row["value"] else 0, int(time.time())),
    ).fetchone()[0])
    connection.execute("UPDATE handles SET contact_id = ? WHERE id = ?", (new_id, handle_id))
    refresh_stats(connection, [contact_id, new_id])
    _notify(connection, [contact_id, new_id], [])
    return new_id


def merge_contacts(connection: sqlite3.Connection, target_id: int, source_id: int) -> None:
    """Move every handle (and so every interaction) of `source_id` to `target_id`."""
    if target_id == source_id:
        raise ContactConflict("cannot merge a contact into itself")
    _require(connection, target_id)
    _require(connection, source_id)
    connection.execute("UPDATE handles SET contact_id = ? WHERE contact_id = ?", (target_id, source_id))
    connection.execute("DELETE FROM contacts WHERE id = ?", (source_id,))
    refresh_stats(connection, [target_id])
    _notify(connection, [target_id], [source_id])


def delete_contact(connection: sqlite3.Connection, contact_id: int) -> DeletionReport:
    """Delete a contact with its handles; erase the interactions no other contact takes part in.

    Erased interactions leave the table and the FTS5 index; with `secure_delete` on, their
    text is overwritten in the database file too. The WAL still contains the old pages until
    `truncate_wal` runs after COMMIT.
    """
    _require(connection, contact_id)
    handle_ids = [r[0] for r in connection.execute(
        "SELECT id FROM handles WHERE contact_id = ?", (contact_id,))]
    placeholders = ", ".join("?" * len(handle_ids)) or "NULL"

    linked = [r[0] for r in connection.execute(
        f"SELECT DISTINCT interaction_id FROM interaction_participants WHERE handle_id IN ({placeholders})",
        handle_ids,
    )]
    erased = [r[0] for r in connection.execute(
        f"SELECT p.interaction_id FROM interaction_participants p JOIN handles h ON h.id = p.handle_id"
        f" WHERE p.interaction_id IN (SELECT interaction_id FROM interaction_participants"
        f"  WHERE handle_id IN ({placeholders}))"
        " GROUP BY p.interaction_id HAVING count(DISTINCT h.contact_id) = 1",
        handle_ids,
    )]
    erase_interactions(connection, erased)
    if erased:
        optimize_fts(connection)

    connection.execute(f"DELETE FROM interaction_participants WHERE handle_id IN ({placeholders})", handle_ids)
    connection.execute("DELETE FROM handles WHERE contact_id = ?", (contact_id,))
    connection.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
    _notify(connection, [], [contact_id])
    return DeletionReport(contact_id, len(handle_ids), len(erased), len(linked) - len(erased))


def erase_interactions(connection: sqlite3.Connection, interaction_ids: list[int]) -> None:
    """Delete interactions from the FTS5 index and the table (participants cascade)."""
    for start in range(0, len(interaction_ids), 500):
        chunk = interaction_ids[start:start + 500]
        placeholders = ", ".join("?" * len(chunk))
        # An external-content FTS5 table needs the old values to delete a row from the index.
        connection.execute(
            "INSERT INTO interactions_fts (interactions_fts, rowid, subject, content)"
            f" SELECT 'delete', search_key, subject, content FROM interactions WHERE id IN ({placeholders})",
            chunk,
        )
        connection.execute(f"DELETE FROM interactions WHERE id IN ({placeholders})", chunk)


def optimize_fts(connection: sqlite3.Connection) -> None:
    """Merge the FTS5 index into one segment, so erased terms leave the index for good.

    An FTS5 'delete' only adds a tombstone in a new segment: the erased text's terms stay
    in the older segments until a merge reaches them. 'optimize' rewrites the whole index,
    and secure_delete zeroes the freed pages. SQLite 3.42 added a cheaper 'secure-delete'
    option, which the SQLite that Python ships here (3.40) lacks.
    """
    # NOTE: the cost grows with the whole index (0.4 s for 200,000 interactions, 2.7 s for
    # 1,000,000 on 2 cores, docs/benchmarks.md), and blocks other writes meanwhile.
    connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('optimize')")


def truncate_wal(path: Path, busy_timeout_ms: int) -> bool:
    """Checkpoint the WAL into the database and truncate it, dropping frames of erased rows.

    Runs on a connection of its own, outside any transaction, after the erasure committed.
    Return False when readers or writers kept it from finishing; the old frames are then
    overwritten by later checkpoints only.
    """
    connection = open_connection(path, busy_timeout_ms)
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if busy:
        logger.warning("WAL of %s not truncated after an erasure: the database was busy", path)
    return not busy


def refresh_stats(connection: sqlite3.Connection, contact_ids: list[int]) -> None:
    """Recompute first/last interaction and count of contacts from their interactions."""
    for contact_id in contact_ids:
        connection.execute(
            "UPDATE contacts SET (first_interaction_at, last_interaction_at, interaction_count) ="
            " (SELECT min(i.occurred_at), max(i.occurred_at), count(*) FROM interactions i"
            "  WHERE i.id IN (SELECT p.interaction_id FROM interaction_participants p"
            "   JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = :id))"
            " WHERE id = :id",
            {"id": contact_id},
        )


def _ensure_free(connection: sqlite3.Connection, kind: str, value: str) -> None:
    row = connection.execute(
        "SELECT contact_id FROM handles WHERE kind = ? AND value = ?", (kind, value)
    ).fetchone()
    if row is not None:
        raise ContactConflict(f"handle {kind}:{value} already belongs to contact {row[0]}")


def _last_name_seen(connection: sqlite3.Connection, handle_id: int) -> str | None:
    row = connection.execute(
        "SELECT p.name FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id"
        " WHERE p.handle_id = ? AND p.name IS NOT NULL ORDER BY i.occurred_at DESC LIMIT 1",
        (handle_id,),
    ).fetchone()
    return row[0] if row else None
