"""The interaction item that bridges push to `POST /api/v1/interactions`.

Bridges build the same model for their `--dry-run` output, so the shape is declared once.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from typing_extensions import NotRequired, TypedDict

Source = Literal["email", "whatsapp", "signal", "telegram", "phone", "meeting"]
InteractionType = Literal["message", "email", "call", "video_call", "meeting", "other"]
Direction = Literal["inbound", "outbound"]
HandleKind = Literal["email", "phone", "telegram", "signal", "whatsapp", "other"]
Role = Literal["from", "to", "cc", "organizer", "attendee"]

SOURCES: tuple[str, ...] = Source.__args__  # type: ignore[attr-defined]
INTERACTION_TYPES: tuple[str, ...] = InteractionType.__args__  # type: ignore[attr-defined]
HANDLE_KINDS: tuple[str, ...] = HandleKind.__args__  # type: ignore[attr-defined]

MAX_BATCH_ITEMS = 1000
MAX_SOURCE_ID_CHARS = 512
MAX_PARTICIPANTS = 500
MAX_CONTENT_CHARS = 1_000_000
MAX_METADATA_BYTES = 16 * 1024
# Timestamps are stored as integer epoch seconds; this window keeps every stored value
# meaningful for recency arithmetic and rejects typos such as year 20240.
EARLIEST_OCCURRED_AT = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST_OCCURRED_AT = datetime(2100, 1, 1, tzinfo=timezone.utc)


def _reject_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def metadata_size(value: dict[str, Any]) -> int:
    """Return the size of `metadata` in bytes as JSON, the figure MAX_METADATA_BYTES limits."""
    return len(json.dumps(value, ensure_ascii=False).encode())


class Participant(BaseModel):
    """One person on an interaction, named by a handle on some network."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    handle: str = Field(min_length=1, max_length=320)
    kind: HandleKind
    name: str | None = Field(default=None, max_length=200)
    role: Role | None = None

    _no_nul = field_validator("handle", "name")(_reject_nul)


class InteractionItem(BaseModel):
    """One interaction as pushed by a bridge; `(source, source_id)` identifies it."""

    model_config = ConfigDict(extra="forbid")

    source: Source
    source_id: str = Field(min_length=1, max_length=MAX_SOURCE_ID_CHARS)
    type: InteractionType
    occurred_at: AwareDatetime
    direction: Direction | None = None
    duration_seconds: int | None = Field(default=None, ge=0, le=7 * 24 * 3600)
    subject: str | None = Field(default=None, max_length=2000)
    content: str | None = Field(default=None, max_length=MAX_CONTENT_CHARS)
    thread_id: str | None = Field(default=None, min_length=1, max_length=512)
    participants: list[Participant] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)
    metadata: dict[str, Any] = Field(default_factory=dict)

    _no_nul = field_validator("source_id", "subject", "content", "thread_id")(_reject_nul)

    @field_validator("occurred_at")
    @classmethod
    def _within_range(cls, value: datetime) -> datetime:
        if not EARLIEST_OCCURRED_AT <= value < LATEST_OCCURRED_AT:
            raise ValueError("must be between 1900-01-01 and 2099-12-31")
        return value

    @field_validator("metadata")
    @classmethod
    def _small_metadata(cls, value: dict[str, Any]) -> dict[str, Any]:
        size = metadata_size(value)
        if size > MAX_METADATA_BYTES:
            raise ValueError(f"must be at most {MAX_METADATA_BYTES} bytes as JSON, got {size}")
        return value

    def to_json_dict(self) -> dict[str, Any]:
        """Return the item in the wire shape, without unset optional fields."""
        return self.model_dump(mode="json", exclude_none=True)


# The hub validates pushed items against the TypedDicts below first: pydantic-core checks
# them without building model instances or calling Python validators, about four times
# faster than InteractionItem. They carry the same types and constraints as the models
# above, minus the Python validators (NUL characters, the occurred_at range, the metadata
# size), which hub/ingest/validate.py checks afterwards. Any item they reject is validated
# again with InteractionItem, whose errors are the ones reported. Keep both in step:
# tests/hub/test_ingest_schema.py compares them.


class ParticipantFields(TypedDict):
    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    handle: Annotated[str, Field(min_length=1, max_length=320)]
    kind: HandleKind
    name: NotRequired[Annotated[str | None, Field(max_length=200)]]
    role: NotRequired[Role | None]


class InteractionFields(TypedDict):
    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    source: Source
    source_id: Annotated[str, Field(min_length=1, max_length=MAX_SOURCE_ID_CHARS)]
    type: InteractionType
    occurred_at: AwareDatetime
    direction: NotRequired[Direction | None]
    duration_seconds: NotRequired[Annotated[int | None, Field(ge=0, le=7 * 24 * 3600)]]
    subject: NotRequired[Annotated[str | None, Field(max_length=2000)]]
    content: NotRequired[Annotated[str | None, Field(max_length=MAX_CONTENT_CHARS)]]
    thread_id: NotRequired[Annotated[str | None, Field(min_length=1, max_length=512)]]
    participants: NotRequired[Annotated[list[ParticipantFields], Field(max_length=MAX_PARTICIPANTS)]]
    metadata: NotRequired[dict[str, Any]]
