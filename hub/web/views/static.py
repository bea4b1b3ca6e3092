"""Serve the web page's static files (`/static/{name}`) from the package."""

from __future__ import annotations

from aiohttp import web

from hub.web.assets import CACHE_SECONDS
from hub.web.keys import ASSETS
from hub.web.pages import PageError, page


@page(login_required=False)
async def static_file(request: web.Request) -> web.StreamResponse:
    asset = request.app[ASSETS].get(request.match_info["name"])
    if asset is None:
        raise PageError(404, "There is no such file.")
    return web.Response(body=asset.body, content_type=asset.content_type,
                        headers={"Cache-Control": f"public, max-age={CACHE_SECONDS}"})
