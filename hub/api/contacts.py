"""Contacts API: list and search, one contact's card, create, rename, handles, merge, delete."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any, Callable

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hub import keys
from hub.api.middleware import requires
from hub.api.params import choice_param, int_param, object_body, path_id, read_json
from hub.contacts import edits
from hub.contacts.handles import InvalidHandle, normalize_handle
from hub.contacts.queries import CONTACT_SORTS, MAX_PAGE, ContactNotFound, get_contact, list_contacts
from hub.cursor import InvalidCursor
from hub.errors import BadRequest, Conflict, NotFound
from hub.ingest.item import HandleKind
from hub.ingest.validate import field_error, region_hint

logger = logging.getLogger(__name__)

MAX_EDIT_BODY = 64 * 1024


class HandleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: HandleKind
    handle: str = Field(min_length=1, max_length=320)


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    handles: list[HandleIn] = Field(default_factory=list, max_length=100)


class RenameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source_contact_id: int = Field(ge=1, description="The contact merged into this one, then deleted.")


def _validated(model: type[BaseModel], body: Any) -> Any:
    try:
        return model.model_validate(object_body(body))
    except ValidationError as exc:
        details = [field_error(e).to_dict() for e in exc.errors()]
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise BadRequest(f"invalid body: {summary}", details=details) from None


async def _write(request: web.Request, function: Callable[[Any], Any]) -> Any:
    """Run a contact edit in the writer; map domain errors to HTTP errors."""
    def run(transaction: Any) -> Any:
        return function(transaction.connection)

    try:
        return await request.app[keys.DATABASE].writer.submit(run, name="contact-edit")
    except ContactNotFound as exc:
        raise NotFound(str(exc)) from None
    except LookupError as exc:
        raise NotFound(str(exc).strip("'\"")) from None
    except edits.ContactConflict as exc:
        raise Conflict(str(exc)) from None
    except InvalidHandle as exc:
        raise BadRequest(f"handle {exc}{region_hint(exc)}") from None


def _region(request: web.Request) -> str | None:
    return request.app[keys.SETTINGS].owner.phone_region


def _reject_owner_handles(request: web.Request, handles: list[tuple[str, str]]) -> None:
    """Reject the owner's own handles (owner.handles): they never belong to a contact."""
    owner = request.app[keys.OWNER]
    for kind, raw in handles:
        try:
            value = normalize_handle(kind, raw, _region(request))
        except InvalidHandle as exc:
            raise BadRequest(f"handle {exc}{region_hint(exc)}") from None
        if (kind, value) in owner:
            raise Conflict(f"handle {kind}:{value} is one of your own handles (owner.handles); "
                           "it cannot belong to a contact")


@requires("read")
async def list_contacts_route(request: web.Request) -> web.Response:
    sort = choice_param(request, "sort", CONTACT_SORTS, "last_interaction") or "last_interaction"
    limit = int_param(request, "limit", 50, minimum=1, maximum=MAX_PAGE)
    try:
        page = await list_contacts(request.app[keys.DATABASE].reader, q=request.query.get("q") or None,
                                   sort=sort, limit=limit, cursor=request.query.get("cursor") or None)
    except InvalidCursor as exc:
        raise BadRequest(f"query parameter cursor {exc}") from None
    return web.json_response({"contacts": page.contacts, "next_cursor": page.next_cursor})


@requires("read")
async def get_contact_route(request: web.Request) -> web.Response:
    try:
        contact = await get_contact(request.app[keys.DATABASE].reader, path_id(request))
    except ContactNotFound as exc:
        raise NotFound(str(exc)) from None
    return web.json_response(contact)


@requires("admin")
async def create_contact_route(request: web.Request) -> web.Response:
    body = _validated(ContactIn, await read_json(request, MAX_EDIT_BODY))
    handles = [(h.kind, h.handle) for h in body.handles]
    _reject_owner_handles(request, handles)
    contact_id = await _write(request, partial(edits.create_contact, name=body.name.strip(),
                                               handles=handles, region=_region(request)))
    contact = await get_contact(request.app[keys.DATABASE].reader, contact_id)
    return web.json_response(contact, status=201)


@requires("admin")
async def rename_contact_route(request: web.Request) -> web.Response:
    contact_id = path_id(request)
    body = _validated(RenameIn, await read_json(request, MAX_EDIT_BODY))
    await _write(request, partial(edits.rename_contact, contact_id=contact_id, name=body.name.strip()))
    return web.json_response(await get_contact(request.app[keys.DATABASE].reader, contact_id))


@requires("admin")
async def add_handle_route(request: web.Request) -> web.Response:
    contact_id = path_id(request)
    body = _validated(HandleIn, await read_json(request, MAX_EDIT_BODY))
    _reject_owner_handles(request, [(body.kind, body.handle)])
    await _write(request, partial(edits.add_handle, contact_id=contact_id, kind=body.kind, raw=body.handle,
                                  region=_region(request)))
    return web.json_response(await get_contact(request.app[keys.DATABASE].reader, contact_id), status=201)


@requires("admin")
async def remove_handle_route(request: web.Request) -> web.Response:
    contact_id = path_id(request)
    handle_id = path_id(request, "handle_id")
    new_id = await _write(request, partial(edits.remove_handle, contact_id=contact_id, handle_id=handle_id))
    return web.json_response({"contact_id": contact_id, "handle_id": handle_id, "new_contact_id": new_id})


@requires("admin")
async def merge_contact_route(request: web.Request) -> web.Response:
    target_id = path_id(request)
    body = _validated(MergeIn, await read_json(request, MAX_EDIT_BODY))
    await _write(request, partial(edits.merge_contacts, target_id=target_id, source_id=body.source_contact_id))
    logger.info("merged contact %d into %d", body.source_contact_id, target_id)
    return web.json_response(await get_contact(request.app[keys.DATABASE].reader, target_id))


@requires("admin")
async def delete_contact_route(request: web.Request) -> web.Response:
    contact_id = path_id(request)
    report = await _write(request, partial(edits.delete_contact, contact_id=contact_id))
    database = request.app[keys.SETTINGS].database
    await asyncio.get_running_loop().run_in_executor(
        None, edits.truncate_wal, database.path, database.busy_timeout_ms)
    logger.info("deleted contact %d; interactions erased: %d", contact_id, report.interactions_erased)
    return web.json_response({
        "deleted": contact_id,
        "handles_deleted": report.handles_deleted,
        "interactions_erased": report.interactions_erased,
        "interactions_unlinked": report.interactions_unlinked,
    })
