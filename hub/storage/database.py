"""The hub's database: the single writer and the read pool, opened and closed together."""

from __future__ import annotations

from pathlib import Path

from hub.settings import DatabaseSettings
from hub.storage.readers import ReadPool
from hub.storage.writer import Writer


class Database:
    def __init__(self, settings: DatabaseSettings) -> None:
        self.path: Path = settings.path
        self.writer = Writer(settings.path, settings.busy_timeout_ms, settings.max_transaction_items)
        self.reader = ReadPool(
            settings.path, settings.read_connections, settings.busy_timeout_ms, settings.search_timeout_ms
        )

    async def open(self) -> None:
        """Migrate the schema through the writer, then open the read connections."""
        self.writer.start()
        await self.reader.open()

    async def close(self) -> None:
        await self.reader.close()
        await self.writer.close()
