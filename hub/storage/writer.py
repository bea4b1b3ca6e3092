"""The single writer: one thread owns the only write connection.

Every write in the hub is a unit of work submitted here. The writer thread runs it inside
`BEGIN IMMEDIATE ... COMMIT` and resolves the caller's future only after COMMIT returned, so
an acknowledged write is on disk (`synchronous=FULL`). Writing from a thread of its own keeps
the event loop free: SQLite calls block, and an fsync per commit takes milliseconds.

Work marked `combinable` (ingestion batches) that is waiting in the queue is committed in one
transaction, up to `max_transaction_items` items: one fsync and one FTS5 segment for many
requests instead of one each. If a combined transaction fails for a reason other than
storage, each piece of work is retried alone, so one faulty request cannot fail the others.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from hub.storage.connection import open_connection
from hub.storage.errors import StorageUnavailable, is_storage_failure
from hub.storage.migrations import migrate

logger = logging.getLogger(__name__)


class Transaction:
    """State shared by the units of work committed together in one transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._before_commit: dict[str, Callable[[sqlite3.Connection], None]] = {}
        self.values: dict[str, Any] = {}

    def before_commit(self, key: str, hook: Callable[[sqlite3.Connection], None]) -> None:
        """Run `hook` once just before COMMIT, however many units registered `key`."""
        self._before_commit.setdefault(key, hook)

    def run_before_commit(self) -> None:
        for hook in self._before_commit.values():
            hook(self.connection)


WorkFunction = Callable[[Transaction], Any]


@dataclass
class _Work:
    function: WorkFunction
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop
    combinable: bool
    size: int = 1
    name: str = "write"
    result: Any = field(default=None)


_STOP = object()

# Exceptions a unit of work raises to refuse its input; they are the client's error.
REJECTIONS: tuple[type[Exception], ...] = (LookupError, ValueError)


class Writer:
    """Run write work in one thread, one transaction at a time."""

    def __init__(self, path: Path, busy_timeout_ms: int, max_transaction_items: int) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._max_items = max_transaction_items
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._connection: sqlite3.Connection | None = None
        self._next_work: _Work | None = None

    def start(self) -> None:
        """Open the database, apply migrations, and start the writer thread."""
        if self._thread is not None:
            return
        self._connection = open_connection(self._path, self._busy_timeout_ms)
        migrate(self._connection)
        self._thread = threading.Thread(target=self._run, name="cardmunk-writer", daemon=True)
        self._thread.start()
        logger.info("writer started on %s", self._path)

    async def close(self) -> None:
        """Finish the queued work, then stop the thread and close the connection."""
        if self._thread is None:
            return
        self._queue.put(_STOP)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)
        self._thread = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        logger.info("writer stopped")

    async def submit(
        self, function: WorkFunction, *, combinable: bool = False, size: int = 1, name: str = "write"
    ) -> Any:
        """Run `function(transaction)` in a write transaction; return its result after COMMIT."""
        if self._thread is None:
            raise RuntimeError("the writer is not running: call start() first")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.put(_Work(function, future, loop, combinable, size, name))
        return await asyncio.shield(future)

    # The methods below run in the writer thread.

    def _run(self) -> None:
        while True:
            first = self._next_work if self._next_work is not None else self._queue.get()
            self._next_work = None
            if first is _STOP:
                return
            batch = self._gather(first)
            self._commit_group(batch)

    def _gather(self, first: _Work) -> list[_Work]:
        """Take `first` plus the combinable work already waiting, up to the item limit."""
        batch = [first]
        if not first.combinable:
            return batch

        total = first.size
        while total < self._max_items:
            try:
                following = self._queue.get_nowait()
            except queue.Empty:
                break
            if following is _STOP or not following.combinable:
                self._next_work = following
                break
            batch.append(following)
            total += following.size
        return batch

    def _commit_group(self, batch: list[_Work]) -> None:
        try:
            self._transact(batch)
        except Exception as exc:
            if len(batch) > 1 and not is_storage_failure(exc):
                logger.warning("combined transaction failed (%s); retrying its %d parts alone",
                               type(exc).__name__, len(batch))
                for work in batch:
                    self._commit_group([work])
                return
            self._fail(batch, exc)
            return

        for work in batch:
            self._resolve(work, work.result, None)

    def _transact(self, batch: list[_Work]) -> None:
        assert self._connection is not None
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            transaction = Transaction(connection)
            for work in batch:
                work.result = work.function(transaction)
            transaction.run_before_commit()
            connection.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        assert self._connection is not None
        if not self._connection.in_transaction:
            return
        try:
            self._connection.execute("ROLLBACK")
        except sqlite3.Error:
            logger.exception("rollback failed")

    def _fail(self, batch: list[_Work], exc: Exception) -> None:
        if is_storage_failure(exc):
            logger.error("write failed, storage unavailable: %s (%d units rolled back)", exc, len(batch))
            error: Exception = StorageUnavailable(str(exc))
        elif isinstance(exc, REJECTIONS):
            # The work refused its input (unknown contact, handle taken...): the caller
            # reports it to the client; it is not a fault of the hub.
            logger.debug("write %s rejected with %s", batch[0].name, type(exc).__name__)
            error = exc
        else:
            # Only the type and the stack: messages of domain errors name handles and names.
            stack = "".join(traceback.format_tb(exc.__traceback__))
            logger.error("write %s failed with %s:\n%s", batch[0].name, type(exc).__name__, stack)
            error = exc
        for work in batch:
            self._resolve(work, None, error)

    @staticmethod
    def _resolve(work: _Work, result: Any, error: Exception | None) -> None:
        def settle() -> None:
            if work.future.done():
                return
            if error is not None:
                work.future.set_exception(error)
            else:
                work.future.set_result(result)

        try:
            work.loop.call_soon_threadsafe(settle)
        except RuntimeError:
            # The event loop closed while this unit ran; its result is committed anyway.
            logger.debug("event loop closed before %s was acknowledged", work.name)
