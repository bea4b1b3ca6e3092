"""Backup under load: `cardmunk-hub backup` while clients push gives a consistent copy.

The backups are taken with the CLI while a real hub keeps ingesting. Each must pass
SQLite's and FTS5's integrity checks, contain every batch acknowledged before it started,
hold each batch whole or not at all, and be served by a fresh hub started on it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bench.hubprocess import HubProcess, create_token, hub_command, write_config

CLIENTS = 2


def batch(client: int, number: int, size: int) -> list[dict[str, Any]]:
    # Long texts make the database outgrow one backup step (4,096 pages) quickly.
    return [{
        "source": "telegram", "source_id": f"c{client}-b{number}-{n}", "type": "message",
        "occurred_at": f"2022-{1 + number % 12:02d}-{1 + n % 28:02d}T12:00:00Z",
        "content": f"batch {number} item {n} " + " ".join(f"word{(number * 31 + n * 7 + k) % 5000}" for k in range(300)),
        "participants": [{"handle": str(1000 + n % 50), "kind": "telegram", "role": "from"}],
    } for n in range(size)]


class Load:
    def __init__(self, hub: HubProcess, token: str) -> None:
        self.hub = hub
        self.token = token
        self.acknowledged: list[set[str]] = []
        self.stop = False

    async def client(self, number: int, size: int) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with aiohttp.ClientSession() as session:
            for batch_number in range(10_000):
                if self.stop:
                    return
                items = batch(number, batch_number, size)
                async with session.post(f"{self.hub.url}/api/v1/interactions", json={"interactions": items},
                                        headers=headers) as response:
                    assert response.status == 200, await response.text()
                self.acknowledged.append({item["source_id"] for item in items})


def run_backup(config: Path, target: Path) -> None:
    result = subprocess.run(hub_command("backup", "--config", str(config), str(target)),
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr


async def backups_under_load(load: Load, config: Path, targets: list[Path], batch_size: int,
                             batches_between: int) -> list[tuple[set[str], int]]:
    """Take the backups one after another while the clients push; return what each must hold."""
    loop = asyncio.get_running_loop()
    clients = [asyncio.ensure_future(load.client(number, batch_size)) for number in range(CLIENTS)]
    taken = []
    try:
        for target in targets:
            wanted = len(load.acknowledged) + batches_between
            while len(load.acknowledged) < wanted:
                await asyncio.sleep(0)
            before = set().union(*load.acknowledged)
            started_at = len(load.acknowledged)
            await loop.run_in_executor(None, run_backup, config, target)
            taken.append((before, len(load.acknowledged) - started_at))
    finally:
        load.stop = True
        await asyncio.gather(*clients)
    return taken


def check_backup(path: Path, before: set[str], batches: list[set[str]]) -> int:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")
        stored = {row[0] for row in connection.execute("SELECT source_id FROM interactions")}
    assert before <= stored, f"{len(before - stored)} records acknowledged before the backup are missing"
    torn = [ids for ids in batches if 0 < len(ids & stored) < len(ids)]
    assert torn == [], f"{len(torn)} batches are only partly in the backup"
    return len(stored)


def serve_backup(tmp_path: Path, backup: Path, expected: int) -> None:
    config = write_config(tmp_path / "restored.toml", backup)
    token = create_token(config, "read", "restore-check")
    hub = HubProcess(config)
    hub.start()
    try:
        async def search() -> Any:
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{hub.url}/api/v1/interactions", params={"q": "word42", "limit": 5},
                                       headers={"Authorization": f"Bearer {token}"}) as response:
                    assert response.status == 200
                    return await response.json()
        found = asyncio.run(search())
    finally:
        hub.stop()
    assert len(found["interactions"]) == min(5, expected)


def backup_run(tmp_path: Path, count: int, batch_size: int, batches_between: int) -> None:
    config = write_config(tmp_path / "hub.toml", tmp_path / "hub.db")
    load = Load(HubProcess(config), create_token(config, "ingest", "backup-load"))
    load.hub.start()
    targets = [tmp_path / f"backup-{n}.db" for n in range(count)]
    try:
        taken = asyncio.run(backups_under_load(load, config, targets, batch_size, batches_between))
    finally:
        load.hub.stop()

    assert sum(during for _, during in taken) > 0, "no batch was acknowledged while a backup ran"
    sizes = [check_backup(target, before, load.acknowledged) for target, (before, _) in zip(targets, taken)]
    assert sizes == sorted(sizes)
    serve_backup(tmp_path, targets[-1], sizes[-1])


def test_backup_during_ingestion(tmp_path: Path) -> None:
    backup_run(tmp_path, count=3, batch_size=100, batches_between=15)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_backup_of_large_database_under_load(tmp_path: Path) -> None:
    backup_run(tmp_path, count=4, batch_size=250, batches_between=120)
