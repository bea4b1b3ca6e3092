"""API errors: exceptions that carry their HTTP status, and the one JSON error shape.

Every error response has the body

    {"error": {"status": 404, "code": "not_found", "message": "contact 12 not found"}}

and a test pins that shape. Messages name the field and the problem, never message content
or tokens.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None,
                 details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}
        self.details = details


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class InvalidQuery(ApiError):
    status, code = 400, "invalid_query"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="cardmunk"'})


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class QueryTooSlow(ApiError):
    status, code = 422, "query_timeout"


class ServiceUnavailable(ApiError):
    status, code = 503, "storage_unavailable"

    def __init__(self, message: str, retry_after_seconds: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_seconds)})


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   details: list[dict[str, Any]] | None = None) -> web.Response:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if details:
        body["details"] = details
    return web.Response(
        status=status,
        text=json.dumps({"error": body}),
        content_type="application/json",
        headers=headers,
    )


def api_error_response(exc: ApiError) -> web.Response:
    return error_response(exc.status, exc.code, exc.message, exc.headers, exc.details)
