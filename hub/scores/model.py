"""The activity score model: units, their values, decay, and the log-domain score key.

A contact's score at time t is the sum over its *units* of

    value * 2 ** (-max(0, t - occurred_at) / half_life)

where a unit is one interaction, except for chat messages: the contact's messages (type
`message`) in one thread whose gaps are shorter than the session gap form one conversation
session, which counts as one unit. `value` is `weight(type) / n ** group_exponent` with n
the interaction's number of other people (at least 1). A session counts as its most
valuable message: the one with the highest value once the session is over, which is its
latest message whenever the group size stays the same. Everything here is pure: no I/O.

Scores are stored as a *score key* K (seconds): the time at which the score, decaying with
no further interaction, reaches 1, so that score(t) = 2 ** ((K - t) / half_life). K never
changes as time passes, so ranking by K is ranking by score at any time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from hub.scores.settings import ScoresSettings

SECONDS_PER_DAY = 86_400
SESSION_TYPE = "message"
# Scores are compared with the score this long ago (fading, score_30_days_ago).
COMPARISON_SECONDS = 30 * SECONDS_PER_DAY

# A combined key whose linear sum keeps less than this share of the terms that went into
# it is not trusted, because removing units cancelled nearly everything. Callers recompute.
_CANCELLATION_LIMIT = 1e-9


@dataclass(frozen=True)
class Interaction:
    """The fields of an interaction that scoring reads."""

    id: int
    type: str
    source: str
    occurred_at: int
    thread_id: str | None
    participant_count: int


@dataclass(frozen=True)
class Unit:
    """One counted unit: an interaction, or a session counted as one of its messages."""

    interaction_id: int
    type: str
    source: str
    occurred_at: int
    value: float  # weight / n ** group_exponent, before decay


class ScoreModel:
    """The scoring parameters of the [scores] settings, in seconds."""

    def __init__(self, settings: ScoresSettings) -> None:
        self.half_life = settings.half_life_days * SECONDS_PER_DAY
        self.session_gap = settings.session_gap_minutes * 60
        self.group_exponent = settings.group_exponent
        self.weights = settings.weights.model_dump()
        self.display_scale = settings.display_scale

    def fingerprint(self) -> str:
        """Describe every parameter that stored keys depend on; a change needs a recompute."""
        weights = ",".join(f"{name}={value!r}" for name, value in sorted(self.weights.items()))
        return (f"half_life={self.half_life!r};session_gap={self.session_gap!r};"
                f"group_exponent={self.group_exponent!r};weights={weights}")

    def value(self, type_: str, participant_count: int) -> float:
        weight = self.weights.get(type_, self.weights["other"])
        return float(weight) / max(1, participant_count) ** self.group_exponent

    def decay(self, age_seconds: float) -> float:
        """2 ** (-age / half_life); a future-dated interaction (negative age) counts in full."""
        return 2.0 ** (-max(0.0, age_seconds) / self.half_life)

    def contribution(self, unit: Unit, now: float) -> float:
        return unit.value * self.decay(now - unit.occurred_at)

    def display(self, score: float) -> int:
        """Map a score to 0-100; the value depends on the score alone, not on other contacts."""
        return round(100 * (1 - math.exp(-max(0.0, score) / self.display_scale)))

    def units(self, interactions: Iterable[Interaction]) -> list[Unit]:
        """Return one contact's units; `interactions` are that contact's, each once."""
        units: list[Unit] = []
        threads: dict[tuple[str, str], list[Interaction]] = {}
        for interaction in interactions:
            if interaction.thread_id is not None and interaction.type == SESSION_TYPE:
                threads.setdefault((interaction.source, interaction.thread_id), []).append(interaction)
                continue
            value = self.value(interaction.type, interaction.participant_count)
            if value > 0:
                units.append(Unit(interaction.id, interaction.type, interaction.source,
                                  interaction.occurred_at, value))
        for messages in threads.values():
            units.extend(self.session_units(messages))
        return units

    def session_units(self, messages: Sequence[Interaction]) -> list[Unit]:
        """Split one contact's messages of one thread into sessions; one unit per session."""
        ordered = sorted(messages, key=lambda m: (m.occurred_at, m.id))
        units: list[Unit] = []
        session: list[Interaction] = []
        for message in ordered:
            if session and message.occurred_at - session[-1].occurred_at >= self.session_gap:
                units.extend(self._session_unit(session))
                session = []
            session.append(message)
        if session:
            units.extend(self._session_unit(session))
        return units

    def _session_unit(self, session: list[Interaction]) -> list[Unit]:
        best = max(session, key=lambda m: (self.log_worth(m.occurred_at, self.value(m.type, m.participant_count)),
                                           m.occurred_at, m.id))
        value = self.value(best.type, best.participant_count)
        if value <= 0:
            return []
        return [Unit(best.id, best.type, best.source, best.occurred_at, value)]

    def log_worth(self, occurred_at: float, value: float) -> float:
        """log2 of value * 2 ** (occurred_at / half_life): orders messages by lasting value."""
        if value <= 0:
            return -math.inf
        return occurred_at / self.half_life + math.log2(value)

    # The log-domain score key.

    def score_from_key(self, key: float | None, now: float) -> float:
        if key is None:
            return 0.0
        return 2.0 ** ((key - now) / self.half_life)

    def key_from_score(self, score: float, now: float) -> float | None:
        if score <= 0:
            return None
        return now + self.half_life * math.log2(score)

    def combine(self, key: float | None, added: Iterable[tuple[float, float]],
                removed: Iterable[tuple[float, float]] = ()) -> tuple[float | None, bool]:
        """Add and remove (value, anchor) terms to a key; return (new key, trusted).

        Each term counts value * 2 ** ((anchor - t) / half_life) at time t. The sum is taken
        relative to the largest exponent, so no power overflows. `trusted` is False when
        removing terms cancelled nearly all of the sum: the caller must recompute.
        """
        added = list(added)
        removed = list(removed)
        exponents = [anchor for _, anchor in (*added, *removed)]
        if key is not None:
            exponents.append(key)
        if not exponents:
            return None, True
        reference = max(exponents)

        magnitude = 0.0
        total = 0.0
        if key is not None:
            total = magnitude = 2.0 ** ((key - reference) / self.half_life)
        for value, anchor in added:
            term = value * 2.0 ** ((anchor - reference) / self.half_life)
            total += term
            magnitude += term
        for value, anchor in removed:
            term = value * 2.0 ** ((anchor - reference) / self.half_life)
            total -= term
            magnitude += term

        if magnitude == 0.0:
            return None, True
        if total <= magnitude * _CANCELLATION_LIMIT:
            # Either everything was removed (the contact has no units left) or the
            # remainder is too small to trust after rounding; a recompute decides.
            return None, False
        return reference + self.half_life * math.log2(total), True


def is_session_message(type_: str, thread_id: str | None) -> bool:
    """Messages in a thread are counted by session; everything else one by one."""
    return type_ == SESSION_TYPE and thread_id is not None


def score_as_of(model: ScoreModel, units: Iterable[Unit], moment: float) -> float:
    """Return the score at a past `moment`: the units that had occurred by then, decayed to it."""
    return sum((unit.value * model.decay(moment - unit.occurred_at)
                for unit in units if unit.occurred_at <= moment), 0.0)
