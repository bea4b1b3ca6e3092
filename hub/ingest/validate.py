"""Validation of pushed items, on the event loop, before anything reaches the writer.

Each item is checked alone: an invalid item gets errors that name the field and say what
is wrong, and never stops the valid items of the same batch. Error messages show the value
only for fields whose values are not personal (enums, timestamps, numbers): content,
subjects, names and handles are never echoed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hub.contacts.handles import InvalidHandle, MissingRegion, normalize_handle
from hub.ingest.item import InteractionItem

# Fields whose offending value may be shown in an error message.
_ECHOED_FIELDS = {"source", "type", "occurred_at", "direction", "duration_seconds", "kind", "role"}
_MAX_ECHO_CHARS = 60
# Normalising a phone number through libphonenumber costs about 40 µs, more than the rest of
# an item's validation. A history repeats the same few thousand handles over and over, so
# results are cached. Invalid handles raise and are not cached.
_HANDLE_CACHE_SIZE = 65_536
_normalize_handle = functools.lru_cache(maxsize=_HANDLE_CACHE_SIZE)(normalize_handle)


def region_hint(error: InvalidHandle) -> str:
    """Return how to fix a phone number without a country code at the hub, or ""."""
    if isinstance(error, MissingRegion):
        return "; write the number with its country code or set owner.phone_region in the hub's config"
    return ""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass(frozen=True)
class LinkedParticipant:
    """A participant whose handle was normalised; `is_owner` marks the owner's own handles."""

    kind: str
    handle: str
    name: str | None
    role: str | None
    is_owner: bool


@dataclass(frozen=True)
class ValidItem:
    index: int
    item: InteractionItem
    participants: list[LinkedParticipant]
    direction: str | None


@dataclass(frozen=True)
class InvalidItem:
    index: int
    errors: list[FieldError]


class OwnerHandles:
    """The owner's own handles, normalised, from settings entries like "email:me@example.com"."""

    def __init__(self, entries: list[str], phone_region: str | None) -> None:
        self.phone_region = phone_region
        self._handles: set[tuple[str, str]] = set()
        for entry in entries:
            kind, _, raw = entry.partition(":")
            try:
                self._handles.add((kind, normalize_handle(kind, raw, phone_region)))
            except MissingRegion as exc:
                raise MissingRegion(f"{exc}{region_hint(exc)}") from exc

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._handles


def validate_item(index: int, raw: Any, owner: OwnerHandles) -> ValidItem | InvalidItem:
    if not isinstance(raw, dict):
        return InvalidItem(index, [FieldError("", f"must be a JSON object, got {_json_type(raw)}")])
    try:
        item = InteractionItem.model_validate(raw)
    except ValidationError as exc:
        return InvalidItem(index, [field_error(error) for error in exc.errors()])

    errors: list[FieldError] = []
    linked: list[LinkedParticipant] = []
    for position, participant in enumerate(item.participants):
        try:
            handle = _normalize_handle(participant.kind, participant.handle, owner.phone_region)
        except InvalidHandle as exc:
            message = f"{exc} (kind {participant.kind}){region_hint(exc)}"
            errors.append(FieldError(f"participants[{position}].handle", message))
            continue
        linked.append(
            LinkedParticipant(
                kind=participant.kind,
                handle=handle,
                name=participant.name.strip() or None if participant.name else None,
                role=participant.role,
                is_owner=(participant.kind, handle) in owner,
            )
        )
    if errors:
        return InvalidItem(index, errors)
    return ValidItem(index, item, linked, item.direction or _infer_direction(linked))


def _infer_direction(participants: list[LinkedParticipant]) -> str | None:
    """Outbound when the owner sent it, inbound when the owner only received it."""
    senders = [p for p in participants if p.role in ("from", "organizer")]
    if any(p.is_owner for p in senders):
        return "outbound"
    if senders and any(p.is_owner for p in participants):
        return "inbound"
    return None


def field_error(error: Any) -> FieldError:
    """Turn one pydantic error into a FieldError, echoing the value only for safe fields."""
    field = ""
    for part in error["loc"]:
        if isinstance(part, int):
            field += f"[{part}]"
        elif field:
            field += f".{part}"
        else:
            field = str(part)

    message = _MESSAGES.get(error["type"], error["msg"])
    last = next((p for p in reversed(error["loc"]) if isinstance(p, str)), "")
    value = error.get("input")
    if last in _ECHOED_FIELDS and isinstance(value, (str, int, float, bool)) and error["type"] != "missing":
        shown = repr(value)
        if len(shown) > _MAX_ECHO_CHARS:
            shown = shown[:_MAX_ECHO_CHARS] + "..."
        message = f"{message}, got {shown}"
    return FieldError(field, message)


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "timezone_aware": "must be an RFC 3339 timestamp with an offset (naive timestamps are ambiguous)",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )
