"""Reads of stored scores and of the interactions behind them, for the score queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from hub.scores.model import COMPARISON_SECONDS, Interaction, ScoreModel, Unit, is_session_message
from hub.scores.storage import PAST_UNTIL_STATE, Keys
from hub.scores.windows import Window
from hub.storage.readers import ReadPool

# Most ids bound in one IN (...) list.
_CHUNK = 500

# A difference of two scores smaller than this share of them is rounding, not a score.
_CANCELLATION_LIMIT = 1e-9


@dataclass
class FutureCorrections:
    """The stored future-dated units, to turn a key into the exact score at `now`."""

    units: dict[int, list[tuple[int, float, float]]] = field(default_factory=dict)

    @property
    def contact_ids(self) -> list[int]:
        return list(self.units)

    def score(self, model: ScoreModel, key: float | None, contact_id: int, now: float) -> float:
        """Return the score at `now`: the key's value plus, per future unit, its value minus its anchored value."""
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


class PastScores:
    """Scores 30 days before `now`: the stored past keys, corrected by the units dated
    between past_until and that moment (usually less than one refresh interval)."""

    def __init__(self, model: ScoreModel, moment: int, between: dict[int, list[Unit]], sign: int) -> None:
        self._model = model
        self._moment = moment
        self._between = between
        self._sign = sign

    @classmethod
    async def load(cls, reader: ReadPool, model: ScoreModel, now: int) -> PastScores:
        moment = now - COMPARISON_SECONDS
        past_until = await read_past_until(reader)
        if past_until is None:
            # Before the first full recompute no past key is stored: count every unit.
            return cls(model, moment, await units_between(reader, model, -2**62, moment), 1)
        if moment >= past_until:
            return cls(model, moment, await units_between(reader, model, past_until, moment), 1)
        # The clock is behind past_until: take out what the past keys hold beyond the moment.
        return cls(model, moment, await units_between(reader, model, moment, past_until), -1)

    @property
    def corrected_ids(self) -> set[int]:
        """Contacts with units between past_until and the comparison moment."""
        return set(self._between)

    def of(self, contact_id: int, past_key: float | None) -> float:
        base = self._model.score_from_key(past_key, self._moment)
        correction = sum(unit.value * 2.0 ** ((unit.occurred_at - self._moment) / self._model.half_life)
                         for unit in self._between.get(contact_id, ()))
        value = base + self._sign * correction
        if value <= max(base, correction) * _CANCELLATION_LIMIT:
            return 0.0  # nothing left but rounding
        return value


async def stored_keys(reader: ReadPool, contact_ids: list[int]) -> dict[int, Keys]:
    """Both stored keys of each of `contact_ids` that has a score."""
    keys: dict[int, Keys] = {}
    for start in range(0, len(contact_ids), _CHUNK):
        chunk = contact_ids[start:start + _CHUNK]
        rows = await reader.fetch_all(
            "SELECT contact_id, score_key, past_key FROM contact_scores"
            f" WHERE contact_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        keys.update((int(row[0]), _keys(row)) for row in rows)
    return keys


def _keys(row: Any) -> Keys:
    return Keys(float(row[1]), None if row[2] is None else float(row[2]))


async def contact_interactions(reader: ReadPool, contact_id: int) -> list[Any]:
    """Return all of a contact's interactions, each once, with the fields the breakdown shows."""
    return await reader.fetch_all(
        "SELECT i.id, i.type, i.source, i.occurred_at, i.utc_offset_minutes, i.thread_id, i.participant_count,"
        " i.subject FROM interactions i WHERE i.id IN (SELECT p.interaction_id FROM interaction_participants p"
        " JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = ?)",
        [contact_id],
    )


# CROSS JOIN keeps interactions as the outer loop, so the occurred_at index bounds the
# scan (without statistics SQLite would rather scan every participant).
_LINKED_BETWEEN = (
    "SELECT DISTINCT h.contact_id, i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
    " FROM interactions i CROSS JOIN interaction_participants p ON p.interaction_id = i.id"
    " JOIN handles h ON h.id = p.handle_id WHERE i.occurred_at > ? AND i.occurred_at <= ?"
)

_CONTACT_THREAD_MESSAGES = (
    "SELECT DISTINCT i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
    " FROM interactions i JOIN interaction_participants p ON p.interaction_id = i.id"
    " JOIN handles h ON h.id = p.handle_id"
    " WHERE i.thread_id = ? AND i.occurred_at BETWEEN ? AND ? AND i.source = ? AND i.type = 'message'"
    " AND h.contact_id = ?"
)


async def read_past_until(reader: ReadPool) -> int | None:
    row = await reader.fetch_one("SELECT value FROM score_state WHERE name = ?", [PAST_UNTIL_STATE])
    return None if row is None else int(row[0])


async def units_between(reader: ReadPool, model: ScoreModel, low: int, high: int) -> dict[int, list[Unit]]:
    """Per contact, the units dated after `low` and up to `high`, sessions read whole.

    The read-side twin of hub.scores.recompute.units_between.
    """
    singles: dict[int, list[Interaction]] = defaultdict(list)
    threads: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for row in await reader.fetch_all(_LINKED_BETWEEN, [low, high]):
        interaction = Interaction(int(row[1]), row[2], row[3], int(row[4]), row[5], int(row[6]))
        if is_session_message(interaction.type, interaction.thread_id):
            threads[(int(row[0]), interaction.source, str(interaction.thread_id))].append(interaction.occurred_at)
        else:
            singles[int(row[0])].append(interaction)

    result: dict[int, list[Unit]] = {contact_id: model.units(items) for contact_id, items in singles.items()}
    for (contact_id, source, thread_id), times in threads.items():
        messages = await _read_whole_sessions(reader, model, contact_id, source, thread_id, min(times), max(times))
        result.setdefault(contact_id, []).extend(
            unit for unit in model.session_units(messages) if low < unit.occurred_at <= high)
    return {contact_id: units for contact_id, units in result.items() if units}


async def _read_whole_sessions(reader: ReadPool, model: ScoreModel, contact_id: int, source: str, thread_id: str,
                               first: int, last: int) -> list[Interaction]:
    window = Window.around(first, last, model.session_gap)
    while True:
        rows = await reader.fetch_all(_CONTACT_THREAD_MESSAGES,
                                      [thread_id, window.low, window.high, source, contact_id])
        messages = [Interaction(int(r[0]), r[1], r[2], int(r[3]), r[4], int(r[5])) for r in rows]
        if not messages:
            return messages
        wider = window.widened(min(m.occurred_at for m in messages), max(m.occurred_at for m in messages),
                               model.session_gap)
        if wider is None:
            return messages
        window = wider
