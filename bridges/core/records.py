"""What a format reader yields: interactions, skipped records and parse errors.

Every source package (`bridges.email`, `bridges.whatsapp`, ...) exposes

    def read(path: str, options: ReadOptions) -> Iterator[Record]

and yields one record per input record, in file order. A reader never raises for a bad
record: it yields a `ParseError` naming the file and the line or record, and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Protocol, Union
from zoneinfo import ZoneInfo

from hub.ingest.item import InteractionItem, Participant

__all__ = ["InteractionItem", "Participant", "ParseError", "Skipped", "Record", "ReadOptions", "Reader"]


@dataclass(frozen=True)
class ParseError:
    """A record that could not be read; `location` is for example "line 12" or "record 5"."""

    path: str
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.location}: {self.reason}"


@dataclass(frozen=True)
class Skipped:
    """A record that is deliberately not an interaction (a system notice, a reaction...)."""

    path: str
    location: str
    reason: str


Record = Union[InteractionItem, ParseError, Skipped]


@dataclass(frozen=True)
class ReadOptions:
    """What a reader needs to know beyond the file itself."""

    # The owner's own handles or, for WhatsApp, display names: their messages are outbound
    # and they never become a contact.
    me: tuple[str, ...] = ()
    # Zone for formats that carry only local wall-clock times; None when not given.
    timezone: ZoneInfo | None = None
    # Default region for phone numbers written without a country code (ISO 3166 alpha-2).
    phone_region: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Reader(Protocol):
    def __call__(self, path: str, options: ReadOptions) -> Iterator[Record]: ...
