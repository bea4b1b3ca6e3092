"""Records of a live stream (standard input), so that a quiet stream still gets pushed.

`signal-cli -o json receive --timeout -1 | cardmunk-bridge signal -` delivers a message now
and then. A reader blocks until the next line arrives, so the reader runs in a daemon
thread and the import loop pushes its pending batch whenever the stream has been quiet for
a moment. A daemon thread does not keep the process alive at exit while it waits on input.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from dataclasses import dataclass
from typing import AsyncIterator, Awaitable, Callable, Iterator

from bridges.core.records import Record

# Enough to hand a reader's records over without letting a fast pipe fill the memory.
QUEUE_SIZE = 1000


@dataclass(frozen=True)
class _End:
    """The reader finished, by exhaustion or with `error`."""

    error: BaseException | None = None


async def records_of_stream(
    records: Iterator[Record],
    on_idle: Callable[[], Awaitable[None]],
    idle_seconds: float,
) -> AsyncIterator[Record]:
    """Yield the reader's records; await `on_idle` after each `idle_seconds` without one."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Record | _End] = asyncio.Queue(maxsize=QUEUE_SIZE)

    def hand_over(entry: Record | _End) -> None:
        # Blocks the thread while the queue is full.
        asyncio.run_coroutine_threadsafe(queue.put(entry), loop).result()

    def pump() -> None:
        try:
            try:
                for record in records:
                    hand_over(record)
            except Exception as exc:  # re-raised in the import loop, which reports it
                hand_over(_End(exc))
            else:
                hand_over(_End())
        except (RuntimeError, concurrent.futures.CancelledError):
            return  # the event loop stopped (at exit or after Ctrl-C), so no consumer is left

    threading.Thread(target=pump, name="stream-reader", daemon=True).start()
    # One pending get() is kept across idle timeouts: cancelling it could lose a record.
    getter: asyncio.Future[Record | _End] | None = None
    try:
        while True:
            if getter is None:
                getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter}, timeout=idle_seconds)
            if not done:
                await on_idle()
                continue
            entry, getter = getter.result(), None
            if isinstance(entry, _End):
                if entry.error is not None:
                    raise entry.error
                return
            yield entry
    finally:
        if getter is not None:
            getter.cancel()
