"""One import: read every input file, filter, batch, send, and checkpoint what was acknowledged.

A record is anything a reader yields (interaction, skip or parse error), and a file's
position is the number of its records handled so far. Batches may span files. After the
sink has accounted for a batch, the position of every file touched since the previous
batch is written to the checkpoint, so the checkpoint never runs ahead of the hub. Parse
errors between the last acknowledged batch and a kill are written to the dead-letter file
again by the next run, because the checkpoint did not yet cover them.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from typing import AsyncIterator, Iterator

from bridges.core.checkpoint import CheckpointFile, FileProgress, fingerprint
from bridges.core.deadletter import DeadLetterFile
from bridges.core.progress import Progress
from bridges.core.records import InteractionItem, ParseError, ReadOptions, Reader, Record, Skipped
from bridges.core.settings import STDIN_PATH, RunSettings
from bridges.core.sinks import PendingItem, Sink
from bridges.core.streaming import records_of_stream
from bridges.core.summary import RunCounts, pluralize
from hub.contacts.handles import NO_DEFAULT_REGION

logger = logging.getLogger(__name__)

# Standard input is pushed after this many seconds without a new record, so that a live
# stream such as `signal-cli receive` reaches the hub before a batch is full.
IDLE_FLUSH_SECONDS = 2.0
# Parse errors beyond this many per run go to the dead-letter file only, not to the log.
MAX_LOGGED_ERRORS = 20
# Added to a reader's error about a phone number without a country code, because the
# text from hub.contacts.handles names no setting.
REGION_HINT = "; pass --phone-region CC, the two-letter code of the country these numbers are from"


class ReaderFailed(Exception):
    """A reader raised instead of yielding a ParseError; `error` is what it raised."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error


