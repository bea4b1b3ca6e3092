"""Read-side score queries shared by the API, the bot and the web page.

`ranked_scores` returns the body of `GET /api/v1/scores` and `score_breakdown` the body of
`GET /api/v1/contacts/{id}/score`; docs/scores.md describes both. Scores are computed at
`now` (default: the current time) from the stored keys, exactly: decay needs no refresh.
`now` must not be earlier than the stored data (an interaction stored at time t counts at
most its full value only from t on).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hub.contacts.queries import ContactNotFound
from hub.scores.fading import fading_contacts
from hub.scores.model import SECONDS_PER_DAY, Interaction, ScoreModel, Unit, score_as_of
from hub.scores.reading import FutureCorrections, PastScores, contact_interactions, future_corrections, stored_keys
from hub.scores.storage import Keys
from hub.settings import Settings
from hub.storage.readers import ReadPool
from hub.timefmt import rfc3339

TREND_MONTHS = 12
TOP_INTERACTIONS = 10
# Largest `limit` and `fading_limit` of the API, as for the other listings.
MAX_LIMIT = 100


async def ranked_scores(reader: ReadPool, settings: Settings, *, now: int | None = None, limit: int = 50,
                        fading_limit: int = 10) -> dict[str, Any]:
    """Return the `limit` highest scores and up to `fading_limit` fading contacts.

    Each entry: contact_id, name, score (raw), display (0-100), score_30_days_ago,
    display_30_days_ago, rank, last_interaction_at; fading entries add reason ("falling" or
    "silent") and days_since_last_interaction.
    """
    model = ScoreModel(settings.scores)
    now = int(time.time()) if now is None else now
    future = await future_corrections(reader, model, now)
    future_scored = await _future_scored(reader, model, now, future)
    past = await PastScores.load(reader, model, now)

    top = await _top_scores(reader, model, now, limit, future_scored)
    fading = await fading_contacts(reader, model, settings, now, fading_limit, future, past)

    ids = [contact_id for contact_id, _, _ in top] + [entry["contact_id"] for entry in fading]
    contacts = await _contact_rows(reader, ids)
    scores = []
    for position, (contact_id, score, keys) in enumerate(top, start=1):
        scores.append(_entry(model, contacts[contact_id], score, past.of(contact_id, keys.past_key), position))
    for entry in fading:
        contact_id = entry["contact_id"]
        rank = await _rank(reader, model, now, contact_id, entry["score"], future_scored)
        base = _entry(model, contacts[contact_id], entry["score"], entry["score_30_days_ago"], rank)
        last = contacts[contact_id]["last_interaction_at"]
        base["reason"] = entry["reason"]
        base["days_since_last_interaction"] = None if last is None else max(0, (now - last) // SECONDS_PER_DAY)
        entry.clear()
        entry.update(base)
    return {"as_of": rfc3339(now), "scores": scores, "fading": fading}


async def score_breakdown(reader: ReadPool, settings: Settings, contact_id: int, *,
                          now: int | None = None) -> dict[str, Any]:
    """Explain one contact's score: by type and source, top interactions, 12-month trend.

    Raises ContactNotFound for an unknown contact. A contact without interactions has
    score 0 and rank None.
    """
    model = ScoreModel(settings.scores)
    now = int(time.time()) if now is None else now
    contact = await reader.fetch_one("SELECT id, name FROM contacts WHERE id = ?", [contact_id])
    if contact is None:
        raise ContactNotFound(contact_id)

    future = await future_corrections(reader, model, now)
    keys = await stored_keys(reader, [contact_id])
    score = future.score(model, keys[contact_id].key if contact_id in keys else None, contact_id, now)
    future_scored = await _future_scored(reader, model, now, future)
    rank = await _rank(reader, model, now, contact_id, score, future_scored) if contact_id in keys else None

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


async def current_scores(reader: ReadPool, settings: Settings, contact_ids: list[int], *,
                         now: int | None = None) -> dict[int, float]:
    """Return the raw score now of each of `contact_ids` (0.0 without interactions), for lists."""
    model = ScoreModel(settings.scores)
    now = int(time.time()) if now is None else now
    future = await future_corrections(reader, model, now)
    keys = await stored_keys(reader, contact_ids)
    return {contact_id: future.score(model, keys[contact_id].key if contact_id in keys else None, contact_id, now)
            for contact_id in contact_ids}


async def _future_scored(reader: ReadPool, model: ScoreModel, now: int,
                         future: FutureCorrections) -> dict[int, tuple[float, Keys]]:
    """Exact scores and keys of the contacts with future-dated units (their keys understate them)."""
    keys = await stored_keys(reader, future.contact_ids)
    return {contact_id: (future.score(model, k.key, contact_id, now), k) for contact_id, k in keys.items()}


async def _top_scores(reader: ReadPool, model: ScoreModel, now: int, limit: int,
                      future_scored: dict[int, tuple[float, Keys]]) -> list[tuple[int, float, Keys]]:
    """Return the `limit` highest (contact id, score, keys), highest first, ties by contact id.

    They are among the first `limit` by key and the contacts with future-dated units,
    because every other contact's score is exactly its key's value.
    """
    rows = await reader.fetch_all(
        "SELECT contact_id, score_key, past_key FROM contact_scores ORDER BY score_key DESC, contact_id LIMIT ?",
        [limit],
    )
    scored = {contact_id: (score, keys) for contact_id, (score, keys) in future_scored.items()}
    for row in rows:
        contact_id = int(row[0])
        if contact_id not in scored:
            keys = Keys(float(row[1]), None if row[2] is None else float(row[2]))
            scored[contact_id] = (model.score_from_key(keys.key, now), keys)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))
    return [(contact_id, score, keys) for contact_id, (score, keys) in ranked[:limit]]


async def _rank(reader: ReadPool, model: ScoreModel, now: int, contact_id: int, score: float,
                future_scored: dict[int, tuple[float, Keys]]) -> int:
    """1 + the number of contacts scoring higher now (equal scores: lower contact id first)."""
    if contact_id in future_scored:
        key = model.key_from_score(score, now)
    else:
        stored = await stored_keys(reader, [contact_id])
        key = stored[contact_id].key if contact_id in stored else None

    higher = 0
    for other, (other_score, _) in future_scored.items():
        if other != contact_id and (other_score > score or (other_score == score and other < contact_id)):
            higher += 1
    if key is None:
        return 1 + higher

    sql = "SELECT count(*) FROM contact_scores WHERE (score_key > ? OR (score_key = ? AND contact_id < ?))"
    if future_scored:
        # Contacts with future-dated units were counted above from their exact scores.
        sql += f" AND contact_id NOT IN ({', '.join('?' * len(future_scored))})"
    row = await reader.fetch_one(sql, [key, key, contact_id, *future_scored])
    return 1 + higher + (int(row[0]) if row else 0)


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
    """Return the score at the end of each of the last 12 months in the owner's zone, oldest first.

    The current month has not ended, so its point is the score now.
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
