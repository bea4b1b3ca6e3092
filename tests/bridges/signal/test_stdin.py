"""Reading signal-cli output from a pipe, as `signal-cli -o json receive | bridge -` does."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from typing import IO

from tests.bridges.signal.receive import BASE_MS, BOB_NUMBER, incoming

# The reader runs in a child process on its standard input and prints one line per record.
CHILD = """
import sys
from bridges.core.records import InteractionItem, ReadOptions
from bridges.signal import read

for record in read("-", ReadOptions(me=("+15550100",))):
    label = record.source_id if isinstance(record, InteractionItem) else record.location
    print(type(record).__name__, label, flush=True)
"""
# Upper bound on waiting for the child. A reader that waits for the end of its input prints
# nothing while the pipe stays open, so the test fails after this many seconds.
ANSWER_TIMEOUT_SECONDS = 30


def _read_line(stream: IO[bytes]) -> str:
    ready, _, _ = select.select([stream], [], [], ANSWER_TIMEOUT_SECONDS)
    assert ready, "the reader did not yield a record while its input stayed open"
    return stream.readline().decode().strip()


def _line(record: dict) -> bytes:
    return json.dumps(record).encode() + b"\n"


def test_pipe_yields_before_input_ends() -> None:
    with subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(_line(incoming(BASE_MS, "first")))
            child.stdin.flush()
            first = _read_line(child.stdout)

            child.stdin.write(b"{not json\n")
            child.stdin.flush()
            second = _read_line(child.stdout)

            child.stdin.write(_line(incoming(BASE_MS + 1000, "third")))
            child.stdin.close()
            rest = child.stdout.read().decode().split("\n")
            exit_code = child.wait(timeout=ANSWER_TIMEOUT_SECONDS)
        finally:
            if child.poll() is None:
                child.kill()

    assert first == f"InteractionItem {BOB_NUMBER}:{BASE_MS}"
    assert second == "ParseError line 2"
    assert rest == [f"InteractionItem {BOB_NUMBER}:{BASE_MS + 1000}", ""]
    assert exit_code == 0
