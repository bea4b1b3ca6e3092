"""What a command runs with: the read pool, the settings, the stored searches and a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from bot.sessions import SearchSessions
from hub.settings import Settings
from hub.storage.readers import ReadPool


class CommandError(Exception):
    """The command is invalid; the message tells the owner how to write it."""


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class CommandContext:
    reader: ReadPool
    settings: Settings
    sessions: SearchSessions = field(default_factory=SearchSessions)
    clock: Callable[[], datetime] = _utc_now

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.owner.timezone)

    def now(self) -> datetime:
        return self.clock()
