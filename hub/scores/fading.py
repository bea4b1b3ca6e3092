"""The fading list: contacts whose display fell the most over 30 days, and strong contacts
that went silent.

A contact's fall is display(30 days ago) - display(now). Its score now is at least its score
then divided by growth = 2 ** (30 days / half_life) (units only decay; new ones add), so the
fall is at most bound(s) = 100 * (exp(-s / (growth * D)) - exp(-s / D)) for s its score 30
days ago and D the display scale. That bound rises then falls with s, peaking at
s* = D * growth * ln(growth) / (growth - 1). Contacts are therefore read in past_key order
outward from s*, on both sides. The walk stops once the bound of the next contact on either
side is below the fall of the `limit`-th entry found, usually after a few dozen rows.

Contacts whose past score needs a correction (units dated between past_until and 30 days
ago) are evaluated first; every contact read is evaluated exactly, future-dated units
included.
"""

from __future__ import annotations

import math
from typing import Any

from hub.scores.model import COMPARISON_SECONDS, SECONDS_PER_DAY, ScoreModel
from hub.scores.reading import FutureCorrections, PastScores
from hub.settings import Settings
from hub.storage.readers import ReadPool

_PAGE = 64

_COLUMNS = ("SELECT s.contact_id, s.score_key, s.past_key, c.last_interaction_at"
            " FROM contact_scores s JOIN contacts c ON c.id = s.contact_id")


class _Walk:
    """Contacts in past_key order from the peak outward, on one side, a page at a time."""

    def __init__(self, reader: ReadPool, peak_key: float, downward: bool) -> None:
        self._reader = reader
        self._downward = downward
        self._after: tuple[float, int] | None = None
        self._peak_key = peak_key
        self._rows: list[Any] = []
        self._done = False

    async def next_row(self) -> Any | None:
        """Return the next row without taking it, or None at the end."""
        if not self._rows and not self._done:
            await self._read_page()
        return self._rows[0] if self._rows else None

    def take(self) -> Any:
        return self._rows.pop(0)

    async def _read_page(self) -> None:
        if self._downward:
            order = "ORDER BY s.past_key DESC, s.contact_id DESC"
            if self._after is None:
                where, params = "s.past_key <= ?", [self._peak_key]
            else:
                key, contact_id = self._after
                where, params = "(s.past_key < ? OR (s.past_key = ? AND s.contact_id < ?))", [key, key, contact_id]
        else:
            order = "ORDER BY s.past_key ASC, s.contact_id ASC"
            if self._after is None:
                where, params = "s.past_key > ?", [self._peak_key]
            else:
                key, contact_id = self._after
                where, params = "(s.past_key > ? OR (s.past_key = ? AND s.contact_id > ?))", [key, key, contact_id]
        rows = await self._reader.fetch_all(f"{_COLUMNS} WHERE {where} {order} LIMIT ?", [*params, _PAGE])
        self._rows = list(rows)
        if len(rows) < _PAGE:
            self._done = True
        if rows:
            self._after = (float(rows[-1]["past_key"]), int(rows[-1]["contact_id"]))


class _Fading:
    def __init__(self, model: ScoreModel, settings: Settings, now: int, future: FutureCorrections,
                 past: PastScores) -> None:
        self.model = model
        self.now = now
        self.future = future
        self.past = past
        self.growth = 2.0 ** (COMPARISON_SECONDS / model.half_life)
        self.silent_before = now - settings.scores.fading_days * SECONDS_PER_DAY
        self.strong = settings.scores.strong_display
        self.entries: list[tuple[float, int, dict[str, Any]]] = []

    def bound(self, row: Any) -> float:
        """Largest possible fall of a contact without corrections, from its past key alone."""
        before = self.model.score_from_key(float(row["past_key"]), self.now - COMPARISON_SECONDS)
        scale = self.model.display_scale
        return 100 * (math.exp(-before / (self.growth * scale)) - math.exp(-before / scale))

    def peak_key(self) -> float:
        growth, scale = self.growth, self.model.display_scale
        peak = scale * growth * math.log(growth) / (growth - 1)
        return self.now - COMPARISON_SECONDS + self.model.half_life * math.log2(peak)

    def evaluate(self, row: Any) -> None:
        contact_id = int(row["contact_id"])
        key = float(row["score_key"])
        past_key = None if row["past_key"] is None else float(row["past_key"])
        score = self.future.score(self.model, key, contact_id, self.now)
        before = self.past.of(contact_id, past_key)
        if self._silent(row, key, contact_id):
            reason = "silent"
        elif self.model.display(before) - self.model.display(score) >= 1:
            reason = "falling"
        else:
            return
        drop = _raw_display(self.model, before) - _raw_display(self.model, score)
        self.entries.append((drop, contact_id, {"contact_id": contact_id, "reason": reason, "score": score,
                                                "score_30_days_ago": before}))

    def threshold(self, limit: int) -> float:
        """The fall an entry must exceed to enter the first `limit` ones."""
        if len(self.entries) < limit:
            return -math.inf
        self.entries.sort(key=lambda item: (-item[0], item[1]))
        del self.entries[limit:]
        return self.entries[-1][0]

    def _silent(self, row: Any, key: float, contact_id: int) -> bool:
        """Silent for fading_days, with a strong display right after the last interaction."""
        last = row["last_interaction_at"]
        if last is None or last > self.silent_before:
            return False
        # No unit came after `last`, so the stored keys give the score at that moment.
        return self.model.display(self.future.score(self.model, key, contact_id, float(last))) >= self.strong


async def fading_contacts(reader: ReadPool, model: ScoreModel, settings: Settings, now: int, limit: int,
                          future: FutureCorrections, past: PastScores) -> list[dict[str, Any]]:
    """Up to `limit` fading contacts, the largest fall first (ties: lower contact id)."""
    if limit <= 0:
        return []
    fading = _Fading(model, settings, now, future, past)

    # The bound needs the past score from past_key alone; the others are evaluated first.
    exact = sorted(past.corrected_ids)
    for start in range(0, len(exact), 500):
        chunk = exact[start:start + 500]
        for row in await reader.fetch_all(f"{_COLUMNS} WHERE s.contact_id IN ({', '.join('?' * len(chunk))})",
                                          chunk):
            fading.evaluate(row)
    skip = set(exact)

    walks = [_Walk(reader, fading.peak_key(), downward=True), _Walk(reader, fading.peak_key(), downward=False)]
    while True:
        heads = [(walk, await walk.next_row()) for walk in walks]
        open_heads = [(fading.bound(row), walk) for walk, row in heads if row is not None]
        if not open_heads:
            break
        bound, walk = max(open_heads, key=lambda item: item[0])
        if bound < fading.threshold(limit):
            break
        row = walk.take()
        if int(row["contact_id"]) not in skip:
            fading.evaluate(row)

    fading.threshold(limit)
    return [entry for _, _, entry in sorted(fading.entries, key=lambda item: (-item[0], item[1]))[:limit]]


def _raw_display(model: ScoreModel, score: float) -> float:
    return 100 * (1 - math.exp(-score / model.display_scale))
