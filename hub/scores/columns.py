"""Every contact's score sums from the whole interaction tables, computed column-wise.

The full recompute needs every (interaction, contact) pair. Joining interactions,
participants and handles in SQLite and handing each row to Python took about 1 µs per row
on a 2-vCPU machine (bench/scores.py). So each table is read on its own instead. SQLite
formats a column as one comma-separated text value per chunk of rows (`group_concat`) and
numpy parses it. The joins, the sessions and the sums are then array operations. The reads
run on two connections at once, because the sqlite3 module releases the GIL while SQLite
works.

Memory grows with the database: about 100 bytes per interaction for the arrays (an
estimate), plus one chunk of text at a time.

The result is the same as ScoreModel.units applied to each contact: the same session gaps,
the same choice of a session's counted message (same float expressions for its worth) and
the same unit values, taken from ScoreModel.value. Only the order in which the terms are
added differs, which changes a sum by float rounding alone.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import numpy.typing as npt

from hub.scores.model import SESSION_TYPE, ScoreModel
from hub.scores.storage import FutureUnit

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# Rows per group_concat text value: about 12 bytes per number, so a few MB per value
# whatever the size of the database.
CHUNK_ROWS = 200_000
# Bits of the packed (participant_count, source, type) code below occurred_at.
_CODE_BITS = 24
# Largest (type, participant_count) value table kept as a dense array; beyond it, np.unique.
_DENSE_VALUE_TABLE = 1 << 20


@dataclass
class ContactSums:
    """Per contact: sum of value * 2 ** ((anchor - now) / half_life), and the same up to past.

    Future-dated units count their full value in `current` and are listed in `future`.
    """

    current: dict[int, float]
    before_past: dict[int, float]
    future: list[FutureUnit]


@dataclass
class _Interactions:
    """Columns of the interactions table, ordered by id."""

    ids: Ints
    occurred_at: Ints
    participant_count: Ints
    type_index: Ints  # index into the type names of _type_names
    source_index: Ints  # index into the sources read by _read_sources


@dataclass
class _Links:
    """Participant rows as (interaction id, contact) pairs, and thread membership by id."""

    interaction_ids: Ints
    contact_index: Ints
    contact_ids: Ints  # contact id of each contact index
    thread_interaction_ids: Ints
    thread_numbers: Ints  # the same number for every interaction of one thread_id


def contact_sums(connection: sqlite3.Connection, model: ScoreModel, now: int, past: int,
                 run_beside: Callable[[Callable[[sqlite3.Connection], Any]], Callable[[], Any]]) -> ContactSums:
    """Return every contact's sums at `now` and at `past` from the interactions.

    `run_beside(work)` starts `work(reader)` on a second connection that sees the same
    data and returns a function that waits for its result. That connection reads the
    participants and threads, then helps with the interaction chunks left.
    """
    sources = _read_sources(connection)
    types = _type_names(model)
    chunks = _InteractionChunks(connection, types, sources)

    def read_beside(reader: sqlite3.Connection) -> _Links:
        links = _read_links(reader)
        chunks.read(reader)
        return links

    wait_for_links = run_beside(read_beside)
    chunks.read(connection)
    links: _Links = wait_for_links()
    return _sums(model, now, past, chunks.columns(), links, types, len(sources))


def _type_names(model: ScoreModel) -> list[str]:
    """Return the session type, then the other types with a weight of their own.

    SQL compares a row's type with these names in this order, and most rows are messages.
    """
    return [SESSION_TYPE, *(name for name in model.weights if name != SESSION_TYPE)]


def _read_sources(connection: sqlite3.Connection) -> list[str]:
    """Return the distinct sources, each found by one seek in the (source, source_id) index."""
    rows = connection.execute(
        "WITH RECURSIVE s(source) AS (SELECT min(source) FROM interactions"
        " UNION ALL SELECT (SELECT min(source) FROM interactions WHERE source > s.source)"
        " FROM s WHERE s.source IS NOT NULL)"
        " SELECT source FROM s WHERE source IS NOT NULL"
    ).fetchall()
    return [row[0] for row in rows]


class _InteractionChunks:
    """The interactions table in id ranges, each read by whichever connection takes it next.

    Formatting a number costs SQLite more than arithmetic, so a row travels as its id and
    one number: occurred_at * 2 ** 24 + code with code = (participant_count * sources +
    source) * types + type. A chunk whose values do not fit is read again in separate
    columns. The columns of one SELECT follow the same row order, which SQL leaves open.
    """

    def __init__(self, connection: sqlite3.Connection, types: list[str], sources: list[str]) -> None:
        type_case = " ".join(f"WHEN ? THEN {number}" for number in range(len(types)))
        source_case = " ".join(f"WHEN ? THEN {number}" for number in range(len(sources)))
        self._type_count, self._source_count = len(types), max(1, len(sources))
        kind = (f"{f'CASE source {source_case} ELSE 0 END' if sources else '0'} * {self._type_count}"
                f" + CASE type {type_case} ELSE {types.index('other')} END")
        code = f"participant_count * {self._source_count * self._type_count} + {kind}"
        self._parameters = [*sources, *types]
        self._packed_sql = (
            "SELECT max(participant_count), group_concat(id),"
            f" group_concat(occurred_at * {1 << _CODE_BITS} + {code}) FROM interactions WHERE id > ? AND id <= ?"
        )
        self._separate_sql = ("SELECT group_concat(id), group_concat(occurred_at), group_concat(participant_count),"
                              f" group_concat({kind}) FROM interactions WHERE id > ? AND id <= ?")
        self._ranges = _id_ranges(connection, "SELECT min(id) FROM interactions WHERE id > ?")
        self._next = 0
        self._lock = threading.Lock()
        self._chunks: dict[int, tuple[Ints, Ints, Ints, Ints]] = {}

    def read(self, connection: sqlite3.Connection) -> None:
        """Read chunks on `connection` until none is left."""
        while True:
            with self._lock:
                number = self._next
                self._next += 1
            if number >= len(self._ranges):
                return
            self._chunks[number] = self._read_chunk(connection, *self._ranges[number])

    def columns(self) -> _Interactions:
        """Return the columns of every chunk read, in id order."""
        chunks = [self._chunks[number] for number in range(len(self._ranges))]
        ids, occurred_at, participant_count, kinds = (_join([chunk[column] for chunk in chunks]) for column in range(4))
        return _Interactions(ids, occurred_at, participant_count, kinds % self._type_count,
                             kinds // self._type_count)

    def _read_chunk(self, connection: sqlite3.Connection, low: int, high: int) -> tuple[Ints, Ints, Ints, Ints]:
        row = connection.execute(self._packed_sql, [*self._parameters, low, high]).fetchone()
        # Every range starts at an existing id, so the aggregates are not NULL. SQLite turns
        # an integer product that overflows 64 bits into a REAL, printed with an exponent.
        most_participants, ids, packed = row
        kind_count = self._source_count * self._type_count
        if (most_participants + 1) * kind_count <= 1 << _CODE_BITS and "e" not in packed:
            numbers = _parse(packed)
            code = numbers & ((1 << _CODE_BITS) - 1)
            return _parse(ids), numbers >> _CODE_BITS, code // kind_count, code % kind_count
        ids, times, counts, kinds = connection.execute(self._separate_sql, [*self._parameters, low, high]).fetchone()
        return _parse(ids), _parse(times), _parse(counts), _parse(kinds)


def _read_links(connection: sqlite3.Connection) -> _Links:
    handles = connection.execute("SELECT group_concat(id), group_concat(contact_id) FROM handles").fetchone()
    handle_ids, handle_contacts = _parse(handles[0]), _parse(handles[1])
    order = np.argsort(handle_ids, kind="stable")
    handle_ids, handle_contacts = handle_ids[order], handle_contacts[order]
    contact_ids, handle_contact_index = np.unique(handle_contacts, return_inverse=True)

    # Each row travels as one number, interaction_id * (max handle id + 1) + handle_id, when
    # that fits in 62 bits.
    handle_span = int(handle_ids[-1]) + 1 if len(handle_ids) else 1
    packed_sql = ("SELECT group_concat(interaction_id * ? + handle_id) FROM interaction_participants"
                  " WHERE interaction_id > ? AND interaction_id <= ?")
    separate_sql = ("SELECT group_concat(interaction_id), group_concat(handle_id) FROM interaction_participants"
                    " WHERE interaction_id > ? AND interaction_id <= ?")
    interaction_ids: list[Ints] = []
    contact_index: list[Ints] = []
    next_id = "SELECT min(interaction_id) FROM interaction_participants WHERE interaction_id > ?"
    for low, high in _id_ranges(connection, next_id):
        if high * handle_span < 1 << 62:
            numbers = _parse(connection.execute(packed_sql, (handle_span, low, high)).fetchone()[0])
            participant_interactions, participant_handles = np.divmod(numbers, handle_span)
        else:
            row = connection.execute(separate_sql, (low, high)).fetchone()
            participant_interactions, participant_handles = _parse(row[0]), _parse(row[1])
        interaction_ids.append(participant_interactions)
        contact_index.append(handle_contact_index[_positions(handle_ids, participant_handles)])

    # One row per thread_id, read from the interactions_thread index alone.
    threads = connection.execute(
        "SELECT count(*), group_concat(id) FROM interactions WHERE thread_id IS NOT NULL GROUP BY thread_id"
    ).fetchall()
    counts = np.array([row[0] for row in threads], dtype=np.int64)
    thread_ids = _parse(",".join(row[1] for row in threads))
    thread_numbers = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return _Links(_join(interaction_ids), _join(contact_index), contact_ids.astype(np.int64),
                  thread_ids, thread_numbers)


def _sums(model: ScoreModel, now: int, past: int, interactions: _Interactions, links: _Links,
          types: list[str], source_count: int) -> ContactSums:
    position = _positions(interactions.ids, links.interaction_ids)
    thread_positions = _positions(interactions.ids, links.thread_interaction_ids)
    thread_number = np.full(len(interactions.ids), -1, dtype=np.int64)
    thread_number[thread_positions] = links.thread_numbers
    values, log2_values = _unit_values(model, interactions, types)

    in_session = (interactions.type_index == types.index(SESSION_TYPE)) & (thread_number >= 0)
    pair_in_session = in_session[position]
    singles = _distinct_pairs(position[~pair_in_session], links.contact_index[~pair_in_session])
    sessions = _session_units(model, interactions, position[pair_in_session],
                              links.contact_index[pair_in_session], thread_number, source_count,
                              len(links.contact_ids), log2_values)
    unit_position = np.concatenate([singles[0], sessions[0]])
    unit_contact = np.concatenate([singles[1], sessions[1]])
    return _add_units(model, now, past, interactions, values, unit_position, unit_contact, links.contact_ids)


def _positions(ids: Ints, wanted: Ints) -> Ints:
    """Return the index in `ids` (increasing) of each of `wanted`, which all occur in `ids`."""
    if len(wanted) == 0:
        return np.zeros(0, dtype=np.int64)
    first, span = int(ids[0]), int(ids[-1] - ids[0]) + 1
    if span == len(ids):
        return wanted - first
    if span <= 4 * len(ids) + CHUNK_ROWS:
        lookup = np.empty(span, dtype=np.int64)
        lookup[ids - first] = np.arange(len(ids), dtype=np.int64)
        return lookup[wanted - first]
    return np.searchsorted(ids, wanted)


def _unit_values(model: ScoreModel, interactions: _Interactions, types: list[str]) -> tuple[Floats, Floats]:
    """Return each interaction's value and its log2, by ScoreModel.value per (type, group size)."""
    counts = np.maximum(interactions.participant_count, 0)
    width = int(counts.max(initial=0)) + 1
    keys = interactions.type_index * width + counts
    if len(types) * width <= _DENSE_VALUE_TABLE:
        distinct = np.flatnonzero(np.bincount(keys, minlength=len(types) * width))
        lookup: Ints = keys
    else:
        distinct, lookup = np.unique(keys, return_inverse=True)
    table = np.zeros(len(types) * width if lookup is keys else len(distinct), dtype=np.float64)
    logs = np.full(len(table), -math.inf, dtype=np.float64)
    for slot, key in enumerate(distinct.tolist()):
        type_index, count = divmod(key, width)
        value = model.value(types[type_index], count)
        index = key if lookup is keys else slot
        table[index] = value
        if value > 0:
            logs[index] = math.log2(value)
    return table[lookup], logs[lookup]


