"""Validation of pushed items, on the event loop, before anything reaches the writer.

Each item is checked alone: an invalid item gets errors that name the field and say what
is wrong, and never stops the valid items of the same batch. Error messages show the value
only for fields whose values are not personal (enums, timestamps, numbers): content,
subjects, names and handles are never echoed.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hub.contacts.handles import InvalidHandle, MissingRegion, normalize_handle
from hub.ingest.item import (
    EARLIEST_OCCURRED_AT,
    LATEST_OCCURRED_AT,
    MAX_METADATA_BYTES,
    InteractionFields,
    InteractionItem,
    metadata_size,
)

# Fields whose offending value may be shown in an error message.
_ECHOED_FIELDS = {"source", "type", "occurred_at", "direction", "duration_seconds", "kind", "role"}
_MAX_ECHO_CHARS = 60
# Normalising a phone number through libphonenumber costs about 40 µs, more than the rest of
# an item's validation. A history repeats the same few thousand handles over and over, so
# results are cached. Invalid handles raise and are not cached.
_HANDLE_CACHE_SIZE = 65_536
_normalize_handle = functools.lru_cache(maxsize=_HANDLE_CACHE_SIZE)(normalize_handle)

_ITEM_FIELDS = TypeAdapter(InteractionFields)
_BATCH_FIELDS = TypeAdapter(list[InteractionFields])
_EARLIEST_TIMESTAMP = EARLIEST_OCCURRED_AT.timestamp()
_LATEST_TIMESTAMP = LATEST_OCCURRED_AT.timestamp()


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


@dataclass(slots=True)
class LinkedParticipant:
    """A participant whose handle was normalised; `is_owner` marks the owner's own handles."""

    kind: str
    handle: str
    name: str | None
    role: str | None
    is_owner: bool


@dataclass(slots=True)
class ValidItem:
    """A valid item with its values ready for storage; unset optional fields are None."""

    index: int
    source: str
    source_id: str
    type: str
    occurred_at: int  # UTC epoch seconds
    utc_offset_minutes: int
    direction: str | None
    duration_seconds: int | None
    subject: str | None
    content: str | None
    thread_id: str | None
    metadata: str  # compact JSON
    participants: list[LinkedParticipant]
    # The participants other than the owner, each handle once (the first role seen wins):
    # the ones linked to contacts. Derived here to keep the work out of the writer thread.
    others: list[LinkedParticipant]


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


def validate_batch(raw_items: list[Any], owner: OwnerHandles,
                   indexes: list[int] | None = None) -> list[ValidItem | InvalidItem]:
    """Validate a batch. In the usual all-valid case, pydantic-core checks it in one call.

    `indexes` are the items' positions in the request (default: their positions in `raw_items`).
    """
    if indexes is None:
        indexes = list(range(len(raw_items)))
    try:
        checked = _BATCH_FIELDS.validate_python(raw_items)
    except ValidationError:
        return [validate_item(index, raw, owner) for index, raw in zip(indexes, raw_items)]
    return [_linked(index, raw, fields, owner) for index, raw, fields in zip(indexes, raw_items, checked)]


def validate_item(index: int, raw: Any, owner: OwnerHandles) -> ValidItem | InvalidItem:
    if not isinstance(raw, dict):
        return InvalidItem(index, [FieldError("", f"must be a JSON object, got {_json_type(raw)}")])
    try:
        fields = _ITEM_FIELDS.validate_python(raw)
    except ValidationError:
        return _validate_with_model(index, raw, owner)
    return _linked(index, raw, fields, owner)


def _validate_with_model(index: int, raw: Any, owner: OwnerHandles) -> ValidItem | InvalidItem:
    """Validate with InteractionItem, whose errors are the ones reported to the client."""
    try:
        item = InteractionItem.model_validate(raw)
    except ValidationError as exc:
        return InvalidItem(index, [field_error(error) for error in exc.errors()])
    # InteractionItem accepts nothing that InteractionFields and _passes_python_checks reject.
    # If the two ever drift apart, the model's decision is the one reported.
    fields = item.model_dump()
    return _linked(index, raw, fields, owner, checked=True)


def _passes_python_checks(fields: dict[str, Any], timestamp: float) -> bool:
    """Apply the checks that InteractionItem makes with Python validators.

    `timestamp` is occurred_at as epoch seconds. Comparing it with the limits as floats
    decides as comparing the datetimes does, because both limits are whole seconds and
    doubles near 4e9 are 0.48 µs apart, closer than datetime's 1 µs steps.
    """
    for name in ("source_id", "subject", "content", "thread_id"):
        value = fields.get(name)
        if value is not None and "\x00" in value:
            return False
    for participant in fields.get("participants", ()):
        if "\x00" in participant["handle"]:
            return False
        name = participant.get("name")
        if name is not None and "\x00" in name:
            return False
    if not _EARLIEST_TIMESTAMP <= timestamp < _LATEST_TIMESTAMP:
        return False
    metadata = fields.get("metadata")
    return not metadata or metadata_size(metadata) <= MAX_METADATA_BYTES


def _linked(index: int, raw: Any, fields: dict[str, Any], owner: OwnerHandles, *,
            checked: bool = False) -> ValidItem | InvalidItem:
    """Normalise the participants' handles and return the item ready for storage."""
    occurred_at = fields["occurred_at"]
    timestamp = occurred_at.timestamp()
    if not checked and not _passes_python_checks(fields, timestamp):
        return _validate_with_model(index, raw, owner)

    errors: list[FieldError] = []
    linked: list[LinkedParticipant] = []
    for position, participant in enumerate(fields.get("participants", ())):
        kind = participant["kind"]
        try:
            handle = _normalize_handle(kind, participant["handle"], owner.phone_region)
        except InvalidHandle as exc:
            message = f"{exc} (kind {kind}){region_hint(exc)}"
            errors.append(FieldError(f"participants[{position}].handle", message))
            continue
        name = participant.get("name")
        linked.append(
            LinkedParticipant(
                kind=kind,
                handle=handle,
                name=name.strip() or None if name else None,
                role=participant.get("role"),
                is_owner=(kind, handle) in owner,
            )
        )
    if errors:
        return InvalidItem(index, errors)

    offset = occurred_at.utcoffset()
    metadata = fields.get("metadata")
    return ValidItem(
        index=index,
        source=fields["source"],
        source_id=fields["source_id"],
        type=fields["type"],
        occurred_at=int(timestamp),
        utc_offset_minutes=int(offset.total_seconds() // 60) if offset is not None else 0,
        direction=fields.get("direction") or _infer_direction(linked),
        duration_seconds=fields.get("duration_seconds"),
        subject=fields.get("subject"),
        content=fields.get("content"),
        thread_id=fields.get("thread_id"),
        metadata=json.dumps(metadata, ensure_ascii=False, separators=(",", ":")) if metadata else "{}",
        participants=linked,
        others=_distinct_others(linked),
    )


def _distinct_others(participants: list[LinkedParticipant]) -> list[LinkedParticipant]:
    seen: set[tuple[str, str]] = set()
    others: list[LinkedParticipant] = []
    for participant in participants:
        key = (participant.kind, participant.handle)
        if participant.is_owner or key in seen:
            continue
        seen.add(key)
        others.append(participant)
    return others


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
