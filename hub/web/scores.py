"""Activity scores for the pages, read through the scores feature's query layer."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.contacts.queries import ContactNotFound

try:
    from hub.scores.queries import score_breakdown
except ImportError:  # TODO: drop this guard once hub/scores/queries.py is in the tree.
    score_breakdown = None


async def contact_score(request: web.Request, contact_id: int) -> dict[str, Any] | None:
    """Return the contact's score breakdown with its 12-month trend, or None without scores."""
    if score_breakdown is None:
        return None
    try:
        breakdown: dict[str, Any] = await score_breakdown(
            request.app[keys.DATABASE].reader, request.app[keys.SETTINGS], contact_id
        )
    except ContactNotFound:
        return None
    return breakdown
