"""Progress: periodic log lines off a terminal, a bar on one, nothing when disabled."""

from __future__ import annotations

import io

import pytest

from bridges.core.progress import BarProgress, LogProgress, Progress, make_progress
from bridges.core.summary import RunCounts


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_lines_at_interval(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="bridges")
    clock = Clock()
    counts = RunCounts(created=4)
    progress = LogProgress(counts, interval=30.0, clock=clock)
    progress.start_file(2, 3)

    for second in range(0, 100, 5):
        clock.now = float(second)
        progress.advance()

    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3
    assert lines[2].startswith("progress: input 2/3, 19 records read")
    assert lines[0] == "progress: input 2/3, 7 records read, interactions=0 created=4 duplicates=0 rejected=0"


def test_bar_on_terminal() -> None:
    stream = Terminal()
    progress = make_progress(RunCounts(), enabled=True, stream=stream)
    progress.start_file(1, 1)
    progress.advance()
    progress.close()

    assert isinstance(progress, BarProgress)
    assert "input 1/1" in stream.getvalue()


def test_kind_follows_stream_and_option() -> None:
    assert isinstance(make_progress(RunCounts(), enabled=True, stream=io.StringIO()), LogProgress)
    assert type(make_progress(RunCounts(), enabled=False, stream=Terminal())) is Progress
