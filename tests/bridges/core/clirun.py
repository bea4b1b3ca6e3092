"""Run `cardmunk-bridge` (with the tests' `jsonl` source) as a subprocess and read its summary."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
SUMMARY = re.compile(r"summary: (.*)$", re.MULTILINE)


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, int]:
        """Return the counts of the summary line, such as {"created": 3, ...}."""
        found = SUMMARY.findall(self.stderr)
        if len(found) != 1:
            raise AssertionError(f"expected one summary line in stderr, found {len(found)}:\n{self.stderr}")
        return {name: int(value) for name, value in (pair.split("=") for pair in found[0].split())}


def bridge_environment(home: Path, token: str | None) -> dict[str, str]:
    """Return an environment whose config and state folders are under `home`."""
    environment = {key: value for key, value in os.environ.items() if key != "CARDMUNK_TOKEN"}
    environment.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        PYTHONPATH=str(REPO_ROOT),
    )
    if token is not None:
        environment["CARDMUNK_TOKEN"] = token
    return environment


def bridge_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.bridges.core.bridge_with_test_reader", *args]


async def start_bridge(home: Path, token: str | None, *args: str, stdin: int | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *bridge_command(*args),
        cwd=REPO_ROOT,
        env=bridge_environment(home, token),
        stdin=stdin if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def run_bridge(home: Path, token: str | None, *args: str, stdin_data: bytes | None = None) -> Completed:
    """Run the bridge to its end and return its exit status and output."""
    process = await start_bridge(
        home, token, *args, stdin=asyncio.subprocess.PIPE if stdin_data is not None else None
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(stdin_data), timeout=60)
    assert process.returncode is not None
    return Completed(process.returncode, stdout.decode(), stderr.decode())
