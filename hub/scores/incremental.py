"""Keep stored scores in step with ingestion and contact edits, without a full recompute.

Runs in the writer thread, inside the transaction that made the change. A new interaction
adds its unit to the key of each of its contacts. A new chat message can extend, join or
bridge sessions, so the contact's messages of that thread around it are read back, the
sessions are formed with and without the new messages, and the difference is applied.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator

from hub.ingest.store import CreatedInteraction
from hub.scores.model import SESSION_TYPE, Interaction, ScoreModel, Unit, is_session_message
from hub.scores.storage import (FutureUnit, Keys, delete_future_units, future_units_of_contacts, load_keys_of,
                                read_past_until, replace_units, save_future_units, save_keys_of)
from hub.scores.windows import Window

logger = logging.getLogger(__name__)

_CONTACT_INTERACTIONS = (
    "SELECT i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count FROM interactions i"
    " WHERE i.id IN (SELECT p.interaction_id FROM interaction_participants p"
    "  JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = ?)"
)

# The messages of several (contact, source, thread) windows; `wanted` is a VALUES list of
# (number, thread_id, source, contact_id, low, high). CROSS JOIN keeps the windows as the
# outer loop, each read through the interactions_thread index. A contact taking part with
# two handles yields a message twice.
_WINDOW_MESSAGES = (
    "WITH wanted (number, thread_id, source, contact_id, low, high) AS (VALUES {values})"
    " SELECT w.number, i.id, i.occurred_at, i.participant_count"
    " FROM wanted w CROSS JOIN interactions i ON i.thread_id = w.thread_id AND i.occurred_at BETWEEN w.low AND w.high"
    " JOIN interaction_participants p ON p.interaction_id = i.id JOIN handles h ON h.id = p.handle_id"
    " WHERE i.source = w.source AND i.type = 'message' AND h.contact_id = w.contact_id"
)
# The ids of all interactions in several thread windows, from the interactions_thread index
# alone; `wanted` is a VALUES list of (number, thread_id, low, high).
_WINDOW_IDS = (
    "WITH wanted (number, thread_id, low, high) AS (VALUES {values})"
    " SELECT w.number, i.id FROM wanted w"
    " CROSS JOIN interactions i ON i.thread_id = w.thread_id AND i.occurred_at BETWEEN w.low AND w.high"
)
# Windows per statement: 6 parameters each, well under SQLite's limit of 32,766 (3.32+).
_WINDOWS_PER_QUERY = 500

ThreadKey = tuple[int, str, str]  # (contact id, source, thread id)


@dataclass
class _Change:
    added: list[Unit] = field(default_factory=list)
    removed: list[Unit] = field(default_factory=list)


def apply_ingested(connection: sqlite3.Connection, model: ScoreModel, created: list[CreatedInteraction],
                   now: int) -> None:
    """Update the scores of the contacts of newly stored interactions.

    Reads and writes are per batch, not per interaction: one query per few hundred threads
    for the sessions, one for the stored keys, one executemany per kind of write.
    """
    if not created:
        return
    sources = _sources_of(connection, [item.interaction_id for item in created])
    changes: dict[int, _Change] = defaultdict(_Change)
    threads: dict[ThreadKey, list[CreatedInteraction]] = defaultdict(list)

    for item in created:
        source = sources[item.interaction_id]
        if is_session_message(item.type, item.thread_id):
            for contact_id in item.contact_ids:
                threads[(contact_id, source, str(item.thread_id))].append(item)
            continue
        value = model.value(item.type, item.participant_count)
        if value <= 0:
            continue
        unit = Unit(item.interaction_id, item.type, source, item.occurred_at, value)
        for contact_id in item.contact_ids:
            changes[contact_id].added.append(unit)

    known = {key: [Interaction(item.interaction_id, SESSION_TYPE, key[1], item.occurred_at, key[2],
                               item.participant_count) for item in items]
             for key, items in threads.items()}
    spans = {key: (min(m.occurred_at for m in messages), max(m.occurred_at for m in messages))
             for key, messages in known.items()}
    for key, messages in read_sessions(connection, model, spans, known).items():
        new_ids = {item.interaction_id for item in threads[key]}
        before, after = _session_change(model, messages, new_ids)
        changes[key[0]].removed.extend(before)
        changes[key[0]].added.extend(after)

    _apply(connection, model, changes, now, read_past_until(connection))


def recompute_contacts(connection: sqlite3.Connection, model: ScoreModel, contact_ids: list[int],
                       now: int) -> None:
    """Recompute each contact's score from all its interactions."""
    for contact_id in contact_ids:
        rows = connection.execute(_CONTACT_INTERACTIONS, (contact_id,)).fetchall()
        replace_units(connection, model, contact_id, model.units(_interaction(row) for row in rows), now)


