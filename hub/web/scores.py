"""Activity scores for the pages, read through the scores feature's query layer (hub/scores/)."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from hub import keys
from hub.contacts.queries import ContactNotFound
from hub.scores.model import ScoreModel
from hub.scores.queries import score_breakdown
from hub.scores.reading import future_corrections, keys_of


async def contact_score(request: web.Request, contact_id: int) -> dict[str, Any] | None:
    """Return the contact's score breakdown with its 12-month trend; None if the contact is gone."""
    try:
        breakdown: dict[str, Any] = await score_breakdown(
            request.app[keys.DATABASE].reader, request.app[keys.SETTINGS], contact_id
        )
    except ContactNotFound:
        return None
    return breakdown


async def display_scores(request: web.Request, contact_ids: list[int]) -> dict[int, int]:
    """Return the 0-100 score of each contact now."""
    if not contact_ids:
        return {}
    reader = request.app[keys.DATABASE].reader
    model = ScoreModel(request.app[keys.SETTINGS].scores)
    now = int(time.time())
    # The same steps as score_breakdown: the stored key, corrected for future-dated units.
    future = await future_corrections(reader, model, now)
    stored = await keys_of(reader, contact_ids)
    return {contact_id: model.display(future.score(model, stored.get(contact_id), contact_id, now))
            for contact_id in contact_ids}
