"""Assemble one bridge run from its settings and return the exit status."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TextIO

from bridges.core.checkpoint import CheckpointFile, scope_key
from bridges.core.client import HubClient, HubError, Sleep
from bridges.core.deadletter import DeadLetterFile
from bridges.core.pipeline import Importer
from bridges.core.progress import Progress, make_progress
from bridges.core.records import Reader
from bridges.core.retry import RetryPolicy
from bridges.core.settings import RunSettings
from bridges.core.sinks import HubSink, PrintSink
from bridges.core.summary import RunCounts, pluralize

logger = logging.getLogger(__name__)


def _package_version() -> str:
    try:
        return version("cardmunk-hub")
    except PackageNotFoundError:
        return "unknown"


def checkpoint_scope(settings: RunSettings) -> str:
    """Return the checkpoint scope: a change of any of these inputs starts files afresh."""
    options = settings.options
    return scope_key(
        settings.source,
        settings.hub,
        {
            "me": sorted(options.me),
            "timezone": str(options.timezone),
            "phone_region": options.phone_region,
            "since": settings.since.isoformat() if settings.since else None,
            # A newer reader may yield a different number of records for the same file.
            "version": _package_version(),
        },
    )


@dataclass(frozen=True)
class Stop:
    """The reason a run ended before its last record, logged after the summary at `level`."""

    message: str
    level: int = logging.ERROR


async def run_bridge(
    settings: RunSettings,
    reader: Reader,
    stdout: TextIO | None = None,
    policy: RetryPolicy | None = None,
    sleep: Sleep | None = None,
) -> int:
    """Import the settings' input files with `reader` and return the exit status."""
    counts = RunCounts()
    progress = make_progress(counts, settings.progress)
    run = _HubRun(settings, reader, counts, progress, policy, sleep) if not settings.dry_run else None
    stop: Stop | None = None
    try:
        if run is None:
            importer = Importer(settings, reader, PrintSink(stdout or sys.stdout), counts, progress, None, None)
            await importer.run()
        else:
            await run.push()
    except HubError as exc:
        stop = Stop(str(exc))
    except BrokenPipeError:
        # The reader of --dry-run output went away (`| head`): stop without a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        stop = Stop("standard output was closed", logging.INFO)
    except OSError as exc:
        # Readers' errors are reported per file, so this is the checkpoint, the dead-letter
        # file or standard output failing: the run cannot record its progress.
        stop = Stop(str(exc))
    except (asyncio.CancelledError, KeyboardInterrupt):
        # asyncio.run cancels the run on Ctrl-C; the caller turns it into exit status 130.
        stop = Stop("interrupted")
        raise
    finally:
        progress.close()
        _finish(counts, stop, run)
    return counts.exit_status(stop is not None)


def _finish(counts: RunCounts, stop: Stop | None, run: _HubRun | None) -> None:
    """Log the closing lines: dead-letter file, summary, and why and where the run stopped."""
    if run is not None:
        run.close(stop is not None)
    logger.info("%s", counts.summary_line())
    if stop is None:
        return
    logger.log(stop.level, "stopped: %s", stop.message)
    if run is not None:
        logger.info("%s", run.resume_note())


class _HubRun:
    """The parts of a run that push to the hub: client, checkpoint and dead-letter file."""

    def __init__(
        self,
        settings: RunSettings,
        reader: Reader,
        counts: RunCounts,
        progress: Progress,
        policy: RetryPolicy | None,
        sleep: Sleep | None,
    ) -> None:
        self.counts = counts
        self.checkpoint = CheckpointFile(settings.checkpoint_path, checkpoint_scope(settings))
        self.dead_letter = DeadLetterFile(settings.dead_letter_path)
        self.client = HubClient(
            settings.hub, settings.token or "", policy=policy or RetryPolicy(), sleep=sleep or asyncio.sleep
        )
        sink = HubSink(self.client, counts, self.dead_letter)
        self.importer = Importer(settings, reader, sink, counts, progress, self.checkpoint, self.dead_letter)

    async def push(self) -> None:
        self.checkpoint.load()
        async with self.client:
            await self.importer.run()

    def close(self, stopped_early: bool) -> None:
        """Close the dead-letter file, report what it received, and count what was not delivered."""
        self.dead_letter.close()
        if self.dead_letter.written:
            logger.warning("%s", self.dead_letter.describe())
        if stopped_early:
            self.counts.count_unacknowledged()

    def resume_note(self) -> str:
        """Return what a re-run after a stop will do, judged by what the hub acknowledged."""
        if self.importer.resumable:
            return f"the checkpoint {self.checkpoint.path} records what the hub acknowledged; a re-run resumes there"
        delivered = self.counts.created + self.counts.duplicates + self.counts.rejected
        if delivered:
            # Standard input has no checkpoint, and a checkpoint that cannot be written records nothing.
            return (
                f"{pluralize(delivered, 'interaction')} reached the hub but the checkpoint does not record them; "
                "a re-run sends them again and the hub ignores the duplicates"
            )
        return "nothing was delivered; a re-run starts from the beginning"
