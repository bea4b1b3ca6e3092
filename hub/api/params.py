"""Reading request bodies and query parameters, with errors that name the field."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from hub.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

logger = logging.getLogger(__name__)

_READ_CHUNK = 64 * 1024


async def read_json(request: web.Request, max_bytes: int) -> Any:
    """Return the parsed JSON body; 415 unless JSON, 413 past `max_bytes`, 400 if malformed."""
    return parse_json(await read_body(request, max_bytes))


async def read_body(request: web.Request, max_bytes: int) -> bytes:
    """Return the body of a JSON request unparsed: 415 unless JSON, 413 past `max_bytes`."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType(
            f"Content-Type must be application/json, got {request.content_type or 'none'}"
        )
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLarge(f"body is {request.content_length} bytes; at most {max_bytes}")

    logger.debug("reading the body of %s %s (%s bytes announced)", request.method, request.path,
                 request.content_length)
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(_READ_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"body is larger than {max_bytes} bytes")
        chunks.append(chunk)

    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """Return the parsed body, or raise BadRequest (400) if it is empty or malformed."""
    if not raw.strip():
        raise BadRequest("body is empty; send a JSON object")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadRequest(f"body is not valid UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise BadRequest("body is nested too deeply") from None


def int_param(request: web.Request, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"query parameter {name} must be an integer, got {raw[:40]!r}") from None
    if not minimum <= value <= maximum:
        raise BadRequest(f"query parameter {name} must be between {minimum} and {maximum}, got {value}")
    return value


def choice_param(request: web.Request, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        raise BadRequest(f"query parameter {name} must be one of {', '.join(allowed)}, got {raw[:40]!r}")
    return raw


def list_param(request: web.Request, name: str, allowed: tuple[str, ...]) -> list[str]:
    """Values of a repeatable, comma-separable parameter (`source=email,phone&source=signal`)."""
    values: list[str] = []
    for raw in request.query.getall(name, []):
        for value in raw.split(","):
            value = value.strip()
            if not value:
                continue
            if value not in allowed:
                raise BadRequest(f"query parameter {name} must be one of {', '.join(allowed)}, got {value[:40]!r}")
            values.append(value)
    return values


def path_id(request: web.Request, name: str = "id") -> int:
    raw = request.match_info[name]
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} in the path must be an integer, got {raw[:40]!r}") from None
    if not 1 <= value <= 2**63 - 1:
        raise BadRequest(f"{name} in the path must be a positive integer, got {value}")
    return value


def object_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    return body
