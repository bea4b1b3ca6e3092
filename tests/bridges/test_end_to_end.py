"""Bridges end to end: `cardmunk-bridge` subprocesses pushing the acceptance cases into a real
`cardmunk-hub serve` on 127.0.0.1 with its own SQLite database.

Each case is imported three times: the first run creates exactly the expected interactions,
the second skips the unchanged files through the checkpoint, and the third (with a fresh
checkpoint) finds only duplicates at the hub. A bridge killed half-way through a larger
generated signal-cli export resumes and leaves the hub with exactly the full set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator

import pytest

from tests.bridges.casekit import CASES_DIR
from tests.bridges.core.clirun import SUMMARY

SCRIPTS = Path(sys.executable).parent
HUB_COMMAND = str(SCRIPTS / "cardmunk-hub")
BRIDGE_COMMAND = str(SCRIPTS / "cardmunk-bridge")
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
PAGE_SIZE = 100
# Seconds; generous bounds for a loaded CI machine, only reached when something hangs.
START_TIMEOUT = 60
RUN_TIMEOUT = 120


class LineCollector(threading.Thread):
    """Drains a subprocess's output so it never blocks, and spots the hub's listening line."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.url: str | None = None
        self.listening = threading.Event()

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)
            match = LISTENING.search(line)
            if match and self.url is None:
                self.url = match.group(1)
                self.listening.set()
        self.listening.set()  # the hub exited: stop waiting


@dataclass
class RunningHub:
    process: subprocess.Popen[str]
    url: str
    ingest_token: str
    read_token: str

    def stored(self, source: str) -> set[str]:
        """Return the source_ids the hub lists for `source`, following every page."""
        source_ids: set[str] = set()
        cursor: str | None = None
        while True:
            query = {"source": source, "limit": str(PAGE_SIZE), **({"cursor": cursor} if cursor else {})}
            request = urllib.request.Request(
                f"{self.url}/api/v1/interactions?{urllib.parse.urlencode(query)}",
                headers={"Authorization": f"Bearer {self.read_token}"},
            )
            with urllib.request.urlopen(request, timeout=RUN_TIMEOUT) as response:
                page = json.load(response)
            for interaction in page["interactions"]:
                assert interaction["source"] == source
                source_ids.add(interaction["source_id"])
            cursor = page["next_cursor"]
            if not cursor:
                return source_ids


def create_token(database: Path, scope: str, folder: Path) -> str:
    completed = subprocess.run(
        [HUB_COMMAND, "token", "create", "--scope", scope, "--name", f"end-to-end-{scope}", "--database", str(database)],
        cwd=folder, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=True,
    )
    return completed.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    folder = tmp_path_factory.mktemp("hub")
    database = folder / "cardmunk.db"
    # The hub's folder is its working directory, so no ./config.toml of the repository applies.
    process = subprocess.Popen(
        [HUB_COMMAND, "serve", "--database", str(database), "--host", "127.0.0.1", "--port", "0"],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    collector = LineCollector(process.stdout)
    collector.start()
    try:
        collector.listening.wait(timeout=START_TIMEOUT)
        if collector.url is None:
            raise AssertionError("cardmunk-hub serve did not log its address:\n" + "".join(collector.lines))
        yield RunningHub(
            process, collector.url, create_token(database, "ingest", folder), create_token(database, "read", folder)
        )
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=START_TIMEOUT)
        collector.join(timeout=START_TIMEOUT)
        process.stdout.close()


@dataclass
class BridgeRun:
    returncode: int
    stderr: str
    summary: dict[str, int] = field(default_factory=dict)


def bridge_environment(home: Path, token: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        CARDMUNK_TOKEN=token,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
    )
    return environment


def parse_summary(stderr: str) -> dict[str, int]:
    (line,) = SUMMARY.findall(stderr)
    return {name: int(value) for name, value in (pair.split("=") for pair in line.split())}


def run_bridge(hub: RunningHub, home: Path, arguments: list[str]) -> BridgeRun:
    completed = subprocess.run(
        [BRIDGE_COMMAND, *arguments, "--hub", hub.url, "--no-progress"],
        cwd=home, env=bridge_environment(home, hub.ingest_token),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )
    return BridgeRun(completed.returncode, completed.stderr, parse_summary(completed.stderr))


def subcommand_for(expected: dict[str, Any]) -> str:
    source = expected["source"]
    if source == "meeting":
        return "calendar"
    if source == "phone":
        return "calls" if "calls" in expected["format"].lower() else "sms"
    return source


def case_ids() -> list[Any]:
    """Return one parameter per case; cases whose reader is not there yet are skipped."""
    parameters = []
    for folder in sorted(path for path in CASES_DIR.iterdir() if (path / "expected.json").is_file()):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        module = f"bridges.{subcommand_for(expected)}"
        marks = [] if importlib.util.find_spec(module) else [pytest.mark.skip(reason=f"{module} is not there")]
        parameters.append(pytest.param(folder.name, marks=marks, id=folder.name))
    return parameters