def _distinct_pairs(position: Ints, contact: Ints) -> tuple[Ints, Ints]:
    """Return each (interaction, contact) pair once: a contact may take part with two handles."""
    if len(position) < 2:
        return position, contact
    if np.all(position[1:] >= position[:-1]):
        # Rows are grouped by interaction: only interactions with several rows can repeat.
        same = position[1:] == position[:-1]
        shared = np.zeros(len(position), dtype=bool)
        shared[1:] |= same
        shared[:-1] |= same
        alone = ~shared
        position_shared, contact_shared = _sorted_distinct(position[shared], contact[shared])
        return (np.concatenate([position[alone], position_shared]),
                np.concatenate([contact[alone], contact_shared]))
    return _sorted_distinct(position, contact)


def _sorted_distinct(position: Ints, contact: Ints) -> tuple[Ints, Ints]:
    order = np.lexsort((contact, position))
    position, contact = position[order], contact[order]
    keep = np.ones(len(position), dtype=bool)
    keep[1:] = (position[1:] != position[:-1]) | (contact[1:] != contact[:-1])
    return position[keep], contact[keep]


def _session_units(model: ScoreModel, interactions: _Interactions, position: Ints, contact: Ints,
                   thread_number: Ints, source_count: int, contact_count: int,
                   log2_values: Floats) -> tuple[Ints, Ints]:
    """Return (interaction position, contact) of each session's counted message.

    Mirrors ScoreModel.session_units: per contact and (source, thread), messages in
    (occurred_at, id) order, a new session at a gap of session_gap or more, and the counted
    message the one with the highest (worth, occurred_at, id).
    """
    if len(position) == 0:
        return position, contact
    # One number per (thread, source, contact) when it fits in 62 bits, else three sort keys.
    thread = thread_number[position] * max(1, source_count) + interactions.source_index[position]
    if (int(thread.max()) + 1) * max(1, contact_count) < 2 ** 62:
        groups = [thread * max(1, contact_count) + contact]
    else:
        groups = [contact, thread]
    order = np.lexsort((interactions.ids[position], interactions.occurred_at[position], *groups))
    position, contact = position[order], contact[order]
    occurred_at = interactions.occurred_at[position]
    groups = [group[order] for group in groups]

    starts = np.ones(len(position), dtype=bool)
    starts[1:] = occurred_at[1:] - occurred_at[:-1] >= model.session_gap
    for group in groups:
        starts[1:] |= group[1:] != group[:-1]
    first = np.flatnonzero(starts)
    session = np.cumsum(starts) - 1

    # The same expression as ScoreModel.log_worth, so ties and order match it exactly.
    worth = occurred_at / model.half_life + log2_values[position]
    best_worth = np.maximum.reduceat(worth, first)
    rows = np.arange(len(position))
    # Rows are in (occurred_at, id) order within a session: the last row of the highest
    # worth is the highest (worth, occurred_at, id).
    best = np.maximum.reduceat(np.where(worth == best_worth[session], rows, -1), first)
    return position[best], contact[best]


