"""The cardmunk-hub command as operators run it: subprocesses on a real database."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest

from tests.hub.conftest import interaction

HUB = [sys.executable, "-m", "hub.cli"]


def run_hub(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_token_create_prints_token_last(tmp_path: Path) -> None:
    result = run_hub("token", "create", "--scope", "ingest", "--name", "mail", "--database", str(tmp_path / "db"),
                     cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"cmk_[0-9a-f]{12}_[A-Za-z0-9-]{43}", last)
    assert last not in result.stderr


def test_token_list_and_revoke(tmp_path: Path) -> None:
    database = str(tmp_path / "db")
    run_hub("token", "create", "--scope", "read", "--name", "phone", "--database", database, cwd=tmp_path)

    revoked = run_hub("token", "revoke", "phone", "--database", database, cwd=tmp_path)
    listed = run_hub("token", "list", "--database", database, cwd=tmp_path)
    unknown = run_hub("token", "revoke", "nobody", "--database", database, cwd=tmp_path)

    assert revoked.returncode == 0
    assert re.search(r"phone\s+[0-9a-f]{12}\s+read\s+.*revoked", listed.stdout)
    assert unknown.returncode == 2
    assert "no token has the name or key id 'nobody'" in unknown.stderr


def test_duplicate_token_name_rejected(tmp_path: Path) -> None:
    database = str(tmp_path / "db")
    run_hub("token", "create", "--scope", "read", "--name", "x", "--database", database, cwd=tmp_path)

    again = run_hub("token", "create", "--scope", "read", "--name", "x", "--database", database, cwd=tmp_path)

    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_bad_config_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[server]\nport = 70000\n")

    result = run_hub("check", "--config", str(config), cwd=tmp_path)

    assert result.returncode == 2
    assert "server.port" in result.stderr


def test_check_reports_ok(tmp_path: Path) -> None:
    run_hub("token", "create", "--scope", "read", "--name", "x", "--database", str(tmp_path / "db"), cwd=tmp_path)

    result = run_hub("check", "--database", str(tmp_path / "db"), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "check: ok" in result.stdout
    assert "schema: version" in result.stdout


def test_check_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "db"

    result = run_hub("check", "--database", str(missing), cwd=tmp_path)

    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert not missing.parent.exists()


def test_check_reports_pending_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()

    result = run_hub("check", "--database", str(path), cwd=tmp_path)

    assert "pending" in result.stdout
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 0


def test_check_finds_bot_without_owner(tmp_path: Path) -> None:
    run_hub("token", "create", "--scope", "read", "--name", "x", "--database", str(tmp_path / "db"), cwd=tmp_path)

    result = subprocess.run([*HUB, "check", "--database", str(tmp_path / "db")], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "CARDMUNK_TELEGRAM_TOKEN": "123:abc"})

    assert result.returncode == 1
    assert "telegram.owner_ids" in result.stderr


def test_database_private_to_owner(tmp_path: Path) -> None:
    database = tmp_path / "data" / "hub.db"

    run_hub("token", "create", "--scope", "read", "--name", "x", "--database", str(database), cwd=tmp_path)

    assert oct(database.stat().st_mode & 0o777) == "0o600"
    assert oct(database.parent.stat().st_mode & 0o777) == "0o700"


def test_backup_into_missing_folder(tmp_path: Path) -> None:
    run_hub("token", "create", "--scope", "read", "--name", "x", "--database", str(tmp_path / "db"), cwd=tmp_path)

    result = run_hub("backup", str(tmp_path / "nope" / "copy.db"), "--database", str(tmp_path / "db"), cwd=tmp_path)

    assert result.returncode == 2
    assert "nope" in result.stderr


def test_check_finds_corrupt_database(tmp_path: Path) -> None:
    path = tmp_path / "db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)

    result = run_hub("check", "--database", str(path), cwd=tmp_path)

    assert result.returncode == 1
    assert "problem" in result.stderr


@pytest.mark.parametrize("command", [["serve"], ["token", "create"], ["token", "list"], ["token", "revoke"],
                                     ["backup"], ["check"]])
def test_help_names_common_options(tmp_path: Path, command: list[str]) -> None:
    result = run_hub(*command, "--help", cwd=tmp_path)

    assert result.returncode == 0
    assert "--config" in result.stdout
    assert "--database" in result.stdout


class RunningHub:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self.url = ""
        self._listening = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            line = raw.decode(errors="replace")
            self.lines.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1)
                self._listening.set()

    async def wait_listening(self) -> None:
        await asyncio.wait_for(self._listening.wait(), 30)

    async def wait_line(self, fragment: str) -> None:
        async def seen() -> None:
            while not any(fragment in line for line in self.lines):
                await asyncio.sleep(0.01)
        await asyncio.wait_for(seen(), 30)


async def start_hub(tmp_path: Path, *args: str) -> RunningHub:
    process = await asyncio.create_subprocess_exec(
        *HUB, "serve", "--database", str(tmp_path / "db"), "--port", "0", *args,
        cwd=tmp_path, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    hub = RunningHub(process)
    await hub.wait_listening()
    return hub


async def test_serve_logs_address_and_stops_on_sigterm(tmp_path: Path) -> None:
    token = run_hub("token", "create", "--scope", "ingest", "--name", "t", "--database", str(tmp_path / "db"),
                    cwd=tmp_path).stdout.splitlines()[-1]
    config = tmp_path / "debug.toml"
    config.write_text('[logging]\nlevel = "DEBUG"\n')
    hub = await start_hub(tmp_path, "--config", str(config))
    sent_first_chunk = asyncio.Event()
    may_continue = asyncio.Event()
    body = json.dumps({"interactions": [interaction(f"s{i}") for i in range(300)]}).encode()

    async def slow_body() -> AsyncIterator[bytes]:
        yield body[:1000]
        sent_first_chunk.set()
        await may_continue.wait()
        yield body[1000:]

    async with aiohttp.ClientSession() as session:
        request = asyncio.create_task(session.post(
            f"{hub.url}/api/v1/interactions", data=slow_body(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                     "Content-Length": str(len(body))}))
        await sent_first_chunk.wait()
        await hub.wait_line("reading the body of POST /api/v1/interactions")
        hub.process.send_signal(signal.SIGTERM)
        await hub.wait_line("stopping")
        may_continue.set()
        response = await request
        result = await response.json()
        response.release()

    assert await asyncio.wait_for(hub.process.wait(), 30) == 0
    assert response.status == 200
    assert result["counts"]["created"] == 300
    assert any("database closed" in line for line in hub.lines)
    with sqlite3.connect(tmp_path / "db") as connection:
        assert connection.execute("SELECT count(*) FROM interactions").fetchone()[0] == 300


async def test_port_in_use_fails_clearly(tmp_path: Path) -> None:
    first = await start_hub(tmp_path)
    port = first.url.rsplit(":", 1)[1]
    try:
        result = await asyncio.to_thread(run_hub, "serve", "--database", str(tmp_path / "db2"), "--port", port,
                                         cwd=tmp_path)
    finally:
        first.process.send_signal(signal.SIGTERM)
        await first.process.wait()

    assert result.returncode == 1
    assert "cannot listen" in result.stderr
    assert "--port" in result.stderr


def test_backup_is_consistent_copy(tmp_path: Path) -> None:
    database = tmp_path / "db"
    run_hub("token", "create", "--scope", "ingest", "--name", "t", "--database", str(database), cwd=tmp_path)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO interactions (source, source_id, type, occurred_at, utc_offset_minutes, metadata,"
            " participant_count, ingested_at) VALUES ('email', 'x', 'email', 0, 0, '{}', 0, 0)")

    result = run_hub("backup", str(tmp_path / "copy.db"), "--database", str(database), cwd=tmp_path)
    again = run_hub("backup", str(tmp_path / "copy.db"), "--database", str(database), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM interactions").fetchone()[0] == 1
        assert copy.execute("SELECT count(*) FROM tokens").fetchone()[0] == 1
    assert oct((tmp_path / "copy.db").stat().st_mode & 0o777) == "0o600"
    assert again.returncode == 2
    assert "already exists" in again.stderr