def remove_contacts(connection: sqlite3.Connection, contact_ids: list[int]) -> None:
    for contact_id in contact_ids:
        connection.execute("DELETE FROM score_future_units WHERE contact_id = ?", (contact_id,))
        connection.execute("DELETE FROM contact_scores WHERE contact_id = ?", (contact_id,))


def _sources_of(connection: sqlite3.Connection, interaction_ids: list[int]) -> dict[int, str]:
    low, high = min(interaction_ids), max(interaction_ids)
    ids = set(interaction_ids)
    rows = connection.execute("SELECT id, source FROM interactions WHERE id BETWEEN ? AND ?", (low, high))
    return {int(row[0]): str(row[1]) for row in rows if row[0] in ids}


def _session_change(model: ScoreModel, messages: list[Interaction], new_ids: set[int]) -> tuple[list[Unit], list[Unit]]:
    """Return the session units of one contact's thread that `new_ids` removed and added."""
    old = [m for m in messages if m.id not in new_ids]
    if not old:
        # Only new messages: nothing to remove, and a lone message is its own session.
        return [], _lone_session(model, messages[0]) if len(messages) == 1 else model.session_units(messages)
    before = model.session_units(old)
    after = model.session_units(messages)
    unchanged = set(before) & set(after)
    return [u for u in before if u not in unchanged], [u for u in after if u not in unchanged]


def _lone_session(model: ScoreModel, message: Interaction) -> list[Unit]:
    """Return the unit of a session of one message, as ScoreModel.session_units would."""
    value = model.value(message.type, message.participant_count)
    return [Unit(message.id, message.type, message.source, message.occurred_at, value)] if value > 0 else []


def read_whole_sessions(connection: sqlite3.Connection, model: ScoreModel, contact_id: int, source: str,
                        thread_id: str, first: int, last: int) -> list[Interaction]:
    """Read the contact's messages of a thread from `first` to `last`, widened to whole sessions."""
    key = (contact_id, source, thread_id)
    return read_sessions(connection, model, {key: (first, last)})[key]


def read_sessions(connection: sqlite3.Connection, model: ScoreModel, spans: dict[ThreadKey, tuple[int, int]],
                  known: dict[ThreadKey, list[Interaction]] | None = None) -> dict[ThreadKey, list[Interaction]]:
    """For each (contact, source, thread), read its messages from first to last, widened to whole sessions.

    `known` contains the messages of this transaction's batch by key, every batch message
    of each key included. When an index-only read shows that a window's thread has no other
    interaction, the window's messages are taken from `known`.
    """
    found: dict[ThreadKey, list[Interaction]] = {}
    pending = {key: Window.around(first, last, model.session_gap) for key, (first, last) in spans.items()}
    while pending:
        read = _read_windows(connection, pending, known or {})
        wider: dict[ThreadKey, Window] = {}
        for key, window in pending.items():
            messages = read.get(key, [])
            widened = None
            if messages:
                widened = window.widened(min(m.occurred_at for m in messages),
                                         max(m.occurred_at for m in messages), model.session_gap)
            if widened is None:
                found[key] = messages
            else:
                wider[key] = widened
        pending = wider
    return found


def _read_windows(connection: sqlite3.Connection, windows: dict[ThreadKey, Window],
                  known: dict[ThreadKey, list[Interaction]]) -> dict[ThreadKey, list[Interaction]]:
    messages: dict[ThreadKey, list[Interaction]] = {}
    unknown = windows
    if known:
        batch_ids = {m.id for found in known.values() for m in found}
        in_windows: dict[ThreadKey, list[int]] = defaultdict(list)
        for key, interaction_id in _window_rows(connection, _WINDOW_IDS, windows, with_contact=False):
            in_windows[key].append(interaction_id)
        unknown = {}
        for key, window in windows.items():
            # Every batch message of this key is in `known`, so a window that contains
            # batch interactions only contains no other message of the key.
            if key in known and all(interaction_id in batch_ids for interaction_id in in_windows[key]):
                messages[key] = [m for m in known[key] if window.low <= m.occurred_at <= window.high]
            else:
                unknown[key] = window

    read: dict[ThreadKey, dict[int, Interaction]] = defaultdict(dict)
    for key, interaction_id, occurred_at, participant_count in _window_rows(connection, _WINDOW_MESSAGES, unknown,
                                                                            with_contact=True):
        _, source, thread_id = key
        read[key][interaction_id] = Interaction(interaction_id, SESSION_TYPE, source, occurred_at, thread_id,
                                                participant_count)
    messages.update((key, list(found.values())) for key, found in read.items())
    return messages


