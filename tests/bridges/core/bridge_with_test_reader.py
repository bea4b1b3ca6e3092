"""Run `cardmunk-bridge` with an extra source, `jsonl`, read by the tests' JSON Lines reader.

    python -m tests.bridges.core.bridge_with_test_reader jsonl FILE... [options]

The tests start it as a subprocess (from the repository root) to drive the real command
line, exit status and signals without depending on any format reader.
"""

from __future__ import annotations

import sys

from bridges.cli import main
from bridges.core import pipeline
from bridges.core.sources import SOURCES, SourceSpec

TEST_SOURCES = {
    **SOURCES,
    "jsonl": SourceSpec(
        name="jsonl",
        module="tests.bridges.core.jsonl_reader",
        summary="import the tests' JSON Lines files",
        files="Each PATH is a JSON Lines file of interaction items; - reads standard input.",
        example="cardmunk-bridge jsonl items.jsonl",
        accepts_stdin=True,
    ),
}

if __name__ == "__main__":
    # A quiet standard input is pushed after this pause; the default would slow the tests.
    pipeline.IDLE_FLUSH_SECONDS = 0.05
    sys.exit(main(sys.argv[1:], sources=TEST_SOURCES))