def _guarded(reader: Reader, path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield the reader's records, turning whatever it raises into ReaderFailed."""
    try:
        yield from reader(path, options)
    except Exception as exc:
        raise ReaderFailed(exc) from exc


@dataclass
class FileCursor:
    """How far one input file has been read in this run."""

    path: str
    label: str
    # Absolute path and fingerprint; None for inputs that are never checkpointed.
    key: str | None
    fingerprint: str | None
    resume_after: int = 0
    position: int = 0
    # finished: the reader reached the end; closed: reading stopped, at the end or by an error.
    finished: bool = False
    closed: bool = False


class Importer:
    """Runs the records of every input file through filters and batches into a sink."""

    def __init__(
        self,
        settings: RunSettings,
        reader: Reader,
        sink: Sink,
        counts: RunCounts,
        progress: Progress,
        checkpoint: CheckpointFile | None,
        dead_letter: DeadLetterFile | None,
    ) -> None:
        self.settings = settings
        self.reader = reader
        self.sink = sink
        self.counts = counts
        self.progress = progress
        self.checkpoint = checkpoint
        self.dead_letter = dead_letter
        self._pending: list[PendingItem] = []
        self._uncommitted: list[FileCursor] = []
        self._errors_logged = 0
        # True once the checkpoint contains progress for one of this run's files, so that a
        # re-run skips what the hub acknowledged.
        self.resumable = False

    async def run(self) -> None:
        """Import every input file, then send the last batch."""
        total = len(self.settings.paths)
        for ordinal, path in enumerate(self.settings.paths, start=1):
            cursor = self._open_cursor(path, f"input {ordinal}/{total}")
            if cursor is None:
                self.counts.files_unchanged += 1
                logger.info("input %d/%d: unchanged and fully imported before; skipped", ordinal, total)
                continue
            self.progress.start_file(ordinal, total)
            await self._import_file(cursor)
        await self._flush()

    def _open_cursor(self, path: str, label: str) -> FileCursor | None:
        """Return a cursor positioned after the acknowledged records, or None if the file is done."""
        if path == STDIN_PATH or self.checkpoint is None:
            return FileCursor(path, label, key=None, fingerprint=None)
        current = fingerprint(path)
        if current is None:
            return FileCursor(path, label, key=None, fingerprint=None)

        key = os.path.abspath(path)
        cursor = FileCursor(path, label, key=key, fingerprint=current)
        progress = self.checkpoint.progress_for(key, current)
        if progress is None:
            return cursor
        self.resumable = self.resumable or progress.records_done > 0
        if progress.complete:
            return None
        cursor.resume_after = progress.records_done
        logger.info(
            "%s: resuming after %s acknowledged by an earlier run", label, pluralize(progress.records_done, "record")
        )
        return cursor

    async def _import_file(self, cursor: FileCursor) -> None:
        self.counts.files_read += 1
        self._uncommitted.append(cursor)
        before = replace(self.counts)
        try:
            async for record in self._records_of(cursor):
                cursor.position += 1
                if cursor.position <= cursor.resume_after:
                    self.counts.already_sent += 1
                    continue
                self.progress.advance()
                await self._handle(record, cursor)
        except ReaderFailed as failure:
            # An unreadable file or a reader bug must not stop the other files. Errors of
            # the hub, the checkpoint or the dead-letter file do stop the run.
            self._reader_failed(cursor, failure.error)
        else:
            cursor.finished = True
        finally:
            cursor.closed = True

        logger.info(
            "%s: %s, %d skipped, %s",
            cursor.label,
            pluralize(self.counts.interactions_found - before.interactions_found, "interaction"),
            self.counts.skipped - before.skipped,
            pluralize(self.counts.errors - before.errors, "error"),
        )

    async def _records_of(self, cursor: FileCursor) -> AsyncIterator[Record]:
        records = _guarded(self.reader, cursor.path, self.settings.options)
        if cursor.path == STDIN_PATH:
            async for record in records_of_stream(records, self._flush, IDLE_FLUSH_SECONDS):
                yield record
        else:
            for record in records:
                yield record

    async def _handle(self, record: Record, cursor: FileCursor) -> None:
        if isinstance(record, InteractionItem):
            self.counts.interactions_found += 1
            since = self.settings.since
            if since is not None and record.occurred_at < since:
                self.counts.before_since += 1
                return
            self._pending.append(PendingItem(record, self._display_path(cursor, record), f"record {cursor.position}"))
            if len(self._pending) >= self.settings.batch_size:
                await self._flush()
        elif isinstance(record, Skipped):
            self.counts.skipped += 1
        elif isinstance(record, ParseError):
            reason = record.reason + REGION_HINT if NO_DEFAULT_REGION in record.reason else record.reason
            self._report_error(cursor, self._display_path(cursor, record), record.location, reason)
        else:
            reason = f"the reader yielded a {type(record).__name__}, not a record"
            self._report_error(cursor, cursor.path, f"record {cursor.position}", reason)

    def _reader_failed(self, cursor: FileCursor, exc: Exception) -> None:
        # Only the exception type reaches the log: its message may quote the file's content.
        location = f"record {cursor.position + 1}"
        logger.error(
            "%s: the reader failed at %s (%s); going on with the next file",
            cursor.label, location, type(exc).__name__,
        )
        self._report_error(cursor, cursor.path, location, f"reader failed: {type(exc).__name__}: {exc}", log=False)

    def _report_error(self, cursor: FileCursor, file: str, location: str, reason: str, log: bool = True) -> None:
        self.counts.errors += 1
        if self.dead_letter is not None:
            self.dead_letter.write(None, [{"field": None, "message": reason}], file, location)
        if not log:
            return
        self._errors_logged += 1
        if self._errors_logged <= MAX_LOGGED_ERRORS:
            # Readers keep message content out of the reason, so the reason may be logged.
            logger.warning("%s: %s: %s", cursor.label, location, reason)
        if self._errors_logged == MAX_LOGGED_ERRORS:
            where = f"see {self.dead_letter.path}" if self.dead_letter else "they are counted in the summary"
            logger.warning("further parse errors are not logged; %s", where)

    @staticmethod
    def _display_path(cursor: FileCursor, record: InteractionItem | ParseError) -> str:
        # A reader given a folder names the file inside it; standard input stays `-`.
        if isinstance(record, ParseError) and cursor.path != STDIN_PATH:
            return record.path
        return cursor.path

    async def _flush(self) -> None:
        """Send the pending batch, then checkpoint the positions it covers."""
        batch, self._pending = self._pending, []
        if batch:
            await self.sink.send(batch)
            self.progress.batch_done()
        self._commit()
        if batch and self.checkpoint is not None:
            logger.debug("batch of %s acknowledged; checkpoint saved", pluralize(len(batch), "interaction"))

    def _commit(self) -> None:
        if self.checkpoint is not None:
            saves_progress = False
            for cursor in self._uncommitted:
                if cursor.key is not None and cursor.fingerprint is not None:
                    progress = FileProgress(cursor.fingerprint, cursor.position, cursor.finished)
                    self.checkpoint.update(cursor.key, progress)
                    saves_progress = saves_progress or cursor.position > 0
            self.checkpoint.save()
            self.resumable = self.resumable or saves_progress
        # The file being read stays uncommitted: its position moves on with the next batch.
        self._uncommitted = [cursor for cursor in self._uncommitted if not cursor.closed]
