"""The full recompute from the interactions, and the refresh of the stored keys.

Both run inside one write transaction of the writer thread; the full recompute also reads
on a second connection (hub/scores/columns.py). It replaces every stored key, which
repairs any drift of the incremental updates. The refresh moves the
anchors of future-dated units to now and past_until to 30 days ago. It reads only
`score_future_units` and the interactions dated since the last past_until, so its cost
does not grow with the number of interactions stored.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

from hub.scores.columns import contact_sums
from hub.scores.incremental import read_whole_sessions
from hub.scores.model import COMPARISON_SECONDS, Interaction, ScoreModel, Unit, is_session_message
from hub.scores.storage import (PAST_UNTIL_STATE, FutureUnit, load_keys, read_past_until, save_future_units,
                                write_state)

# Relative difference between the stored and the recomputed score above which a contact
# counts as drifted (float rounding of many incremental updates stays far below it).
DRIFT_TOLERANCE = 1e-9

@dataclass(frozen=True)
class RecomputeReport:
    contacts: int
    drifted: int
    max_relative_drift: float


def recompute_all(connection: sqlite3.Connection, model: ScoreModel, now: int) -> RecomputeReport:
    """Recompute every contact's score from the interactions and replace the stored ones.

    Call it before any write of the transaction: a second connection reads the committed
    state, which is then the same as this transaction's.

    TODO: on a million interactions this takes about 1.0 s of CPU (docs/benchmarks.md), so
    it stays under its 1 s target only while the second core is mostly free. About half
    is SQLite formatting the numbers it sends as text.
    """
    before = stored_scores(connection, model, now)
    past = now - COMPARISON_SECONDS
    # Each table is read once, in index order, so a larger page cache would not help.
    sums = contact_sums(connection, model, now, past, lambda work: _ParallelRead(connection, work).start())

    connection.execute("DELETE FROM score_future_units")
    connection.execute("DELETE FROM contact_scores")
    rows = []
    for contact_id, total in sums.current.items():
        if total <= 0:
            continue
        past_total = sums.before_past.get(contact_id, 0.0)
        past_key = past + model.half_life * math.log2(past_total) if past_total > 0 else None
        rows.append((contact_id, now + model.half_life * math.log2(total), past_key))
    connection.executemany("INSERT INTO contact_scores (contact_id, score_key, past_key) VALUES (?, ?, ?)", rows)
    save_future_units(connection, sums.future)
    write_state(connection, PAST_UNTIL_STATE, str(past))
    return _compare(before, {c: t for c, t in sums.current.items() if t > 0})


@dataclass(frozen=True)
class RefreshReport:
    future_units_moved: int
    past_units_added: int


def refresh(connection: sqlite3.Connection, model: ScoreModel, now: int) -> RefreshReport:
    """Re-anchor future-dated units at `now` and move past_until up to 30 days before `now`."""
    return RefreshReport(_refresh_future_units(connection, model, now), _advance_past(connection, model, now))


def _refresh_future_units(connection: sqlite3.Connection, model: ScoreModel, now: int) -> int:
    """Move the anchors of future-dated units to `now`; drop those whose date has passed.

    Returns the number of units moved. Each move only adds to a key (the anchor grows), so
    no cancellation can occur.
    """
    rows = connection.execute(
        "SELECT contact_id, interaction_id, occurred_at, anchored_at, value FROM score_future_units"
        " WHERE anchored_at < ? ORDER BY contact_id",
        (now,),
    ).fetchall()
    by_contact: dict[int, list[FutureUnit]] = defaultdict(list)
    for row in rows:
        by_contact[int(row[0])].append(FutureUnit(int(row[0]), int(row[1]), int(row[2]), float(row[3]), float(row[4])))

    for contact_id, units in by_contact.items():
        key, _ = model.combine(load_keys(connection, contact_id).key,
                               [(u.value, min(u.occurred_at, now)) for u in units],
                               [(u.value, u.anchored_at) for u in units])
        if key is not None:
            connection.execute("UPDATE contact_scores SET score_key = ? WHERE contact_id = ?", (key, contact_id))
        connection.executemany(
            "DELETE FROM score_future_units WHERE contact_id = ? AND interaction_id = ?",
            [(contact_id, u.interaction_id) for u in units if u.occurred_at <= now],
        )
        connection.executemany(
            "UPDATE score_future_units SET anchored_at = ? WHERE contact_id = ? AND interaction_id = ?",
            [(now, contact_id, u.interaction_id) for u in units if u.occurred_at > now],
        )
    return len(rows)


def _advance_past(connection: sqlite3.Connection, model: ScoreModel, now: int) -> int:
    """Add to past_key the units dated from the old past_until to 30 days before `now`."""
    old = read_past_until(connection)
    new = now - COMPARISON_SECONDS
    if old is None or new <= old:
        return 0
    added = 0
    for contact_id, units in units_between(connection, model, old, new).items():
        past_key, _ = model.combine(load_keys(connection, contact_id).past_key,
                                    [(u.value, u.occurred_at) for u in units])
        connection.execute("UPDATE contact_scores SET past_key = ? WHERE contact_id = ?", (past_key, contact_id))
        added += len(units)
    write_state(connection, PAST_UNTIL_STATE, str(new))
    return added


# CROSS JOIN keeps interactions as the outer loop, bounded by the occurred_at index.
_LINKED_BETWEEN_SQL = (
    "SELECT DISTINCT h.contact_id, i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
    " FROM interactions i CROSS JOIN interaction_participants p ON p.interaction_id = i.id"
    " JOIN handles h ON h.id = p.handle_id WHERE i.occurred_at > ? AND i.occurred_at <= ?"
)


def units_between(connection: sqlite3.Connection, model: ScoreModel, low: int, high: int) -> dict[int, list[Unit]]:
    """Per contact, the units dated after `low` and up to `high`, sessions read whole."""
    singles: dict[int, list[Interaction]] = defaultdict(list)
    threads: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for row in connection.execute(_LINKED_BETWEEN_SQL, (low, high)):
        interaction = Interaction(int(row[1]), str(row[2]), str(row[3]), int(row[4]), row[5], int(row[6]))
        if is_session_message(interaction.type, interaction.thread_id):
            threads[(int(row[0]), interaction.source, str(interaction.thread_id))].append(interaction.occurred_at)
        else:
            singles[int(row[0])].append(interaction)

    result: dict[int, list[Unit]] = {contact_id: model.units(items) for contact_id, items in singles.items()}
    for (contact_id, source, thread_id), times in threads.items():
        messages = read_whole_sessions(connection, model, contact_id, source, thread_id, min(times), max(times))
        result.setdefault(contact_id, []).extend(
            unit for unit in model.session_units(messages) if low < unit.occurred_at <= high)
    return {contact_id: units for contact_id, units in result.items() if units}


def stored_scores(connection: sqlite3.Connection, model: ScoreModel, now: int) -> dict[int, float]:
    """Return every stored score at `now`, future-dated units included."""
    scores = {int(row[0]): model.score_from_key(float(row[1]), now)
              for row in connection.execute("SELECT contact_id, score_key FROM contact_scores")}
    for row in connection.execute("SELECT contact_id, occurred_at, anchored_at, value FROM score_future_units"):
        contact_id, occurred_at, anchored_at, value = int(row[0]), int(row[1]), float(row[2]), float(row[3])
        correction = value * (model.decay(now - occurred_at) - 2.0 ** ((anchored_at - now) / model.half_life))
        scores[contact_id] = scores.get(contact_id, 0.0) + correction
    return scores


class _ParallelRead:
    """Run a read on a second connection to the same file, in a thread of its own.

    sqlite3 releases the GIL while SQLite works, so the read uses the other core. A
    database without a file (":memory:") is read on `connection` itself, in `result`.
    """

    def __init__(self, connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], Any]) -> None:
        row = connection.execute("PRAGMA database_list").fetchone()
        self._path = str(row[2]) if row is not None and row[2] else ""
        self._connection = connection
        self._work = work
        self._thread: threading.Thread | None = None
        self._value: Any = None
        self._error: BaseException | None = None

    def start(self) -> Callable[[], Any]:
        """Start the read; return the function that waits for its result."""
        if self._path:
            self._thread = threading.Thread(target=self._run, name="cardmunk-score-recompute", daemon=True)
            self._thread.start()
        return self.result

    def result(self) -> Any:
        if self._thread is None:
            return self._work(self._connection)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value

    def _run(self) -> None:
        try:
            reader = sqlite3.connect(self._path, timeout=30)
            try:
                reader.execute("PRAGMA query_only = ON")
                self._value = self._work(reader)
            finally:
                reader.close()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc


def _compare(before: dict[int, float], after_sums: dict[int, float]) -> RecomputeReport:
    drifted = 0
    worst = 0.0
    for contact_id in before.keys() | after_sums.keys():
        old = before.get(contact_id, 0.0)
        new = after_sums.get(contact_id, 0.0)
        relative = abs(old - new) / max(abs(new), abs(old), 1e-300)
        worst = max(worst, relative)
        if relative > DRIFT_TOLERANCE:
            drifted += 1
    return RecomputeReport(len(after_sums), drifted, worst)
