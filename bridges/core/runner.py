"""Assemble one bridge run from its settings and return the exit status."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
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
from bridges.core.summary import RunCounts

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
    stopped_early = False
    try:
        if settings.dry_run:
            importer = Importer(settings, reader, PrintSink(stdout or sys.stdout), counts, progress, None, None)
            await importer.run()
        else:
            stopped_early = await _push(settings, reader, counts, progress, policy, sleep)
    except BrokenPipeError:
        # The reader of --dry-run output went away (`| head`): stop without a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        logger.info("standard output was closed; stopped")
        stopped_early = True
    except OSError as exc:
        # Readers' errors are reported per file, so this is the checkpoint, the dead-letter
        # file or standard output failing: the run cannot record its progress.
        logger.error("stopped: %s", exc)
        stopped_early = True
    finally:
        progress.close()
        logger.info("%s", counts.summary_line())
    return counts.exit_status(stopped_early)


async def _push(
    settings: RunSettings,
    reader: Reader,
    counts: RunCounts,
    progress: Progress,
    policy: RetryPolicy | None,
    sleep: Sleep | None,
) -> bool:
    """Run the import against the hub; return True when it stopped before the end."""
    checkpoint = CheckpointFile(settings.checkpoint_path, checkpoint_scope(settings))
    checkpoint.load()
    dead_letter = DeadLetterFile(settings.dead_letter_path)
    client = HubClient(settings.hub, settings.token or "", policy=policy or RetryPolicy(), sleep=sleep or asyncio.sleep)
    try:
        async with client:
            sink = HubSink(client, counts, dead_letter)
            await Importer(settings, reader, sink, counts, progress, checkpoint, dead_letter).run()
    except HubError as exc:
        logger.error("stopped: %s", exc)
        logger.info("the checkpoint %s contains what the hub acknowledged; a re-run resumes there", checkpoint.path)
        return True
    finally:
        dead_letter.close()
    if dead_letter.written:
        logger.warning("%s", dead_letter.describe())
    return False
