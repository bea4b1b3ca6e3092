"""Crashes: SIGKILL a real `cardmunk-hub serve` again and again while 4 clients push.

Each client pushes its own records in batches and retries a batch until the hub returns a response
(a retried batch comes back as duplicates when the first try was committed before the
kill). After the last restart every acknowledged record must be stored exactly once, the
database and its FTS5 index must pass their integrity checks, and the contacts' counters
must match the interactions.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bench.hubprocess import HubProcess, create_token, write_config

CLIENTS = 4


@dataclass
class Fleet:
    hub: HubProcess
    token: str
    up: asyncio.Event
    acknowledged: set[str] = field(default_factory=set)
    kills: int = 0


def record(client: int, serial: int) -> dict[str, Any]:
    return {
        "source": "signal",
        "source_id": f"c{client}-r{serial}",
        "type": "message",
        "occurred_at": f"2023-{1 + serial % 12:02d}-{1 + serial % 28:02d}T08:{serial % 60:02d}:00+00:00",
        "content": f"record {serial} of client {client} about the harbour trip",
        "participants": [{"handle": f"+4930{client:02d}{serial % 37:06d}", "kind": "phone", "role": "from"}],
    }


async def push_until_acknowledged(fleet: Fleet, session: aiohttp.ClientSession, batch: list[dict[str, Any]]) -> None:
    headers = {"Authorization": f"Bearer {fleet.token}"}
    while True:
        await fleet.up.wait()
        try:
            async with session.post(f"{fleet.hub.url}/api/v1/interactions", json={"interactions": batch},
                                    headers=headers) as response:
                body = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            continue  # the hub was killed under this request: wait for the restart and retry
        assert response.status == 200, body
        statuses = {result["status"] for result in body["results"]}
        assert statuses <= {"created", "duplicate"}, body
        fleet.acknowledged.update(item["source_id"] for item in batch)
        return


async def client(fleet: Fleet, number: int, records: int, batch_size: int) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for start in range(0, records, batch_size):
            batch = [record(number, serial) for serial in range(start, min(start + batch_size, records))]
            await push_until_acknowledged(fleet, session, batch)


async def killer(fleet: Fleet, kills: int, total: int) -> None:
    """SIGKILL the hub each time another share of the records has been acknowledged."""
    loop = asyncio.get_running_loop()
    for number in range(1, kills + 1):
        threshold = total * number // (kills + 1)
        while len(fleet.acknowledged) < threshold:
            await asyncio.sleep(0)  # yields to the clients; no wall-clock wait
        fleet.up.clear()
        fleet.hub.kill()
        fleet.kills += 1
        await loop.run_in_executor(None, fleet.hub.start)
        fleet.up.set()


async def run_fleet(fleet: Fleet, records_per_client: int, batch_size: int, kills: int) -> None:
    fleet.up.set()
    clients = [client(fleet, number, records_per_client, batch_size) for number in range(CLIENTS)]
    await asyncio.gather(killer(fleet, kills, CLIENTS * records_per_client), *clients)


def check_database(path: Path, acknowledged: set[str]) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")

        stored = [row[0] for row in connection.execute("SELECT source_id FROM interactions")]
        assert len(stored) == len(set(stored)), "an interaction is stored twice"
        missing = acknowledged - set(stored)
        assert not missing, f"{len(missing)} acknowledged records lost, e.g. {sorted(missing)[:5]}"

        fts_rows = connection.execute("SELECT count(*) FROM interactions_fts").fetchone()[0]
        assert fts_rows == len(stored)
        wrong_counts = connection.execute(
            "SELECT c.id FROM contacts c WHERE c.interaction_count != (SELECT count(DISTINCT p.interaction_id)"
            " FROM interaction_participants p JOIN handles h ON h.id = p.handle_id WHERE h.contact_id = c.id)"
        ).fetchall()
        assert wrong_counts == []
        orphans = connection.execute(
            "SELECT count(*) FROM interactions i WHERE i.participant_count !="
            " (SELECT count(*) FROM interaction_participants p WHERE p.interaction_id = i.id)"
        ).fetchone()[0]
        assert orphans == 0


def crash_run(tmp_path: Path, records_per_client: int, batch_size: int, kills: int) -> None:
    database = tmp_path / "hub.db"
    config = write_config(tmp_path / "hub.toml", database, log_level="INFO")
    hub = HubProcess(config)
    fleet = Fleet(hub, create_token(config, "ingest", "crash-test"), asyncio.Event())
    hub.start()
    try:
        asyncio.run(run_fleet(fleet, records_per_client, batch_size, kills))
    finally:
        hub.stop()

    assert fleet.kills == kills
    assert len(fleet.acknowledged) == CLIENTS * records_per_client
    check_database(database, fleet.acknowledged)


def test_crash_loses_no_acknowledged_record(tmp_path: Path) -> None:
    crash_run(tmp_path, records_per_client=1500, batch_size=50, kills=3)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_crash_many_kills_under_load(tmp_path: Path) -> None:
    crash_run(tmp_path, records_per_client=25_000, batch_size=250, kills=10)
