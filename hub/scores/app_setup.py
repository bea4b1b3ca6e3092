"""Hook the activity scores into the hub's aiohttp application."""

from __future__ import annotations

from typing import AsyncIterator

from aiohttp import web

from hub import keys
from hub.api.ingest import INGEST_HOOKS
from hub.api.routes import EXTRA_ROUTES, Route, add_routes
from hub.contacts import edits
from hub.scores.api import SCORES, contact_score_route, scores_route
from hub.scores.jobs import ScoreJobs
from hub.scores.service import ScoreService

SCORE_JOBS = web.AppKey("score_jobs", ScoreJobs)

ROUTES = [
    Route("GET", "/api/v1/scores", scores_route,
          "Contacts ranked by activity score, and contacts whose score is fading",
          ("limit", "fading_limit"), responses={200: "the ranked and the fading contacts"}),
    Route("GET", "/api/v1/contacts/{id}/score", contact_score_route,
          "A contact's activity score explained: by type and source, top interactions, 12-month trend",
          responses={200: "the score breakdown", 404: "contact not found"}),
]


def setup(app: web.Application) -> None:
    """Add the score routes, the ingest hook, and the start/stop of the score jobs to `app`."""
    service = ScoreService(app[keys.DATABASE], app[keys.SETTINGS])
    app[SCORES] = service
    app[SCORE_JOBS] = ScoreJobs(service)
    app[INGEST_HOOKS] = [*app.get(INGEST_HOOKS, []), service.ingest_hook]
    app[EXTRA_ROUTES].extend(ROUTES)
    add_routes(app, ROUTES)
    app.cleanup_ctx.append(_scores_context)


async def _scores_context(app: web.Application) -> AsyncIterator[None]:
    """Start the jobs after the database opened; stop them (waiting for one in progress) before it closes."""
    service = app[SCORES]
    jobs = app[SCORE_JOBS]
    await jobs.start()
    edits.change_hooks.append(service.change_hook)
    try:
        yield
    finally:
        edits.change_hooks.remove(service.change_hook)
        await jobs.stop()
