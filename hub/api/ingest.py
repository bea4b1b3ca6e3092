"""`POST /api/v1/interactions`: bridges push one interaction or a batch of up to 1,000."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

from aiohttp import web

from hub import keys
from hub.api.middleware import TOKEN_NAME, requires
from hub.api.params import read_json
from hub.errors import BadRequest, PayloadTooLarge
from hub.ingest.item import MAX_BATCH_ITEMS
from hub.ingest.store import IngestHook, store_items
from hub.ingest.validate import InvalidItem, ValidItem, validate_batch

logger = logging.getLogger(__name__)

# Set by features that keep derived data in step with ingestion (activity scores).
INGEST_HOOKS = web.AppKey("ingest_hooks", list[IngestHook])


@requires("ingest")
async def post_interactions(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    body = await read_json(request, settings.server.max_body_bytes)
    raw_items = _items_of(body)

    owner = request.app[keys.OWNER]
    checked = validate_batch(raw_items, owner)
    valid = [c for c in checked if isinstance(c, ValidItem)]

    results: list[dict[str, Any]] = [{} for _ in raw_items]
    for item in checked:
        if isinstance(item, InvalidItem):
            results[item.index] = {
                "index": item.index, "status": "invalid", "errors": [e.to_dict() for e in item.errors]
            }

    if valid:
        hooks = request.app.get(INGEST_HOOKS, [])
        stored = await request.app[keys.DATABASE].writer.submit(
            partial(_store, valid=valid, now=int(time.time()), hooks=hooks),
            combinable=True, size=len(valid), name="ingest",
        )
        for entry in stored:
            result: dict[str, Any] = {"index": entry.index, "status": entry.status}
            if entry.interaction_id is not None:
                result["id"] = entry.interaction_id
            results[entry.index] = result

    counts = {"created": 0, "duplicate": 0, "invalid": 0}
    for result in results:
        counts[result["status"]] += 1
    logger.info("batch of %d from token %s: %d created, %d duplicate, %d invalid",
                len(results), request.get(TOKEN_NAME), counts["created"], counts["duplicate"],
                counts["invalid"])
    return web.json_response({"results": results, "counts": counts})


def _store(transaction: Any, *, valid: list[ValidItem], now: int, hooks: list[IngestHook]) -> Any:
    return store_items(transaction, valid, now, hooks)


def _items_of(body: Any) -> list[Any]:
    """Accept `{"interactions": [...]}` or a single interaction object."""
    if isinstance(body, dict) and "interactions" in body:
        if set(body) != {"interactions"}:
            extra = sorted(set(body) - {"interactions"})
            raise BadRequest(f"a batch body has only the field interactions; unknown: {', '.join(extra)[:200]}")
        items = body["interactions"]
        if not isinstance(items, list):
            raise BadRequest("interactions must be an array")
        if len(items) > MAX_BATCH_ITEMS:
            raise PayloadTooLarge(f"batch has {len(items)} interactions; at most {MAX_BATCH_ITEMS}")
        return items
    if isinstance(body, dict):
        return [body]
    raise BadRequest('body must be an interaction object or {"interactions": [...]}')