def case_arguments(folder: Path, expected: dict[str, Any]) -> list[str]:
    arguments = [subcommand_for(expected), *(str(folder / name) for name in expected["input_files"])]
    context = expected.get("context", {})
    for key in ("self", "self_uuid", "self_name"):
        if context.get(key):
            arguments += ["--me", context[key]]
    if context.get("assumed_timezone"):
        arguments += ["--timezone", context["assumed_timezone"]]
    return arguments


@pytest.mark.parametrize("case_id", case_ids())
def test_case_imported_once(case_id: str, hub: RunningHub, tmp_path: Path) -> None:
    folder = CASES_DIR / case_id
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    source, count = expected["source"], expected["expected_count"]
    arguments = case_arguments(folder, expected)
    dead_letter = ["--dead-letter", str(tmp_path / "rejected.jsonl")]
    before = hub.stored(source)

    first = run_bridge(hub, tmp_path, [*arguments, *dead_letter, "--checkpoint", str(tmp_path / "first.json")])
    after_first = hub.stored(source)
    second = run_bridge(hub, tmp_path, [*arguments, *dead_letter, "--checkpoint", str(tmp_path / "first.json")])
    third = run_bridge(hub, tmp_path, [*arguments, *dead_letter, "--checkpoint", str(tmp_path / "fresh.json")])

    assert first.returncode == 0, first.stderr
    assert first.summary["created"] == count
    assert first.summary["rejected"] == 0
    assert len(after_first - before) == count

    assert second.returncode == 0, second.stderr
    assert second.summary["files_unchanged"] == len(expected["input_files"])
    assert second.summary["created"] == 0

    assert third.returncode == 0, third.stderr
    assert third.summary["created"] == 0
    assert third.summary["duplicates"] == count
    assert hub.stored(source) == after_first
    assert not (tmp_path / "rejected.jsonl").exists()


def signal_cli_line(number: int) -> str:
    """Return one incoming message in `signal-cli -o json receive` output, as the cases show it."""
    sent_ms = 1_717_200_000_000 + number * 60_000
    envelope = {
        "source": "+15550177",
        "sourceNumber": "+15550177",
        "sourceUuid": "c3d2e1f0-0000-4000-8000-000000000177",
        "sourceName": "Carol Example",
        "sourceDevice": 1,
        "timestamp": sent_ms,
        "serverReceivedTimestamp": sent_ms + 400,
        "serverDeliveredTimestamp": sent_ms + 1000,
        "dataMessage": {"timestamp": sent_ms, "message": f"generated message {number}", "expiresInSeconds": 0, "viewOnce": False},
    }
    return json.dumps({"envelope": envelope, "account": "+15550100"})


@pytest.mark.skipif(importlib.util.find_spec("bridges.signal") is None, reason="bridges.signal is not there")
def test_killed_bridge_resumes(hub: RunningHub, tmp_path: Path) -> None:
    total, batch_size = 2000, 100
    export = tmp_path / "receive.jsonl"
    export.write_text("".join(signal_cli_line(number) + "\n" for number in range(total)), encoding="utf-8")
    checkpoint = tmp_path / "checkpoint.json"
    arguments = [
        "signal", str(export), "--me", "+15550100", "--batch-size", str(batch_size),
        "--checkpoint", str(checkpoint), "--dead-letter", str(tmp_path / "rejected.jsonl"),
    ]
    before = hub.stored("signal")

    bridge = subprocess.Popen(
        [BRIDGE_COMMAND, *arguments, "--hub", hub.url, "--no-progress", "-v"],
        cwd=tmp_path, env=bridge_environment(tmp_path, hub.ingest_token),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    assert bridge.stderr is not None
    try:
        for line in bridge.stderr:
            if "acknowledged; checkpoint saved" in line:
                # A stopped hub keeps the bridge from going further, so the kill lands half-way.
                os.kill(hub.process.pid, signal.SIGSTOP)
                break
        bridge.kill()
        bridge.wait(timeout=RUN_TIMEOUT)
    finally:
        os.kill(hub.process.pid, signal.SIGCONT)
        bridge.stderr.close()

    (scope,) = json.loads(checkpoint.read_text(encoding="utf-8"))["scopes"].values()
    (entry,) = scope["files"].values()
    assert batch_size <= entry["records_done"] < total
    assert entry["complete"] is False

    resumed = run_bridge(hub, tmp_path, arguments)
    new_ids = hub.stored("signal") - before

    assert resumed.returncode == 0, resumed.stderr
    assert resumed.summary["already_sent"] == entry["records_done"]
    assert resumed.summary["created"] + resumed.summary["duplicates"] == total - entry["records_done"]
    # Only the batch in flight at the kill can have reached the hub without an acknowledgement.
    assert resumed.summary["duplicates"] <= batch_size
    assert len(new_ids) == total
