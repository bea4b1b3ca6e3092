"""Scores API: the ranked list with fading contacts, and one contact's score explained."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.api.middleware import requires
from hub.api.params import int_param, path_id
from hub.contacts.queries import ContactNotFound
from hub.errors import NotFound, ServiceUnavailable
from hub.scores.queries import MAX_LIMIT, ranked_scores, score_breakdown
from hub.scores.service import ScoreService
from hub.storage.errors import QueryTimeout

SCORES = web.AppKey("scores", ScoreService)

DEFAULT_LIMIT = 50
DEFAULT_FADING_LIMIT = 10


@requires("read")
async def scores_route(request: web.Request) -> web.Response:
    limit = int_param(request, "limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    fading_limit = int_param(request, "fading_limit", DEFAULT_FADING_LIMIT, minimum=0, maximum=MAX_LIMIT)
    try:
        body = await ranked_scores(request.app[keys.DATABASE].reader, request.app[keys.SETTINGS],
                                   now=request.app[SCORES].now(), limit=limit, fading_limit=fading_limit)
    except QueryTimeout:
        raise ServiceUnavailable("computing the scores ran past the time budget; retry later") from None
    return web.json_response(body)


@requires("read")
async def contact_score_route(request: web.Request) -> web.Response:
    contact_id = path_id(request)
    try:
        body = await score_breakdown(request.app[keys.DATABASE].reader, request.app[keys.SETTINGS], contact_id,
                                     now=request.app[SCORES].now())
    except ContactNotFound as exc:
        raise NotFound(str(exc)) from None
    except QueryTimeout:
        raise ServiceUnavailable("computing the score ran past the time budget; retry later") from None
    return web.json_response(body)