def _window_rows(connection: sqlite3.Connection, sql: str, windows: dict[ThreadKey, Window],
                 with_contact: bool) -> Iterator[tuple[Any, ...]]:
    """Run `sql` over the windows in chunks; yield its rows with the window number replaced by the key."""
    keys = list(windows)
    for start in range(0, len(keys), _WINDOWS_PER_QUERY):
        chunk = keys[start:start + _WINDOWS_PER_QUERY]
        parameters: list[object] = []
        for number, key in enumerate(chunk):
            contact_id, source, thread_id = key
            window = windows[key]
            if with_contact:
                parameters.extend((number, thread_id, source, contact_id, window.low, window.high))
            else:
                parameters.extend((number, thread_id, window.low, window.high))
        row_sql = "(?, ?, ?, ?, ?, ?)" if with_contact else "(?, ?, ?, ?)"
        for row in connection.execute(sql.format(values=", ".join([row_sql] * len(chunk))), parameters):
            yield (chunk[row[0]], *row[1:])


def _apply(connection: sqlite3.Connection, model: ScoreModel, changes: dict[int, _Change], now: int,
           past_until: int | None) -> None:
    """Apply each contact's added and removed units to its stored keys and future units."""
    changes = {contact_id: change for contact_id, change in changes.items() if change.added or change.removed}
    if not changes:
        return
    stored_future = future_units_of_contacts(
        connection, {contact_id: [u.interaction_id for u in change.removed]
                     for contact_id, change in changes.items() if change.removed})
    delete_future_units(connection, [(contact_id, interaction_id) for contact_id, units in stored_future.items()
                                     for interaction_id in units])
    save_future_units(connection, [FutureUnit(contact_id, u.interaction_id, u.occurred_at, now, u.value)
                                   for contact_id, change in changes.items()
                                   for u in change.added if u.occurred_at > now])

    stored_keys = load_keys_of(connection, list(changes))
    new_keys: dict[int, Keys] = {}
    untrusted: list[int] = []
    for contact_id, change in changes.items():
        keys = _combined_keys(model, stored_keys.get(contact_id, Keys(None, None)), change,
                              stored_future.get(contact_id, {}), now, past_until)
        if keys is None:
            untrusted.append(contact_id)
        else:
            new_keys[contact_id] = keys
    save_keys_of(connection, new_keys, stored_keys)
    if untrusted:
        logger.debug("scores of %d contacts cancelled out; recomputing them", len(untrusted))
        recompute_contacts(connection, model, untrusted, now)


def _combined_keys(model: ScoreModel, stored: Keys, change: _Change, stored_future: dict[int, FutureUnit],
                   now: int, past_until: int | None) -> Keys | None:
    """Return the keys with `change` applied, or None when cancellation makes them untrustworthy."""
    removed_terms = []
    for unit in change.removed:
        future = stored_future.get(unit.interaction_id)
        removed_terms.append((unit.value, future.anchored_at if future else unit.occurred_at))
    added_terms = [(unit.value, min(unit.occurred_at, now)) for unit in change.added]
    key, trusted = model.combine(stored.key, added_terms, removed_terms)

    past_key = stored.past_key
    if past_until is not None:
        past_added = [(u.value, u.occurred_at) for u in change.added if u.occurred_at <= past_until]
        past_removed = [(u.value, u.occurred_at) for u in change.removed if u.occurred_at <= past_until]
        if past_added or past_removed:
            past_key, past_trusted = model.combine(past_key, past_added, past_removed)
            trusted = trusted and past_trusted
    return Keys(key, past_key) if trusted else None


def _interaction(row: sqlite3.Row | tuple[object, ...]) -> Interaction:
    return Interaction(int(row[0]), str(row[1]), str(row[2]), int(row[3]),  # type: ignore[call-overload]
                       None if row[4] is None else str(row[4]), int(row[5]))  # type: ignore[call-overload]
