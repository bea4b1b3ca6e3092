"""The read pool: a few aiosqlite connections, each query under a time budget.

A user's search can be slow (a common word ranked over a million rows); the budget makes
SQLite interrupt it through a progress handler, so one bad query cannot hold a connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Any, AsyncIterator, Iterable

import aiosqlite

from hub.storage.connection import connection_pragmas
from hub.storage.errors import QueryTimeout, StorageUnavailable

# SQLite calls the progress handler every this many virtual machine instructions.
PROGRESS_INSTRUCTIONS = 10_000


class _Budget:
    def __init__(self) -> None:
        self.deadline = float("inf")

    def __call__(self) -> int:
        # A non-zero return makes SQLite abort the statement with "interrupted".
        return 1 if time.monotonic() > self.deadline else 0


class ReadPool:
    """A fixed set of read connections handed out one query at a time."""

    def __init__(self, path: Path, size: int, busy_timeout_ms: int, default_budget_ms: int) -> None:
        self._path = path
        self._size = size
        self._busy_timeout_ms = busy_timeout_ms
        self.default_budget_ms = default_budget_ms
        self._idle: asyncio.Queue[tuple[aiosqlite.Connection, _Budget]] = asyncio.Queue()
        self._all: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        for _ in range(self._size):
            connection = await aiosqlite.connect(self._path, isolation_level=None)
            connection.row_factory = sqlite3.Row
            for pragma in connection_pragmas(self._busy_timeout_ms):
                if "journal_mode" not in pragma:
                    await connection.execute(pragma)
            await connection.execute("PRAGMA query_only=ON")
            budget = _Budget()
            await connection.set_progress_handler(budget, PROGRESS_INSTRUCTIONS)
            self._all.append(connection)
            self._idle.put_nowait((connection, budget))

    async def close(self) -> None:
        for connection in self._all:
            await connection.close()
        self._all.clear()

    @contextlib.asynccontextmanager
    async def _acquire(self, budget_ms: int | None) -> AsyncIterator[aiosqlite.Connection]:
        connection, budget = await self._idle.get()
        budget.deadline = time.monotonic() + (budget_ms or self.default_budget_ms) / 1000
        try:
            yield connection
        finally:
            budget.deadline = float("inf")
            self._idle.put_nowait((connection, budget))

    async def fetch_all(
        self, sql: str, parameters: Iterable[Any] = (), *, budget_ms: int | None = None
    ) -> list[sqlite3.Row]:
        async with self._acquire(budget_ms) as connection:
            try:
                async with connection.execute(sql, tuple(parameters)) as cursor:
                    return list(await cursor.fetchall())
            except sqlite3.OperationalError as exc:
                if "interrupted" in str(exc):
                    raise QueryTimeout(str(exc)) from exc
                raise StorageUnavailable(str(exc)) from exc

    async def fetch_one(
        self, sql: str, parameters: Iterable[Any] = (), *, budget_ms: int | None = None
    ) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, parameters, budget_ms=budget_ms)
        return rows[0] if rows else None
