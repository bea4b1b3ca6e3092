"""Search and read interactions: `GET /api/v1/interactions`, one interaction, a contact's activity."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from hub import keys
from hub.api.middleware import requires
from hub.api.params import choice_param, int_param, list_param, path_id
from hub.contacts.queries import ContactNotFound
from hub.cursor import InvalidCursor
from hub.errors import BadRequest, InvalidQuery, NotFound, QueryTooSlow
from hub.ingest.item import INTERACTION_TYPES, SOURCES
from hub.search.engine import (DEFAULT_LIMIT, MAX_LIMIT, SORTS, InteractionNotFound, get_interaction,
                               search_interactions)
from hub.search.syntax import QuerySyntaxError, SearchQuery, parse_query, parse_time_bound
from hub.storage.errors import QueryTimeout

# Largest SQLite INTEGER: a larger id cannot be bound as a parameter.
MAX_ID = 2**63 - 1


def _query_from_request(request: web.Request) -> SearchQuery:
    """Combine `q` (the shared syntax) with the separate filter parameters.

    Dates without a time are days in the owner's time zone (`owner.timezone`).
    """
    zone = ZoneInfo(request.app[keys.SETTINGS].owner.timezone)
    try:
        query = parse_query(request.query.get("q", ""), zone)
    except QuerySyntaxError as exc:
        raise InvalidQuery(f"q: {exc}") from None

    query.sources.extend(list_param(request, "source", SOURCES))
    query.types.extend(list_param(request, "type", INTERACTION_TYPES))
    for name in ("since", "until"):
        raw = request.query.get(name)
        if not raw:
            continue
        try:
            bound = parse_time_bound(raw, zone, name, end_of_day=(name == "until"))
        except QuerySyntaxError:
            raise BadRequest(f"query parameter {name} must be a date or an RFC 3339 timestamp, got {raw[:40]!r}") from None
        if name == "since":
            query.since = bound if query.since is None else max(query.since, bound)
        else:
            query.until = bound if query.until is None else min(query.until, bound)
    return query


async def _search(request: web.Request, contact_id: int | None) -> web.Response:
    query = _query_from_request(request)
    contact = request.query.get("contact")
    if contact:
        try:
            contact_filter = int(contact)
        except ValueError:
            raise BadRequest(f"query parameter contact must be a contact id, got {contact[:40]!r}") from None
        if not 1 <= contact_filter <= MAX_ID:
            raise BadRequest(f"query parameter contact must be between 1 and {MAX_ID}, got {contact[:40]}")
        if contact_id is not None and contact_filter != contact_id:
            return web.json_response({"interactions": [], "next_cursor": None, "sort": "time"})
        contact_id = contact_filter

    sort = choice_param(request, "sort", SORTS, None)
    limit = int_param(request, "limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    reader = request.app[keys.DATABASE].reader
    try:
        page = await search_interactions(reader, query, sort=sort, limit=limit,
                                         cursor=request.query.get("cursor") or None, contact_id=contact_id)
    except InvalidCursor as exc:
        raise BadRequest(f"query parameter cursor {exc}") from None
    except QueryTimeout:
        raise QueryTooSlow(
            "the search ran past its time budget; add words, a longer prefix or a filter"
        ) from None
    return web.json_response({"interactions": page.hits, "next_cursor": page.next_cursor, "sort": page.sort})


@requires("read")
async def list_interactions(request: web.Request) -> web.Response:
    return await _search(request, None)


@requires("read")
async def contact_interactions(request: web.Request) -> web.Response:
    contact_id = path_id(request)
    row = await request.app[keys.DATABASE].reader.fetch_one("SELECT 1 FROM contacts WHERE id = ?", [contact_id])
    if row is None:
        raise NotFound(str(ContactNotFound(contact_id)))
    return await _search(request, contact_id)


@requires("read")
async def read_interaction(request: web.Request) -> web.Response:
    interaction_id = path_id(request)
    try:
        interaction = await get_interaction(request.app[keys.DATABASE].reader, interaction_id)
    except InteractionNotFound as exc:
        raise NotFound(str(exc)) from None
    return web.json_response(interaction)
