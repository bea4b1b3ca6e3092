"""Reads of stored scores and of the interactions behind them, for the score queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from hub.scores.model import Interaction, ScoreModel, Unit, is_session_message
from hub.storage.readers import ReadPool

# How far before the comparison time recent interactions are read, in seconds, so that
# sessions reaching across it are read whole (longer sessions are read further back).
_LOOKBACK_SECONDS = 86_400

# Most ids bound in one IN (...) list.
_CHUNK = 500


@dataclass
class FutureCorrections:
    """The stored future-dated units, to turn a key into the exact score at `now`."""

    units: dict[int, list[tuple[int, float, float]]] = field(default_factory=dict)

    @property
    def contact_ids(self) -> list[int]:
        return list(self.units)

    def score(self, model: ScoreModel, key: float | None, contact_id: int, now: float) -> float:
        """The score at `now`: the key's value plus, per future unit, full value minus its anchored value."""
        score = model.score_from_key(key, now)
        for occurred_at, anchored_at, value in self.units.get(contact_id, ()):
            score += value * (model.decay(now - occurred_at) - 2.0 ** ((anchored_at - now) / model.half_life))
        return max(0.0, score)


async def future_corrections(reader: ReadPool, model: ScoreModel, now: int) -> FutureCorrections:
    rows = await reader.fetch_all("SELECT contact_id, occurred_at, anchored_at, value FROM score_future_units")
    corrections = FutureCorrections()
    for contact_id, occurred_at, anchored_at, value in rows:
        corrections.units.setdefault(int(contact_id), []).append((int(occurred_at), float(anchored_at), float(value)))
    return corrections


async def keys_of(reader: ReadPool, contact_ids: list[int]) -> dict[int, float]:
    keys: dict[int, float] = {}
    for start in range(0, len(contact_ids), _CHUNK):
        chunk = contact_ids[start:start + _CHUNK]
        rows = await reader.fetch_all(
            f"SELECT contact_id, score_key FROM contact_scores WHERE contact_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        keys.update((int(row[0]), float(row[1])) for row in rows)
    return keys


async def contact_interactions(reader: ReadPool, contact_id: int) -> list[Any]:
    """All of a contact's interactions, each once, with the fields the breakdown shows."""
    return await reader.fetch_all(
        "SELECT i.id, i.type, i.source, i.occurred_at, i.utc_offset_minutes, i.thread_id, i.participant_count,"
        " i.subject FROM interactions i WHERE i.id IN (SELECT p.interaction_id FROM interaction_participants p"
        " JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = ?)",
        [contact_id],
    )


_LINKED_SINCE = (
    "SELECT DISTINCT h.contact_id, i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
    " FROM interactions i JOIN interaction_participants p ON p.interaction_id = i.id"
    " JOIN handles h ON h.id = p.handle_id WHERE i.occurred_at >= ?"
)

_THREAD_MESSAGES_BETWEEN = (
    "SELECT DISTINCT i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
    " FROM interactions i JOIN interaction_participants p ON p.interaction_id = i.id"
    " JOIN handles h ON h.id = p.handle_id"
    " WHERE i.thread_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? AND i.source = ?"
    " AND i.type = 'message' AND h.contact_id = ?"
)


async def recent_units(reader: ReadPool, model: ScoreModel, since: int) -> dict[int, list[Unit]]:
    """Per contact, the units dated after `since` (including future-dated ones)."""
    low = since - max(_LOOKBACK_SECONDS, model.session_gap)
    rows = await reader.fetch_all(_LINKED_SINCE, [low])
    by_contact: dict[int, list[Interaction]] = defaultdict(list)
    for row in rows:
        by_contact[int(row[0])].append(Interaction(int(row[1]), row[2], row[3], int(row[4]), row[5], int(row[6])))

    for contact_id, interactions in by_contact.items():
        interactions.extend(await _session_starts(reader, model, contact_id, interactions, low))

    result: dict[int, list[Unit]] = {}
    for contact_id, interactions in by_contact.items():
        units = [unit for unit in model.units(interactions) if unit.occurred_at > since]
        if units:
            result[contact_id] = units
    return result


async def _session_starts(reader: ReadPool, model: ScoreModel, contact_id: int,
                          interactions: list[Interaction], low: int) -> list[Interaction]:
    """Earlier messages of sessions that were read only from `low` on."""
    earliest: dict[tuple[str, str], int] = {}
    for interaction in interactions:
        if is_session_message(interaction.type, interaction.thread_id):
            thread = (interaction.source, str(interaction.thread_id))
            earliest[thread] = min(earliest.get(thread, interaction.occurred_at), interaction.occurred_at)

    extra: list[Interaction] = []
    for (source, thread_id), first in earliest.items():
        bound = low
        margin = max(_LOOKBACK_SECONDS, model.session_gap)
        while first - bound < model.session_gap:
            start = first - margin
            rows = await reader.fetch_all(_THREAD_MESSAGES_BETWEEN, [thread_id, start, bound, source, contact_id])
            older = [Interaction(int(r[0]), r[1], r[2], int(r[3]), r[4], int(r[5])) for r in rows]
            extra.extend(older)
            if older:
                first = min(m.occurred_at for m in older)
            bound = start
            margin *= 2
    return extra
