"""`GET /healthz`: liveness and database reachability, without authentication."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.api.middleware import requires
from hub.storage.errors import StorageUnavailable


@requires("public")
async def healthz(request: web.Request) -> web.Response:
    try:
        await request.app[keys.DATABASE].reader.fetch_one("SELECT 1")
    except StorageUnavailable:
        return web.json_response({"status": "unavailable"}, status=503, headers={"Retry-After": "5"})
    return web.json_response({"status": "ok"})
