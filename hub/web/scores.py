"""Activity scores for the pages, read through the scores feature's query layer (hub/scores/)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.contacts.queries import ContactNotFound
from hub.scores.model import ScoreModel
from hub.scores.queries import current_scores, score_breakdown


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
    settings = request.app[keys.SETTINGS]
    scores = await current_scores(request.app[keys.DATABASE].reader, settings, contact_ids)
    model = ScoreModel(settings.scores)
    return {contact_id: model.display(score) for contact_id, score in scores.items()}
