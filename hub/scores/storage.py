"""Rows of the score tables, written in the writer thread (see migration 3).

`contact_scores` contains the keys of each contact with a score above 0.
`score_future_units` contains the units dated after the moment they were stored, with the
anchor their key uses. `score_state` contains the model fingerprint, past_until and the
jobs' last run times.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable

from hub.scores.model import ScoreModel, Unit

# Ids bound per IN list, well under SQLite's limit of 32,766 parameters (3.32+).
_IDS_PER_QUERY = 500


@dataclass(frozen=True)
class FutureUnit:
    contact_id: int
    interaction_id: int
    occurred_at: int
    anchored_at: float
    value: float


@dataclass(frozen=True)
class Keys:
    """A contact's stored keys: all its units, and those dated up to past_until."""

    key: float | None
    past_key: float | None


def load_keys(connection: sqlite3.Connection, contact_id: int) -> Keys:
    row = connection.execute("SELECT score_key, past_key FROM contact_scores WHERE contact_id = ?",
                             (contact_id,)).fetchone()
    if row is None:
        return Keys(None, None)
    return Keys(float(row[0]), None if row[1] is None else float(row[1]))


def save_keys(connection: sqlite3.Connection, contact_id: int, keys: Keys) -> None:
    if keys.key is None:
        connection.execute("DELETE FROM contact_scores WHERE contact_id = ?", (contact_id,))
        return
    connection.execute(
        "INSERT INTO contact_scores (contact_id, score_key, past_key) VALUES (?, ?, ?)"
        " ON CONFLICT (contact_id) DO UPDATE SET score_key = excluded.score_key, past_key = excluded.past_key",
        (contact_id, keys.key, keys.past_key),
    )


def load_keys_of(connection: sqlite3.Connection, contact_ids: list[int]) -> dict[int, Keys]:
    """Return the stored keys of those of `contact_ids` that have a score."""
    keys: dict[int, Keys] = {}
    for start in range(0, len(contact_ids), _IDS_PER_QUERY):
        chunk = contact_ids[start:start + _IDS_PER_QUERY]
        rows = connection.execute("SELECT contact_id, score_key, past_key FROM contact_scores"
                                  f" WHERE contact_id IN ({', '.join('?' * len(chunk))})", chunk)
        for row in rows:
            keys[int(row[0])] = Keys(float(row[1]), None if row[2] is None else float(row[2]))
    return keys


def save_keys_of(connection: sqlite3.Connection, keys: dict[int, Keys], stored: dict[int, Keys]) -> None:
    """Store each contact's keys; a contact whose key is None has no score left and loses its row.

    `stored` are the keys as read before: a row whose past_key stays the same gets its
    score_key alone updated, which leaves the past_key index untouched.
    """
    connection.executemany("DELETE FROM contact_scores WHERE contact_id = ?",
                           [(contact_id,) for contact_id, k in keys.items() if k.key is None])
    key_only = [(k.key, contact_id) for contact_id, k in keys.items()
                if k.key is not None and contact_id in stored and stored[contact_id].past_key == k.past_key]
    connection.executemany("UPDATE contact_scores SET score_key = ? WHERE contact_id = ?", key_only)
    connection.executemany(
        "INSERT INTO contact_scores (contact_id, score_key, past_key) VALUES (?, ?, ?)"
        " ON CONFLICT (contact_id) DO UPDATE SET score_key = excluded.score_key, past_key = excluded.past_key",
        [(contact_id, k.key, k.past_key) for contact_id, k in keys.items()
         if k.key is not None and not (contact_id in stored and stored[contact_id].past_key == k.past_key)],
    )


def future_units_of_contacts(connection: sqlite3.Connection,
                             interaction_ids: dict[int, list[int]]) -> dict[int, dict[int, FutureUnit]]:
    """Return, per contact, its stored future-dated units among the given interaction ids."""
    pairs = [(contact_id, interaction_id) for contact_id, ids in interaction_ids.items() for interaction_id in ids]
    units: dict[int, dict[int, FutureUnit]] = {}
    for start in range(0, len(pairs), _IDS_PER_QUERY):
        chunk = pairs[start:start + _IDS_PER_QUERY]
        rows = connection.execute(
            f"WITH wanted (contact_id, interaction_id) AS (VALUES {', '.join(['(?, ?)'] * len(chunk))})"
            " SELECT f.contact_id, f.interaction_id, f.occurred_at, f.anchored_at, f.value"
            " FROM wanted w CROSS JOIN score_future_units f"
            " ON f.contact_id = w.contact_id AND f.interaction_id = w.interaction_id",
            [value for pair in chunk for value in pair],
        )
        for row in rows:
            unit = FutureUnit(int(row[0]), int(row[1]), int(row[2]), float(row[3]), float(row[4]))
            units.setdefault(unit.contact_id, {})[unit.interaction_id] = unit
    return units


def save_future_units(connection: sqlite3.Connection, units: Iterable[FutureUnit]) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO score_future_units (contact_id, interaction_id, occurred_at, anchored_at, value)"
        " VALUES (?, ?, ?, ?, ?)",
        [(u.contact_id, u.interaction_id, u.occurred_at, u.anchored_at, u.value) for u in units],
    )


def delete_future_units(connection: sqlite3.Connection, units: list[tuple[int, int]]) -> None:
    """Delete the future-dated units given as (contact id, interaction id)."""
    connection.executemany("DELETE FROM score_future_units WHERE contact_id = ? AND interaction_id = ?", units)


def replace_units(connection: sqlite3.Connection, model: ScoreModel, contact_id: int,
                  units: list[Unit], now: int) -> None:
    """Store a contact's score from all its units, replacing what was stored."""
    connection.execute("DELETE FROM score_future_units WHERE contact_id = ?", (contact_id,))
    future = [FutureUnit(contact_id, u.interaction_id, u.occurred_at, now, u.value)
              for u in units if u.occurred_at > now]
    save_future_units(connection, future)
    key, _ = model.combine(None, [(u.value, min(u.occurred_at, now)) for u in units])
    past_until = read_past_until(connection)
    past_key = None
    if past_until is not None:
        past_key, _ = model.combine(None, [(u.value, u.occurred_at) for u in units if u.occurred_at <= past_until])
    save_keys(connection, contact_id, Keys(key, past_key))


PAST_UNTIL_STATE = "past_until"


def read_past_until(connection: sqlite3.Connection) -> int | None:
    """Return the time up to which past_key counts units (None before the first full recompute)."""
    value = read_state(connection, PAST_UNTIL_STATE)
    return None if value is None else int(value)


def read_state(connection: sqlite3.Connection, name: str) -> str | None:
    row = connection.execute("SELECT value FROM score_state WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def write_state(connection: sqlite3.Connection, name: str, value: str) -> None:
    connection.execute(
        "INSERT INTO score_state (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )
