"""Sinks for batches of interactions: the hub, or standard output for --dry-run."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from bridges.core.client import BatchTooLarge, HubClient, ItemResult
from bridges.core.deadletter import DeadLetterFile
from bridges.core.records import InteractionItem
from bridges.core.summary import RunCounts, pluralize

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingItem:
    """An interaction waiting for its batch, with where it came from for the dead-letter file."""

    item: InteractionItem
    file: str
    location: str


class Sink(Protocol):
    async def send(self, batch: list[PendingItem]) -> None:
        """Deliver a batch; return only when every item in it is accounted for."""


class PrintSink:
    """Writes each interaction as one JSON line in the ingestion API's item shape."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    async def send(self, batch: list[PendingItem]) -> None:
        for pending in batch:
            self.stream.write(json.dumps(pending.item.to_json_dict(), ensure_ascii=False) + "\n")
        self.stream.flush()


class HubSink:
    """Pushes batches to the hub, counts the results and dead-letters rejected items."""

    def __init__(self, client: HubClient, counts: RunCounts, dead_letter: DeadLetterFile) -> None:
        self.client = client
        self.counts = counts
        self.dead_letter = dead_letter

    async def send(self, batch: list[PendingItem]) -> None:
        bodies = [pending.item.to_json_dict() for pending in batch]
        try:
            results = await self.client.push(bodies)
        except BatchTooLarge as exc:
            await self._split(batch, str(exc))
            return
        self._record(batch, bodies, results)

    async def _split(self, batch: list[PendingItem], message: str) -> None:
        # The hub limits the request body in bytes, so halving finds batches that fit. A
        # single item that still does not fit is rejected on its own.
        if len(batch) == 1:
            pending = batch[0]
            self.counts.rejected += 1
            self.dead_letter.write(
                pending.item.to_json_dict(), [{"field": None, "message": message}], pending.file, pending.location
            )
            logger.warning("an interaction is too large for the hub; written to %s", self.dead_letter.path)
            return
        logger.info("the hub rejected a batch of %d as too large; sending it in two halves", len(batch))
        middle = len(batch) // 2
        await self.send(batch[:middle])
        await self.send(batch[middle:])

    def _record(self, batch: list[PendingItem], bodies: list[dict[str, Any]], results: list[ItemResult]) -> None:
        rejected = 0
        for pending, body, result in zip(batch, bodies, results):
            if result.status == "created":
                self.counts.created += 1
            elif result.status == "duplicate":
                self.counts.duplicates += 1
            else:
                rejected += 1
                self.dead_letter.write(body, result.errors, pending.file, pending.location)
        self.counts.rejected += rejected
        if rejected:
            logger.warning(
                "the hub rejected %s of a batch of %d as invalid; written to %s",
                pluralize(rejected, "interaction"), len(batch), self.dead_letter.path,
            )
