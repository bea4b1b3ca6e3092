"""Value conventions of "SMS Backup & Restore" attributes, and building items safely.

- `date` is epoch milliseconds in UTC. `readable_date` is the same instant in the phone's
  zone and locale at backup time, so it is never read.
- Absent values are the string `null`, because the app copies database columns as they are.
- `contact_name` is `(Unknown)` when the number matched no contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import ValidationError

from bridges.core.records import InteractionItem, ParseError

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NULL = "null"
UNKNOWN_CONTACT_NAMES = frozenset({"(Unknown)", NULL, ""})
MAX_NAME_CHARS = 200


class InvalidRecord(ValueError):
    """A record attribute that cannot be read; the message names the attribute, not its value."""


def optional_text(raw: str | None) -> str | None:
    """Return the attribute value, or None for a missing, empty or `null` value."""
    if raw is None or raw == "" or raw == NULL:
        return None
    return raw


def contact_name(raw: str | None) -> str | None:
    """Return the contact name, or None when the app wrote a placeholder."""
    name = (raw or "").replace("\x00", "").strip()
    if name in UNKNOWN_CONTACT_NAMES:
        return None
    return name[:MAX_NAME_CHARS]


def epoch_ms(raw: str | None, attribute: str) -> datetime:
    """Return the UTC instant of an epoch-milliseconds attribute."""
    text = (raw or "").strip()
    if not text.lstrip("-").isdigit():
        raise InvalidRecord(f"{attribute} is missing or not epoch milliseconds")
    return EPOCH + timedelta(milliseconds=int(text))


def integer(raw: str | None, attribute: str) -> int:
    """Return an integer attribute."""
    text = (raw or "").strip()
    if not text.lstrip("-").isdigit():
        raise InvalidRecord(f"{attribute} is missing or not an integer")
    return int(text)


def describe_validation_error(error: ValidationError) -> str:
    """Describe a rejected item by field and rule only, because pydantic echoes the input."""
    problems = [
        f"{'.'.join(str(part) for part in detail['loc'])}: {detail['msg']}" for detail in error.errors()
    ]
    return "invalid interaction: " + "; ".join(problems)


def build_item(path: str, location: str, fields: dict[str, Any]) -> InteractionItem | ParseError:
    """Return the item for `fields`, or a ParseError when the model rejects them."""
    try:
        return InteractionItem(**fields)
    except ValidationError as exc:
        return ParseError(path, location, describe_validation_error(exc))
