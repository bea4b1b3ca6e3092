"""A stand-in for the hub's ingestion endpoint, served on 127.0.0.1 by the tests.

It stores items by (source, source_id) like the hub and responds with the hub's result
and error shapes. A test can script error statuses or dropped connections for the next
requests, or hold one request open until the test releases it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "stub-ingest-token"
# Items whose metadata contains this flag get the status `invalid`, as items that fail
# the hub's validation do.
INVALID_FLAG = "stub_invalid"


@dataclass
class Scripted:
    """One scripted response: an error status (with Retry-After), a dropped connection, or
    `accept`, which handles the request as the hub would."""

    status: int = 503
    retry_after: str | None = None
    drop: bool = False
    accept: bool = False


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


@dataclass
class HubStub:
    stored: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # Every request that reached the handler, with its items (None when dropped or scripted).
    requests: list[list[dict[str, Any]] | None] = field(default_factory=list)
    script: list[Scripted] = field(default_factory=list)
    max_body_bytes: int | None = None
    # The request with this 1-based number waits for `release` and then stores nothing.
    hold_request: int | None = None
    held: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    # Set whenever a batch has been stored.
    stored_batch: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/v1/interactions", self.ingest)
        return app

    def release(self) -> None:
        self.released.set()

    @property
    def items_received(self) -> list[dict[str, Any]]:
        return [item for batch in self.requests if batch for item in batch]

    async def ingest(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.requests.append(None)
            return web.json_response(error_body(401, "unauthorized", "unknown token"), status=401)
        if self.script and not self.script[0].accept:
            return self._scripted(request, self.script.pop(0))
        if self.script:
            self.script.pop(0)

        body = await request.read()
        if self.max_body_bytes is not None and len(body) > self.max_body_bytes:
            self.requests.append(None)
            return web.json_response(error_body(413, "too_large", "request body too large"), status=413)
        items = json.loads(body)["interactions"]
        self.requests.append(items)

        if len(self.requests) == self.hold_request:
            self.held.set()
            await self.released.wait()
            return web.json_response(error_body(503, "unavailable", "held"), status=503)
        response = web.json_response(self._store(items))
        self.stored_batch.set()
        return response

    def _scripted(self, request: web.Request, response: Scripted) -> web.StreamResponse:
        self.requests.append(None)
        if response.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        headers = {"Retry-After": response.retry_after} if response.retry_after else {}
        body = error_body(response.status, "scripted", f"scripted {response.status}")
        return web.json_response(body, status=response.status, headers=headers)

    def _store(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        results: list[dict[str, Any]] = []
        counts = {"created": 0, "duplicate": 0, "invalid": 0}
        for index, item in enumerate(items):
            key = (item["source"], item["source_id"])
            result: dict[str, Any]
            if item.get("metadata", {}).get(INVALID_FLAG):
                result = {
                    "index": index,
                    "status": "invalid",
                    "errors": [{"field": "metadata", "message": "flagged invalid by the test"}],
                }
            elif key in self.stored:
                result = {"index": index, "status": "duplicate"}
            else:
                self.stored[key] = item
                result = {"index": index, "status": "created", "id": len(self.stored)}
            counts[result["status"]] += 1
            results.append(result)
        return {"results": results, "counts": counts}
