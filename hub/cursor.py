"""Opaque keyset-pagination cursors: the sort key of the last row of a page."""

from __future__ import annotations

import base64
import json
from typing import Any


class InvalidCursor(ValueError):
    pass


def encode_cursor(kind: str, values: list[Any]) -> str:
    raw = json.dumps([kind, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, arity: int) -> list[Any]:
    """Return the values of a cursor made for `kind`, or raise InvalidCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("is not a cursor returned by this API") from None
    if not isinstance(data, list) or len(data) != arity + 1 or data[0] != kind:
        raise InvalidCursor("belongs to another listing or sort order; start without a cursor")
    values = data[1:]
    if not all(isinstance(v, (int, float, str)) and not isinstance(v, bool) or v is None for v in values):
        raise InvalidCursor("is not a cursor returned by this API")
    return values
