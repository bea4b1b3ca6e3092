"""The application factory: `create_app(settings)` builds the hub's aiohttp application."""

from __future__ import annotations

import logging
from typing import AsyncIterator

from aiohttp import web

import bot.app_setup
import hub.scores.app_setup
import hub.web.app_setup
from hub import keys
from hub.api.middleware import IN_FLIGHT, InFlight, auth_middleware, error_middleware, in_flight_middleware
from hub.api.openapi import openapi_document
from hub.api.routes import EXTRA_ROUTES, ROUTES, Route, add_routes
from hub.ingest.validate import OwnerHandles
from hub.settings import Settings
from hub.storage.database import Database

logger = logging.getLogger(__name__)

OPENAPI_ROUTE = Route("GET", "/api/v1/openapi.json", openapi_document, "This OpenAPI document",
                      responses={200: "the OpenAPI document"})


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        middlewares=[in_flight_middleware, error_middleware, auth_middleware],
        client_max_size=settings.server.max_body_bytes,
    )
    app[keys.SETTINGS] = settings
    app[IN_FLIGHT] = InFlight()
    app[keys.OWNER] = OwnerHandles(settings.owner.handles, settings.owner.phone_region)
    app[keys.DATABASE] = Database(settings.database)
    app[EXTRA_ROUTES] = [OPENAPI_ROUTE]

    add_routes(app, ROUTES)
    add_routes(app, [OPENAPI_ROUTE])
    app.cleanup_ctx.append(_database_context)

    # Features built on the core; each adds its own routes and start/stop context.
    hub.scores.app_setup.setup(app)
    bot.app_setup.setup(app)
    hub.web.app_setup.setup(app)
    return app


async def _database_context(app: web.Application) -> AsyncIterator[None]:
    database = app[keys.DATABASE]
    await database.open()
    logger.info("database open at %s", database.path)
    yield
    await database.close()
    logger.info("database closed")
