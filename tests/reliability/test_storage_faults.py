"""Storage faults: an I/O error in the middle of a batch gives 503 and leaves nothing behind.

The fault is injected at the writer's connection: after a chosen number of statements of
the batch, `execute` raises the `sqlite3.OperationalError("disk I/O error")` that SQLite
returns for SQLITE_IOERR, instead of running the statement. Every statement of the batch is
tried in turn: the key and handle lookups, the inserts, the contact writes, the FTS5 feed
and the COMMIT itself. Disk full is covered by tests/hub/test_errors.py with a real page limit.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from hub import keys
from tests.hub.conftest import Hub, interaction

BATCH = 40


class FaultyConnection:
    """A sqlite3 connection that fails the `fail_at`-th statement once armed."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.fail_at: int | None = None
        self.statements = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def _count(self, sql: str) -> None:
        if self.fail_at is None:
            return
        self.statements += 1
        if self.statements == self.fail_at and not sql.startswith("ROLLBACK"):
            self.fail_at = None
            raise sqlite3.OperationalError("disk I/O error")

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._count(sql)
        return self._connection.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._count(sql)
        return self._connection.executemany(sql, *args)


def batch(prefix: str) -> list[dict[str, Any]]:
    return [interaction(f"{prefix}-{n}", content=f"storage fault test {n}", participants=[
        {"handle": f"p{n % 7}@example.com", "kind": "email", "name": f"Person {n % 7}", "role": "from"}])
        for n in range(BATCH)]


def count_rows(hub: Hub) -> dict[str, int]:
    with sqlite3.connect(hub.settings.database.path) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("interactions", "interaction_participants", "contacts", "handles", "interactions_fts")}


@pytest.fixture
async def faulty_hub(hub: Hub) -> tuple[Hub, FaultyConnection]:
    await hub.push(*batch("before"))
    writer = hub.client.app[keys.DATABASE].writer
    faulty = FaultyConnection(writer._connection)  # type: ignore[arg-type]
    writer._connection = faulty  # type: ignore[assignment]
    return hub, faulty


async def measure_statements(hub: Hub, faulty: FaultyConnection) -> int:
    faulty.fail_at, faulty.statements = 10**9, 0
    await hub.push(*batch("probe"))
    faulty.fail_at = None
    return faulty.statements


async def test_io_error_anywhere_in_batch(faulty_hub: tuple[Hub, FaultyConnection]) -> None:
    hub, faulty = faulty_hub
    total = await measure_statements(hub, faulty)
    # A batch is stored with a few statements per table, so every one of them is tried.
    assert total >= 10, f"the probe batch ran only {total} statements"

    for position in range(1, total + 1):
        before = count_rows(hub)
        faulty.fail_at, faulty.statements = position, 0
        response = await hub.client.post("/api/v1/interactions", json={"interactions": batch(f"fault{position}")},
                                         headers=hub.auth("ingest"))
        body = await response.json()

        assert response.status == 503, (position, body)
        assert response.headers["Retry-After"].isdigit()
        assert body["error"]["code"] == "storage_unavailable"
        assert count_rows(hub) == before, f"a fault at statement {position} left part of the batch"
        reads = await hub.get("/api/v1/interactions", q="storage fault", limit=5)
        assert len(reads["interactions"]) == 5

    faulty.fail_at = None
    retry = await hub.push(*batch(f"fault{total}"))
    assert retry["counts"]["created"] == BATCH
