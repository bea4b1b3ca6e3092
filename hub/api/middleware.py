"""Middlewares: authentication by bearer token, and every error as the one JSON shape."""

from __future__ import annotations

import asyncio
import logging

from typing import Awaitable, Callable

from aiohttp import web

from hub import keys
from hub.errors import (ApiError, Forbidden, MethodNotAllowed, NotFound, PayloadTooLarge,
                        ServiceUnavailable, Unauthorized, api_error_response, error_response)
from hub.storage.errors import StorageUnavailable
from hub.tokens import GRANTS, secret_matches, split_token

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SCOPE_ATTRIBUTE = "_cardmunk_scope"
TOKEN_NAME = web.RequestKey("token_name", str)
PUBLIC = "public"


def requires(scope: str) -> Callable[[Handler], Handler]:
    """Mark a handler with the token scope it needs ("ingest", "read", "admin" or "public")."""
    def mark(handler: Handler) -> Handler:
        setattr(handler, SCOPE_ATTRIBUTE, scope)
        return handler
    return mark


def required_scope(handler: object) -> str | None:
    return getattr(handler, SCOPE_ATTRIBUTE, None)


class InFlight:
    """Count of requests being handled, so shutdown can wait for them to finish."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self.count += 1
        self._idle.clear()

    def leave(self) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def wait_idle(self) -> None:
        await self._idle.wait()


IN_FLIGHT = web.AppKey("in_flight", InFlight)


@web.middleware
async def in_flight_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    tracker = request.app[IN_FLIGHT]
    tracker.enter()
    try:
        return await handler(request)
    finally:
        tracker.leave()


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return api_error_response(exc)
    except StorageUnavailable:
        return api_error_response(ServiceUnavailable("storage is unavailable; retry later"))
    except web.HTTPRequestEntityTooLarge:
        return api_error_response(PayloadTooLarge("request body is too large"))
    except web.HTTPNotFound:
        return api_error_response(NotFound(f"no route for {request.path}"))
    except web.HTTPMethodNotAllowed as exc:
        allowed = ", ".join(sorted(exc.allowed_methods))
        error = MethodNotAllowed(f"{request.method} is not allowed here; use {allowed}")
        error.headers["Allow"] = allowed
        return api_error_response(error)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(exc.status, "http_error", exc.reason)
    except Exception:
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "internal_error", "internal error; the hub log has the details")


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route
    scope = required_scope(getattr(route, "handler", None))
    if scope is None:
        # Unknown routes fall through to the router's 404/405; a route without a declared
        # scope is closed rather than open by mistake.
        if request.match_info.http_exception is not None:
            return await handler(request)
        raise Forbidden("this route declares no access scope")
    if scope != PUBLIC:
        await authenticate(request, scope)
    return await handler(request)


async def authenticate(request: web.Request, scope: str) -> str:
    """Check the bearer token against `scope`; return the token's name."""
    header = request.headers.get("Authorization", "")
    method, _, token = header.partition(" ")
    if not header:
        raise Unauthorized("missing Authorization header; send Authorization: Bearer <token>")
    if method.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization header must be Bearer <token>")
    parts = split_token(token.strip())
    if parts is None:
        raise Unauthorized("malformed token")

    key_id, secret = parts
    database = request.app[keys.DATABASE]
    row = await database.reader.fetch_one(
        "SELECT name, scope, secret_hash, revoked_at FROM tokens WHERE key_id = ?", [key_id]
    )
    if row is None or not secret_matches(row["secret_hash"], secret):
        raise Unauthorized("unknown token")
    if row["revoked_at"] is not None:
        raise Unauthorized("token has been revoked")
    if scope not in GRANTS.get(row["scope"], set()):
        raise Forbidden(f"a token of scope {row['scope']} cannot do this; it needs scope {scope}")
    request[TOKEN_NAME] = row["name"]
    return str(row["name"])


class AccessLogger(web.AbstractAccessLogger):
    """Log method, path, status and time; never the query string, which holds search text."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time_taken: float) -> None:
        self.logger.info("%s %s %d %.1fms", request.method, request.path, response.status, time_taken * 1000)

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