def _add_units(model: ScoreModel, now: int, past: int, interactions: _Interactions, values: Floats,
               position: Ints, contact: Ints, contact_ids: Ints) -> ContactSums:
    value = values[position]
    counted = value > 0
    position, contact, value = position[counted], contact[counted], value[counted]
    occurred_at = interactions.occurred_at[position]

    future = occurred_at > now
    current = np.where(future, value, value * np.exp2(np.minimum(occurred_at - now, 0) / model.half_life))
    before = occurred_at <= past
    before_past = np.where(before, value * np.exp2(np.minimum(occurred_at - past, 0) / model.half_life), 0.0)

    size = len(contact_ids)
    current_sums = np.bincount(contact, weights=current, minlength=size)
    past_sums = np.bincount(contact, weights=before_past, minlength=size)
    scored = np.flatnonzero(np.bincount(contact, minlength=size))
    future_units = [
        FutureUnit(int(contact_ids[c]), int(i), int(at), now, float(v))
        for c, i, at, v in zip(contact[future], interactions.ids[position[future]], occurred_at[future],
                               value[future])
    ]
    return ContactSums(
        {int(contact_ids[c]): float(current_sums[c]) for c in scored},
        {int(contact_ids[c]): float(past_sums[c]) for c in scored if past_sums[c] > 0},
        future_units,
    )


def _id_ranges(connection: sqlite3.Connection, next_id_sql: str) -> list[tuple[int, int]]:
    """Return (low, high] ranges, CHUNK_ROWS ids wide, that cover every id and start at one.

    `next_id_sql` returns the smallest id above its parameter through an index, so empty
    ranges are skipped at the cost of one seek each: there are never more ranges than ids.
    """
    ranges: list[tuple[int, int]] = []
    after = None
    while True:
        row = connection.execute(next_id_sql, (after,) if after is not None else (-(2 ** 63),)).fetchone()
        if row is None or row[0] is None:
            return ranges
        low = int(row[0]) - 1
        after = low + CHUNK_ROWS
        ranges.append((low, after))


def _parse(text: str | None) -> Ints:
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _join(chunks: list[Ints]) -> Ints:
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
