"""Records of a live stream: order, pushes while the reader waits, reader errors."""

from __future__ import annotations

import threading
from typing import Iterator

import pytest

from bridges.core.records import Record, Skipped
from bridges.core.streaming import records_of_stream


def skipped(number: int) -> Skipped:
    return Skipped("-", f"line {number}", "test")


async def collect(records: Iterator[Record], on_idle: object = None) -> list[Record]:
    async def idle() -> None:
        if callable(on_idle):
            on_idle()

    return [record async for record in records_of_stream(records, idle, idle_seconds=0.01)]


async def test_yields_all_in_order() -> None:
    records = [skipped(number) for number in range(2500)]

    assert await collect(iter(records)) == records


async def test_idle_callback_while_reader_waits() -> None:
    more_input = threading.Event()
    idle_calls: list[int] = []

    def reader() -> Iterator[Record]:
        yield skipped(1)
        # Input arrives only after the consumer went idle once.
        if not more_input.wait(timeout=30):
            raise TimeoutError("the consumer never went idle")
        yield skipped(2)

    def on_idle() -> None:
        idle_calls.append(1)
        more_input.set()

    records = await collect(reader(), on_idle)

    assert records == [skipped(1), skipped(2)]
    assert len(idle_calls) >= 1


async def test_reader_error_reraised() -> None:
    def reader() -> Iterator[Record]:
        yield skipped(1)
        raise OSError("device gone")

    with pytest.raises(OSError, match="device gone"):
        await collect(reader())
