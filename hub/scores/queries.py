"""Read-side score queries shared by the API, the bot and the web page.

`ranked_scores` returns the body of `GET /api/v1/scores` and `score_breakdown` the body of
`GET /api/v1/contacts/{id}/score`; docs/scores.md describes both. Scores are computed at
`now` (default: the current time) from the stored keys, exactly: decay needs no refresh.
`now` must not be earlier than the stored data (an interaction stored at time t counts at
most its full value only from t on).
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hub.contacts.queries import ContactNotFound
from hub.scores.model import SECONDS_PER_DAY, Interaction, ScoreModel, Unit, score_as_of
from hub.scores.reading import (FutureCorrections, contact_interactions, future_corrections, keys_of,
                                recent_units)
from hub.settings import Settings
from hub.storage.readers import ReadPool
from hub.timefmt import rfc3339

COMPARISON_DAYS = 30
TREND_MONTHS = 12
TOP_INTERACTIONS = 10
# Largest `limit` and `fading_limit` of the API, as for the other listings.
MAX_LIMIT = 100

# A difference of two scores smaller than this share of them is rounding, not a score.
_CANCELLATION_LIMIT = 1e-9


async def ranked_scores(reader: ReadPool, settings: Settings, *, now: int | None = None, limit: int = 50,
                        fading_limit: int = 10) -> dict[str, Any]:
    """The `limit` highest scores and up to `fading_limit` fading contacts.

    Each entry: contact_id, name, score (raw), display (0-100), score_30_days_ago,
    display_30_days_ago, rank, last_interaction_at; fading entries add reason ("falling" or
    "silent") and days_since_last_interaction.
    """
    model = ScoreModel(settings.scores)
    now = int(time.time()) if now is None else now
    future = await future_corrections(reader, model, now)

    top = await _top_scores(reader, model, now, limit, future)
    past = await _scores_30_days_ago(reader, model, now, future)
    fading = await _fading(reader, model, settings, now, fading_limit, future, past)

    ids = [contact_id for contact_id, _ in top] + [entry["contact_id"] for entry in fading]
    contacts = await _contact_rows(reader, ids)
    scores = []
    for position, (contact_id, score) in enumerate(top, start=1):
        scores.append(_entry(model, contacts[contact_id], score, past.of(contact_id, score), position))
    for entry in fading:
        contact_id = entry["contact_id"]
        rank = await _rank(reader, model, now, contact_id, entry["score"], future)
        base = _entry(model, contacts[contact_id], entry["score"], entry["score_30_days_ago"], rank)
        last = contacts[contact_id]["last_interaction_at"]
        base["reason"] = entry["reason"]
        base["days_since_last_interaction"] = None if last is None else max(0, (now - last) // SECONDS_PER_DAY)
        entry.clear()
        entry.update(base)
    return {"as_of": rfc3339(now), "scores": scores, "fading": fading}


async def score_breakdown(reader: ReadPool, settings: Settings, contact_id: int, *,
                          now: int | None = None) -> dict[str, Any]:
    """One contact's score explained: by type and source, top interactions, 12-month trend.

    Raises ContactNotFound for an unknown contact. A contact without interactions has
    score 0 and rank None.
    """
    model = ScoreModel(settings.scores)
    now = int(time.time()) if now is None else now
    contact = await reader.fetch_one("SELECT id, name FROM contacts WHERE id = ?", [contact_id])
    if contact is None:
        raise ContactNotFound(contact_id)

    future = await future_corrections(reader, model, now)
    keys = await keys_of(reader, [contact_id])
    score = future.score(model, keys.get(contact_id), contact_id, now)
    rank = await _rank(reader, model, now, contact_id, score, future) if contact_id in keys else None

    rows = await contact_interactions(reader, contact_id)
    details = {int(row["id"]): row for row in rows}
    units = model.units(Interaction(int(r["id"]), r["type"], r["source"], int(r["occurred_at"]), r["thread_id"],
                                    int(r["participant_count"])) for r in rows)
    return {
        "contact_id": contact_id,
        "name": contact["name"],
        "score": score,
        "display": model.display(score),
        "rank": rank,
        "by_type": _sum_by(model, units, now, "type"),
        "by_source": _sum_by(model, units, now, "source"),
        "top_interactions": _top_interactions(model, units, details, now),
        "last_interaction": _last_interaction(rows),
        "trend": _trend(model, units, score, now, ZoneInfo(settings.owner.timezone)),
    }


class _PastScores:
    """Scores 30 days before `now`, from the current ones minus what came since."""

    def __init__(self, model: ScoreModel, now: int, recent: dict[int, float]) -> None:
        self._growth = 2.0 ** (COMPARISON_DAYS * SECONDS_PER_DAY / model.half_life)
        self.recent = recent  # contact id -> contribution now of units dated after the comparison time

    def of(self, contact_id: int, score_now: float) -> float:
        # Units up to the comparison time decayed by `growth` since; the rest came later.
        remainder = score_now - self.recent.get(contact_id, 0.0)
        if remainder <= score_now * _CANCELLATION_LIMIT:
            return 0.0  # everything came later; what is left is rounding
        return remainder * self._growth


async def _scores_30_days_ago(reader: ReadPool, model: ScoreModel, now: int,
                              future: FutureCorrections) -> _PastScores:
    since = now - COMPARISON_DAYS * SECONDS_PER_DAY
    recent = await recent_units(reader, model, since)
    contributions = {contact_id: sum(model.contribution(unit, now) for unit in units)
                     for contact_id, units in recent.items()}
    return _PastScores(model, now, contributions)


async def _top_scores(reader: ReadPool, model: ScoreModel, now: int, limit: int,
                      future: FutureCorrections) -> list[tuple[int, float]]:
    """The `limit` highest (contact id, score) pairs, highest first, ties by contact id."""
    rows = await reader.fetch_all(
        "SELECT contact_id, score_key FROM contact_scores ORDER BY score_key DESC, contact_id LIMIT ?", [limit]
    )
    keys = {int(row[0]): float(row[1]) for row in rows}
    # A future-dated unit counts more than its key shows, so its contact may rank higher.
    keys.update(await keys_of(reader, [c for c in future.contact_ids if c not in keys]))
    scored = [(contact_id, future.score(model, key, contact_id, now)) for contact_id, key in keys.items()]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


async def _fading(reader: ReadPool, model: ScoreModel, settings: Settings, now: int, limit: int,
                  future: FutureCorrections, past: _PastScores) -> list[dict[str, Any]]:
    """Contacts whose display fell the most in 30 days, and strong contacts gone silent."""
    if limit <= 0:
        return []
    silent = await _silent_contacts(reader, model, settings, now)
    active = set(past.recent) | set(future.contact_ids)
    candidates = await _falling_candidates(reader, model, now, limit + len(active))
    candidates.update(await keys_of(reader, [c for c in active | silent if c not in candidates]))

    entries = []
    for contact_id, key in candidates.items():
        score = future.score(model, key, contact_id, now)
        before = past.of(contact_id, score)
        drop = _raw_display(model, before) - _raw_display(model, score)
        if contact_id in silent:
            reason = "silent"
        elif model.display(before) - model.display(score) >= 1:
            reason = "falling"
        else:
            continue
        entries.append((drop, contact_id, {"contact_id": contact_id, "reason": reason, "score": score,
                                           "score_30_days_ago": before}))
    entries.sort(key=lambda item: (-item[0], item[1]))
    return [entry for _, _, entry in entries[:limit]]


async def _silent_contacts(reader: ReadPool, model: ScoreModel, settings: Settings, now: int) -> set[int]:
    """Contacts silent for fading_days whose display right after their last interaction was strong."""
    silent_before = now - settings.scores.fading_days * SECONDS_PER_DAY
    strong = settings.scores.strong_display
    rows = await reader.fetch_all(
        "SELECT s.contact_id, s.score_key, c.last_interaction_at FROM contact_scores s"
        " JOIN contacts c ON c.id = s.contact_id WHERE c.last_interaction_at <= ?",
        [silent_before],
    )
    silent = set()
    for contact_id, key, last in rows:
        # With no unit after `last`, the score then was the key's score at that moment.
        if model.display(model.score_from_key(float(key), float(last))) >= strong:
            silent.add(int(contact_id))
    return silent


async def _falling_candidates(reader: ReadPool, model: ScoreModel, now: int, count: int) -> dict[int, float]:
    """Keys of the contacts that fell the most if idle: those nearest the score of steepest fall.

    An idle contact's score 30 days ago was growth * score, so its display drop,
    100 * (exp(-s / D) - exp(-growth * s / D)), rises then falls with s and peaks at
    s* = D * ln(growth) / (growth - 1). The top idle contacts by drop are the ones nearest
    s* in key order, on either side.
    """
    growth = 2.0 ** (COMPARISON_DAYS * SECONDS_PER_DAY / model.half_life)
    peak = model.display_scale * math.log(growth) / (growth - 1)
    peak_key = model.key_from_score(peak, now)
    below = await reader.fetch_all(
        "SELECT contact_id, score_key FROM contact_scores WHERE score_key <= ?"
        " ORDER BY score_key DESC LIMIT ?", [peak_key, count])
    above = await reader.fetch_all(
        "SELECT contact_id, score_key FROM contact_scores WHERE score_key > ?"
        " ORDER BY score_key ASC LIMIT ?", [peak_key, count])
    return {int(row[0]): float(row[1]) for row in [*below, *above]}


async def _rank(reader: ReadPool, model: ScoreModel, now: int, contact_id: int, score: float,
                future: FutureCorrections) -> int:
    """1 + the number of contacts scoring higher now (equal scores: lower contact id first)."""
    others = [c for c in future.contact_ids if c != contact_id]
    if contact_id in future.contact_ids:
        key = model.key_from_score(score, now)
    else:
        keys = await keys_of(reader, [contact_id])
        key = keys.get(contact_id)
    if key is None:
        return 1 + len(others)

    sql = "SELECT count(*) FROM contact_scores WHERE (score_key > ? OR (score_key = ? AND contact_id < ?))"
    if future.contact_ids:
        # Contacts with future-dated units are counted below from their exact scores.
        sql += f" AND contact_id NOT IN ({', '.join('?' * len(future.contact_ids))})"
    row = await reader.fetch_one(sql, [key, key, contact_id, *future.contact_ids])
    higher = int(row[0]) if row else 0
    other_keys = await keys_of(reader, others)
    for other, other_key in other_keys.items():
        other_score = future.score(model, other_key, other, now)
        if other_score > score or (other_score == score and other < contact_id):
            higher += 1
    return 1 + higher


async def _contact_rows(reader: ReadPool, contact_ids: list[int]) -> dict[int, Any]:
    if not contact_ids:
        return {}
    unique = list(dict.fromkeys(contact_ids))
    rows = await reader.fetch_all(
        f"SELECT id, name, last_interaction_at FROM contacts WHERE id IN ({', '.join('?' * len(unique))})", unique
    )
    return {int(row["id"]): row for row in rows}


def _entry(model: ScoreModel, contact: Any, score: float, before: float, rank: int | None) -> dict[str, Any]:
    return {
        "contact_id": int(contact["id"]),
        "name": contact["name"],
        "score": score,
        "display": model.display(score),
        "score_30_days_ago": before,
        "display_30_days_ago": model.display(before),
        "rank": rank,
        "last_interaction_at": rfc3339(contact["last_interaction_at"]),
    }


def _raw_display(model: ScoreModel, score: float) -> float:
    return 100 * (1 - math.exp(-score / model.display_scale))


def _sum_by(model: ScoreModel, units: list[Unit], now: int, field: str) -> dict[str, float]:
    sums: dict[str, float] = {}
    for unit in units:
        name = getattr(unit, field)
        sums[name] = sums.get(name, 0.0) + model.contribution(unit, now)
    return sums


def _top_interactions(model: ScoreModel, units: list[Unit], details: dict[int, Any],
                      now: int) -> list[dict[str, Any]]:
    ranked = sorted(units, key=lambda u: (-model.contribution(u, now), -u.occurred_at, -u.interaction_id))
    result = []
    for unit in ranked[:TOP_INTERACTIONS]:
        row = details[unit.interaction_id]
        result.append({**_interaction_summary(row), "contribution": model.contribution(unit, now)})
    return result


def _last_interaction(rows: list[Any]) -> dict[str, Any] | None:
    if not rows:
        return None
    latest = max(rows, key=lambda row: (row["occurred_at"], row["id"]))
    return _interaction_summary(latest)


def _interaction_summary(row: Any) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "type": row["type"],
        "source": row["source"],
        "occurred_at": rfc3339(row["occurred_at"], row["utc_offset_minutes"]),
        "subject": row["subject"],
    }


def _trend(model: ScoreModel, units: list[Unit], score_now: float, now: int, zone: ZoneInfo) -> list[dict[str, Any]]:
    """The score at the end of each of the last 12 months in the owner's zone, oldest first.

    The current month has not ended: its point is the score now.
    """
    local = datetime.fromtimestamp(now, zone)
    points = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        year, month = divmod(local.year * 12 + local.month - 1 - back, 12)
        month += 1
        if back == 0:
            value = score_now
        else:
            next_year, next_month = divmod(year * 12 + month, 12)
            month_end = datetime(next_year, next_month + 1, 1, tzinfo=zone).timestamp() - 1
            value = score_as_of(model, units, month_end)
        points.append({"month": f"{year:04d}-{month:02d}", "score": value, "display": model.display(value)})
    return points
