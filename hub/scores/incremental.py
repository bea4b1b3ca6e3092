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

from hub.ingest.store import CreatedInteraction
from hub.scores.model import Interaction, ScoreModel, Unit, is_session_message
from hub.scores.storage import (FutureUnit, Keys, delete_future_units, future_units_of, load_keys,
                                read_past_until, replace_units, save_future_units, save_keys)
from hub.scores.windows import Window

logger = logging.getLogger(__name__)

_CONTACT_INTERACTIONS = (
    "SELECT i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count FROM interactions i"
    " WHERE i.id IN (SELECT p.interaction_id FROM interaction_participants p"
    "  JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = ?)"
)

_CONTACT_THREAD_MESSAGES = (
    "SELECT DISTINCT i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
    " FROM interactions i JOIN interaction_participants p ON p.interaction_id = i.id"
    " JOIN handles h ON h.id = p.handle_id"
    " WHERE i.thread_id = ? AND i.occurred_at BETWEEN ? AND ? AND i.source = ? AND i.type = 'message'"
    " AND h.contact_id = ?"
)


@dataclass
class _Change:
    added: list[Unit] = field(default_factory=list)
    removed: list[Unit] = field(default_factory=list)


def apply_ingested(connection: sqlite3.Connection, model: ScoreModel, created: list[CreatedInteraction],
                   now: int) -> None:
    """Update the scores of the contacts of newly stored interactions."""
    sources = _sources_of(connection, [item.interaction_id for item in created])
    changes: dict[int, _Change] = defaultdict(_Change)
    threads: dict[tuple[int, str, str], list[CreatedInteraction]] = defaultdict(list)

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

    for (contact_id, source, thread_id), items in threads.items():
        before, after = _session_change(connection, model, contact_id, source, thread_id, items)
        changes[contact_id].removed.extend(before)
        changes[contact_id].added.extend(after)

    past_until = read_past_until(connection)
    for contact_id, change in changes.items():
        _apply(connection, model, contact_id, change, now, past_until)


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


def _session_change(connection: sqlite3.Connection, model: ScoreModel, contact_id: int, source: str,
                    thread_id: str, items: list[CreatedInteraction]) -> tuple[list[Unit], list[Unit]]:
    """Return the contact's session units of this thread before and after `items` arrived."""
    new_ids = {item.interaction_id for item in items}
    times = [item.occurred_at for item in items]
    messages = read_whole_sessions(connection, model, contact_id, source, thread_id, min(times), max(times))

    before = model.session_units([m for m in messages if m.id not in new_ids])
    after = model.session_units(messages)
    unchanged = set(before) & set(after)
    return [u for u in before if u not in unchanged], [u for u in after if u not in unchanged]


def read_whole_sessions(connection: sqlite3.Connection, model: ScoreModel, contact_id: int, source: str,
                        thread_id: str, first: int, last: int) -> list[Interaction]:
    """Read the contact's messages of a thread from `first` to `last`, widened to whole sessions."""
    window = Window.around(first, last, model.session_gap)
    while True:
        rows = connection.execute(_CONTACT_THREAD_MESSAGES,
                                  (thread_id, window.low, window.high, source, contact_id)).fetchall()
        messages = [_interaction(row) for row in rows]
        if not messages:
            return messages
        wider = window.widened(min(m.occurred_at for m in messages), max(m.occurred_at for m in messages),
                               model.session_gap)
        if wider is None:
            return messages
        window = wider


def _apply(connection: sqlite3.Connection, model: ScoreModel, contact_id: int, change: _Change,
           now: int, past_until: int | None) -> None:
    if not change.added and not change.removed:
        return
    stored_future = future_units_of(connection, contact_id, [u.interaction_id for u in change.removed])
    removed_terms = []
    for unit in change.removed:
        stored = stored_future.get(unit.interaction_id)
        removed_terms.append((unit.value, stored.anchored_at if stored else unit.occurred_at))
    delete_future_units(connection, contact_id, stored_future)

    added_terms = [(unit.value, min(unit.occurred_at, now)) for unit in change.added]
    save_future_units(connection, [FutureUnit(contact_id, u.interaction_id, u.occurred_at, now, u.value)
                                   for u in change.added if u.occurred_at > now])

    stored_keys = load_keys(connection, contact_id)
    key, trusted = model.combine(stored_keys.key, added_terms, removed_terms)
    past_key = stored_keys.past_key
    if past_until is not None:
        past_added = [(u.value, u.occurred_at) for u in change.added if u.occurred_at <= past_until]
        past_removed = [(u.value, u.occurred_at) for u in change.removed if u.occurred_at <= past_until]
        if past_added or past_removed:
            past_key, past_trusted = model.combine(past_key, past_added, past_removed)
            trusted = trusted and past_trusted
    if not trusted:
        logger.debug("score of contact %d cancelled out; recomputing it", contact_id)
        recompute_contacts(connection, model, [contact_id], now)
        return
    save_keys(connection, contact_id, Keys(key, past_key))


def _interaction(row: sqlite3.Row | tuple[object, ...]) -> Interaction:
    return Interaction(int(row[0]), str(row[1]), str(row[2]), int(row[3]),  # type: ignore[call-overload]
                       None if row[4] is None else str(row[4]), int(row[5]))  # type: ignore[call-overload]
