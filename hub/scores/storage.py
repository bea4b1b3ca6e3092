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


def future_units_of(connection: sqlite3.Connection, contact_id: int,
                    interaction_ids: Iterable[int] | None = None) -> dict[int, FutureUnit]:
    """Return the contact's future-dated units by interaction id (only `interaction_ids` if given)."""
    sql = ("SELECT contact_id, interaction_id, occurred_at, anchored_at, value FROM score_future_units"
           " WHERE contact_id = ?")
    params: list[object] = [contact_id]
    if interaction_ids is not None:
        ids = list(interaction_ids)
        if not ids:
            return {}
        sql += f" AND interaction_id IN ({', '.join('?' * len(ids))})"
        params.extend(ids)
    return {int(row[1]): FutureUnit(int(row[0]), int(row[1]), int(row[2]), float(row[3]), float(row[4]))
            for row in connection.execute(sql, params)}


def save_future_units(connection: sqlite3.Connection, units: Iterable[FutureUnit]) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO score_future_units (contact_id, interaction_id, occurred_at, anchored_at, value)"
        " VALUES (?, ?, ?, ?, ?)",
        [(u.contact_id, u.interaction_id, u.occurred_at, u.anchored_at, u.value) for u in units],
    )


def delete_future_units(connection: sqlite3.Connection, contact_id: int, interaction_ids: Iterable[int]) -> None:
    connection.executemany(
        "DELETE FROM score_future_units WHERE contact_id = ? AND interaction_id = ?",
        [(contact_id, interaction_id) for interaction_id in interaction_ids],
    )


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
