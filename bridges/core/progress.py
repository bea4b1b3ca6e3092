"""Progress of a long import: a tqdm bar on a terminal, periodic log lines otherwise.

Readers stream their files and cannot tell how many records are left, so progress is shown
as the input file's ordinal and a running count of records, not as a percentage.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Callable, TextIO

from tqdm import tqdm

from bridges.core.summary import RunCounts, pluralize

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 30.0


class Progress:
    """No progress output; the base of the two visible kinds."""

    def __init__(self, counts: RunCounts) -> None:
        self.counts = counts
        self.records = 0
        self.label = "input"

    def start_file(self, ordinal: int, total: int) -> None:
        self.label = f"input {ordinal}/{total}"

    def advance(self) -> None:
        self.records += 1

    def batch_done(self) -> None:
        """Show the hub's counts after a batch was acknowledged."""

    def close(self) -> None:
        pass

    def _status(self) -> str:
        counts = self.counts
        status = f"interactions={counts.interactions_found}"
        # A dry run sends nothing, so it shows no hub counts.
        if counts.created or counts.duplicates or counts.rejected:
            status += f" created={counts.created} duplicates={counts.duplicates} rejected={counts.rejected}"
        return status


class BarProgress(Progress):
    """A tqdm bar counting records, labelled with the current input file's ordinal."""

    def __init__(self, counts: RunCounts, stream: TextIO) -> None:
        super().__init__(counts)
        self._bar = tqdm(total=None, unit=" records", file=stream, dynamic_ncols=True, leave=True)

    def start_file(self, ordinal: int, total: int) -> None:
        super().start_file(ordinal, total)
        self._bar.set_description_str(self.label, refresh=False)

    def advance(self) -> None:
        super().advance()
        self._bar.update(1)

    def batch_done(self) -> None:
        self._bar.set_postfix_str(self._status(), refresh=False)

    def close(self) -> None:
        self._bar.close()


class LogProgress(Progress):
    """A log line at most every `interval` seconds, for stderr that is not a terminal."""

    def __init__(
        self,
        counts: RunCounts,
        interval: float = LOG_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(counts)
        self._interval = interval
        self._clock = clock
        self._next_log = clock() + interval

    def advance(self) -> None:
        super().advance()
        now = self._clock()
        if now >= self._next_log:
            self._next_log = now + self._interval
            logger.info("progress: %s, %s read, %s", self.label, pluralize(self.records, "record"), self._status())


def make_progress(counts: RunCounts, enabled: bool, stream: TextIO | None = None) -> Progress:
    """Return a bar when `stream` (stderr by default) is a terminal, log lines otherwise."""
    stream = stream or sys.stderr
    if not enabled:
        return Progress(counts)
    if stream.isatty():
        return BarProgress(counts, stream)
    return LogProgress(counts)
