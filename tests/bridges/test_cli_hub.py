"""`cardmunk-bridge` as a subprocess against a stand-in hub on 127.0.0.1.

Covers the summary and exit status, the dead-letter file, checkpoints (re-runs, a SIGKILL
half-way, standard input), batching and the split of batches the hub finds too large.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bridges.cli import build_parser
from bridges.core.config import ConfigFile
from bridges.core.runner import run_bridge as run_in_process
from bridges.core.settings import resolve_settings
from tests.bridges.core.bridge_with_test_reader import TEST_SOURCES
from tests.bridges.core.clirun import run_bridge, start_bridge
from tests.bridges.core.hubstub import INVALID_FLAG, TOKEN, HubStub, Scripted
from tests.bridges.core.jsonl_reader import make_item, read, write_lines


@pytest.fixture
def hub() -> HubStub:
    return HubStub()


@pytest.fixture
async def hub_url(hub: HubStub, aiohttp_server: Any) -> str:
    server: TestServer = await aiohttp_server(hub.app())
    return f"http://{server.host}:{server.port}"


@pytest.fixture
def state(tmp_path: Path) -> dict[str, Path]:
    return {"checkpoint": tmp_path / "checkpoint.json", "dead_letter": tmp_path / "rejected.jsonl"}


def options(hub_url: str, state: dict[str, Path], *extra: str) -> list[str]:
    return [
        "--hub", hub_url,
        "--checkpoint", str(state["checkpoint"]),
        "--dead-letter", str(state["dead_letter"]),
        "--timezone", "UTC",
        *extra,
    ]


def checkpoint_entries(path: Path) -> dict[str, dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    (scope,) = document["scopes"].values()
    return scope["files"]


def dead_letters(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def test_summary_and_dead_letter(
    tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]
) -> None:
    invalid = make_item(3, metadata={INVALID_FLAG: True})
    path = write_lines(
        tmp_path / "items.jsonl",
        [make_item(1), make_item(2), invalid, "{broken", {"skip": "reaction"}, make_item(4)],
    )

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))

    assert result.returncode == 1
    assert result.summary == {
        "files_read": 1, "files_unchanged": 0, "interactions_found": 4, "created": 3, "duplicates": 0,
        "rejected": 1, "skipped": 1, "before_since": 0, "already_sent": 0, "errors": 1, "failed": 0,
    }
    assert sorted(source_id for _, source_id in hub.stored) == ["test-1", "test-2", "test-4"]

    letters = dead_letters(state["dead_letter"])
    assert letters[0] == {"item": None, "errors": [{"field": None, "message": "not a JSON object"}], "file": path, "location": "line 4"}
    assert letters[1]["item"]["source_id"] == "test-3"
    assert letters[1]["errors"] == [{"field": "metadata", "message": "flagged invalid by the test"}]
    assert letters[1]["file"] == path
    assert letters[1]["location"] == "record 3"
    assert len(letters) == 2
    assert stat.S_IMODE(os.stat(state["dead_letter"]).st_mode) == 0o600


async def test_dead_letter_appended(tmp_path: Path, hub_url: str, state: dict[str, Path]) -> None:
    first = write_lines(tmp_path / "first.jsonl", ["{broken"])
    second = write_lines(tmp_path / "second.jsonl", ["also broken"])

    await run_bridge(tmp_path, TOKEN, "jsonl", first, *options(hub_url, state))
    await run_bridge(tmp_path, TOKEN, "jsonl", second, *options(hub_url, state))

    assert [letter["file"] for letter in dead_letters(state["dead_letter"])] == [first, second]


async def test_rerun_skips_unchanged_file(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(5)])

    first = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))
    second = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))

    assert first.returncode == 0
    assert first.summary["created"] == 5
    assert second.returncode == 0
    assert second.summary["files_unchanged"] == 1
    assert second.summary["files_read"] == 0
    assert len(hub.requests) == 1
    assert not state["dead_letter"].exists()


async def test_changed_file_read_again(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    path = tmp_path / "items.jsonl"
    write_lines(path, [make_item(number) for number in range(3)])
    await run_bridge(tmp_path, TOKEN, "jsonl", str(path), *options(hub_url, state))
    write_lines(path, [make_item(number) for number in range(4)])

    result = await run_bridge(tmp_path, TOKEN, "jsonl", str(path), *options(hub_url, state))

    assert result.summary["duplicates"] == 3
    assert result.summary["created"] == 1
    assert len(hub.stored) == 4


async def test_other_hub_not_skipped(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path], aiohttp_server: Any) -> None:
    other = HubStub()
    other_server = await aiohttp_server(other.app())
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(3)])

    await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))
    result = await run_bridge(
        tmp_path, TOKEN, "jsonl", path, *options(f"http://{other_server.host}:{other_server.port}", state)
    )

    assert result.summary["created"] == 3
    assert len(other.stored) == 3


async def test_batches_span_files(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    paths = [
        write_lines(tmp_path / f"part-{part}.jsonl", [make_item(part * 10 + number) for number in range(3)])
        for part in range(3)
    ]

    result = await run_bridge(tmp_path, TOKEN, "jsonl", *paths, *options(hub_url, state, "--batch-size", "4"))

    assert result.returncode == 0
    assert [len(batch or []) for batch in hub.requests] == [4, 4, 1]
    entries = checkpoint_entries(state["checkpoint"])
    assert sorted(entries) == sorted(os.path.abspath(path) for path in paths)
    assert all(entry["complete"] and entry["records_done"] == 3 for entry in entries.values())
    assert stat.S_IMODE(os.stat(state["checkpoint"]).st_mode) == 0o600


async def test_kill_then_resume(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    expected = {("signal", f"test-{number}") for number in range(30)}
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(30)])
    arguments = ["jsonl", path, *options(hub_url, state, "--batch-size", "10")]
    hub.hold_request = 2

    process = await start_bridge(tmp_path, TOKEN, *arguments)
    await asyncio.wait_for(hub.held.wait(), timeout=60)
    process.kill()
    await process.wait()
    hub.release()

    (entry,) = checkpoint_entries(state["checkpoint"]).values()
    assert entry["records_done"] == 10
    assert entry["complete"] is False
    assert len(hub.stored) == 10

    hub.hold_request = None
    result = await run_bridge(tmp_path, TOKEN, *arguments)

    assert result.returncode == 0
    assert result.summary["already_sent"] == 10
    assert result.summary["created"] == 20
    assert result.summary["duplicates"] == 0
    assert set(hub.stored) == expected
    # The held batch was never stored; every other request carried new items only.
    stored_batches = [batch for number, batch in enumerate(hub.requests, start=1) if batch and number != 2]
    assert sum(len(batch) for batch in stored_batches) == 30
    assert (entry := next(iter(checkpoint_entries(state["checkpoint"]).values())))["complete"] is True
    assert entry["records_done"] == 30


async def test_interrupt_exits_130(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(30)])
    hub.hold_request = 2

    process = await start_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state, "--batch-size", "10"))
    await asyncio.wait_for(hub.held.wait(), timeout=60)
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    hub.release()

    assert process.returncode == 130
    assert "stopped: interrupted" in stderr.decode()
    assert "summary: files_read=1" in stderr.decode()
    assert f"the checkpoint {state['checkpoint']} records what the hub acknowledged; a re-run resumes there" in stderr.decode()
    (entry,) = checkpoint_entries(state["checkpoint"]).values()
    assert entry["records_done"] == 10


async def test_interrupt_before_ack_claims_nothing(
    tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]
) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(30)])
    hub.hold_request = 1

    process = await start_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state, "--batch-size", "10"))
    await asyncio.wait_for(hub.held.wait(), timeout=60)
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    hub.release()

    assert process.returncode == 130
    assert "nothing was delivered; a re-run starts from the beginning" in stderr.decode()
    assert "resumes there" not in stderr.decode()
    assert not state["checkpoint"].exists()


async def test_stdin_never_checkpointed(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    data = "".join(json.dumps(make_item(number)) + "\n" for number in range(3)).encode()

    first = await run_bridge(tmp_path, TOKEN, "jsonl", "-", *options(hub_url, state), stdin_data=data)
    second = await run_bridge(tmp_path, TOKEN, "jsonl", "-", *options(hub_url, state), stdin_data=data)

    assert first.summary["created"] == 3
    assert second.summary["duplicates"] == 3
    assert not state["checkpoint"].exists()


async def test_open_stdin_pushed_when_quiet(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    process = await start_bridge(
        tmp_path, TOKEN, "jsonl", "-", *options(hub_url, state), stdin=asyncio.subprocess.PIPE
    )
    assert process.stdin is not None
    process.stdin.write("".join(json.dumps(make_item(number)) + "\n" for number in range(2)).encode())
    await process.stdin.drain()

    await asyncio.wait_for(hub.stored_batch.wait(), timeout=60)
    stored_while_open = len(hub.stored)
    process.stdin.write((json.dumps(make_item(2)) + "\n").encode())
    process.stdin.close()
    await asyncio.wait_for(process.wait(), timeout=60)

    # Both lines arrive in one write, but a loaded machine may push them in two batches.
    assert 1 <= stored_while_open <= 2
    assert process.returncode == 0
    assert len(hub.stored) == 3


async def test_wrong_token_stops_run(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(3)])

    result = await run_bridge(tmp_path, "not-the-token", "jsonl", path, *options(hub_url, state, "-v"))

    assert result.returncode == 1
    assert "rejected the token (401 unauthorized: unknown token)" in result.stderr
    assert "not-the-token" not in result.stderr
    assert len(hub.requests) == 1
    assert not state["checkpoint"].exists()
    assert "nothing was delivered; a re-run starts from the beginning" in result.stderr
    assert "resumes there" not in result.stderr


async def test_wrong_token_fails_summary(tmp_path: Path, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(3)])

    result = await run_bridge(tmp_path, "not-the-token", "jsonl", path, *options(hub_url, state))
    after_summary = result.stderr.split("summary: ")[1].splitlines()[1:]

    assert result.summary["failed"] == 3
    assert result.summary["errors"] == 0
    assert "ERROR" in after_summary[0]
    assert "stopped: the hub at " in after_summary[0]
    assert "rejected the token (401" in after_summary[0]


async def test_scope_error_after_ack_resumes(
    tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]
) -> None:
    hub.script = [Scripted(accept=True), Scripted(403)]
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(3)])

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state, "--batch-size", "1"))

    assert result.returncode == 1
    assert "rejected the token's scope (403" in result.stderr
    assert f"the checkpoint {state['checkpoint']} records what the hub acknowledged; a re-run resumes there" in result.stderr
    assert result.summary["created"] == 1
    assert result.summary["failed"] == 1
    (entry,) = checkpoint_entries(state["checkpoint"]).values()
    assert entry["records_done"] == 1


async def test_stop_after_earlier_run_resumes(tmp_path: Path, hub_url: str, state: dict[str, Path]) -> None:
    first = write_lines(tmp_path / "first.jsonl", [make_item(number) for number in range(3)])
    second = write_lines(tmp_path / "second.jsonl", [make_item(number) for number in range(3, 6)])
    await run_bridge(tmp_path, TOKEN, "jsonl", first, *options(hub_url, state))

    result = await run_bridge(tmp_path, "not-the-token", "jsonl", first, second, *options(hub_url, state))

    assert result.summary["files_unchanged"] == 1
    assert result.summary["failed"] == 3
    assert f"the checkpoint {state['checkpoint']} records what the hub acknowledged; a re-run resumes there" in result.stderr


async def test_stdin_stop_after_ack_says_resent(
    tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]
) -> None:
    hub.script = [Scripted(accept=True), Scripted(401)]
    data = "".join(json.dumps(make_item(number)) + "\n" for number in range(3)).encode()

    result = await run_bridge(
        tmp_path, TOKEN, "jsonl", "-", *options(hub_url, state, "--batch-size", "1"), stdin_data=data
    )

    assert result.returncode == 1
    assert "1 interaction reached the hub but the checkpoint does not record them" in result.stderr
    assert "nothing was delivered" not in result.stderr
    assert "resumes there" not in result.stderr


async def test_wrong_token_mid_file_stops_run(
    tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]
) -> None:
    first = write_lines(tmp_path / "first.jsonl", [make_item(number) for number in range(3)])
    second = write_lines(tmp_path / "second.jsonl", [make_item(number) for number in range(3, 6)])

    result = await run_bridge(
        tmp_path, "not-the-token", "jsonl", first, second, *options(hub_url, state, "--batch-size", "1")
    )

    assert result.returncode == 1
    assert "rejected the token" in result.stderr
    assert "reader failed" not in result.stderr
    assert result.summary["files_read"] == 1
    assert len(hub.requests) == 1


async def test_reader_failure_skips_to_next_file(
    tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]
) -> None:
    broken = write_lines(tmp_path / "broken.jsonl", [make_item(1), {"raise": "private detail"}, make_item(2)])
    intact = write_lines(tmp_path / "intact.jsonl", [make_item(3)])

    result = await run_bridge(tmp_path, TOKEN, "jsonl", broken, intact, *options(hub_url, state, "--batch-size", "1"))

    assert result.returncode == 1
    assert result.summary["errors"] == 1
    assert result.summary["created"] == 2
    assert sorted(source_id for _, source_id in hub.stored) == ["test-1", "test-3"]
    assert "input 1/2: the reader failed at record 2 (RuntimeError)" in result.stderr
    assert "private detail" not in result.stderr
    (letter,) = dead_letters(state["dead_letter"])
    assert letter == {
        "item": None,
        "errors": [{"field": None, "message": "reader failed: RuntimeError: private detail"}],
        "file": broken,
        "location": "record 2",
    }
    entries = checkpoint_entries(state["checkpoint"])
    assert entries[os.path.abspath(broken)]["complete"] is False
    assert entries[os.path.abspath(broken)]["records_done"] == 1
    assert entries[os.path.abspath(intact)]["complete"] is True


async def test_unwritable_checkpoint_stops_run(tmp_path: Path, hub: HubStub, hub_url: str) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(3)])
    state = {"checkpoint": not_a_folder / "checkpoint.json", "dead_letter": tmp_path / "rejected.jsonl"}

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))

    assert result.returncode == 1
    assert "ERROR bridges.core.runner: stopped: " in result.stderr
    assert "Traceback" not in result.stderr
    assert result.summary["created"] == 3
    assert result.summary["failed"] == 0
    assert "3 interactions reached the hub but the checkpoint does not record them" in result.stderr


async def test_logs_hold_no_private_data(tmp_path: Path, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(
        tmp_path / "Chat with Bob Example.jsonl",
        [make_item(1, content="secret plans"), "{broken", make_item(2, metadata={INVALID_FLAG: True})],
    )

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state, "-v"))
    logs = result.stdout + result.stderr

    assert result.summary["created"] == 1
    for private in (TOKEN, "secret plans", "+15550142", "Bob Example"):
        assert private not in logs


async def test_too_large_batch_split(tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path]) -> None:
    one_item = len(json.dumps({"interactions": [make_item(10)]}))
    hub.max_body_bytes = one_item * 3
    huge = make_item(99, content="x" * (one_item * 3))
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(10, 18)] + [huge])

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state, "--batch-size", "9"))

    assert result.returncode == 1
    assert result.summary["created"] == 8
    assert result.summary["rejected"] == 1
    assert len(hub.stored) == 8
    (letter,) = dead_letters(state["dead_letter"])
    assert letter["item"]["source_id"] == "test-99"
    assert "too large" in letter["errors"][0]["message"]


async def test_unavailable_hub_stops_without_checkpoint(
    tmp_path: Path, hub: HubStub, hub_url: str, state: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    # In-process, so that the retry waits go to an injected sleep instead of the clock.
    hub.script = [Scripted(503, retry_after="1")] * 20
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(3)])
    args = build_parser(TEST_SOURCES).parse_args(["jsonl", path, *options(hub_url, state, "--no-progress")])
    settings = resolve_settings(args, ConfigFile(), accepts_stdin=True, environ={"CARDMUNK_TOKEN": TOKEN})
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    caplog.set_level("INFO", logger="bridges")
    status = await run_in_process(settings, read, sleep=sleep)

    assert status == 1
    assert len(hub.requests) == 8
    assert len(sleeps) == 7
    assert "did not accept the batch after 8 attempts" in caplog.text
    assert "summary: files_read=1" in caplog.text
    assert "failed=3" in caplog.text
    assert "nothing was delivered; a re-run starts from the beginning" in caplog.text
    assert not state["checkpoint"].exists()


async def test_file_counts_singular(tmp_path: Path, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(1), "{broken"])

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))

    assert "input 1/1: 1 interaction, 0 skipped, 1 error\n" in result.stderr


async def test_rejected_in_batch_singular(tmp_path: Path, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(1, metadata={INVALID_FLAG: True}), make_item(2)])

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state, "--batch-size", "1"))

    assert "the hub rejected 1 interaction of a batch of 1 as invalid" in result.stderr


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["{broken", "also broken", make_item(1)], "2 records that could not be read were written to "),
        ([make_item(1, metadata={INVALID_FLAG: True})], "1 interaction rejected by the hub was written to "),
        (
            ["{broken", make_item(1, metadata={INVALID_FLAG: True}), make_item(2, metadata={INVALID_FLAG: True})],
            "1 record that could not be read and 2 interactions rejected by the hub were written to ",
        ),
    ],
)
async def test_dead_letter_message_matches_counts(
    tmp_path: Path, hub_url: str, state: dict[str, Path], lines: list[Any], expected: str
) -> None:
    path = write_lines(tmp_path / "items.jsonl", lines)

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))

    assert expected + str(state["dead_letter"]) in result.stderr
    assert "rejected records" not in result.stderr


async def test_missing_region_hints_at_option(tmp_path: Path, hub_url: str, state: dict[str, Path]) -> None:
    path = write_lines(tmp_path / "calls.jsonl", [{"phone": "030 1234567"}])
    expected = "number has no country code and no default region is set; pass --phone-region CC"

    result = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state))
    with_region = await run_bridge(tmp_path, TOKEN, "jsonl", path, *options(hub_url, state, "--phone-region", "DE"))

    assert f"input 1/1: line 1: {expected}" in result.stderr
    (letter,) = dead_letters(state["dead_letter"])
    assert letter["errors"][0]["message"].startswith(expected)
    assert "phone_region" not in result.stderr
    assert with_region.returncode == 0
    assert with_region.summary["skipped"] == 1
